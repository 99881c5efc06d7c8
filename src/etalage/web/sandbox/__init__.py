"""The embedded sandboxes' pages: stand-ins for the parties outside, served by
Étalage itself with test keys (off in production), never presented as the real
party.

- ``payments``: Antom's and WeChat Pay's APIs, the cashier and scan pages, the
  WeChat JSAPI and H5 sheets, the providers' settlement reports.
- ``wechat``: WeChat's sign-in (authorization page, ``sns`` API, mini-program login).
"""
