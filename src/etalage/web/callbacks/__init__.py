"""The endpoints parties outside call, with no session and no language prefix.

- ``payments``: the payment providers' notifications (the Alipay notification
  endpoint through Antom, WeChat Pay), ``/payments/notify/<provider>/``.
- ``carriers``: the carriers' tracking pushes, ``/logistics/carriers/<name>/events``.

Let in by ``web.access.outside_party``; the contexts check each party's signature.
"""
