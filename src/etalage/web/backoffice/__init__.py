"""The operator's pages that are not the Django admin, let in by
``web.access.operator_required``.

- ``dashboard``: the operator's figures and charts, and their CSV files.

The back office itself is Django's admin (each context's ``admin.py``), its
templates in ``web/backoffice_templates``.
"""
