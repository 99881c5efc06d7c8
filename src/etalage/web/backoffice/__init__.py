"""The operator's back-office pages that are not the Django admin."""
