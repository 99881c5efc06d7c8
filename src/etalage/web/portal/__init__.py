"""The merchant portal, let in by ``web.access.merchant_member(roles)`` with the
roles of ``merchants.permissions`` (a suspended merchant reads, writes nothing).

- ``dashboard``: the portal's first page, what needs the merchant's attention.
- ``products``, ``imports``: listings, one by one or by a CSV or Excel file.
- ``orders``: sub-orders, packing, labels and handing parcels over; ``returns``:
  deciding the buyers' returns.
- ``money``, ``sales``: sales, payouts, statements and invoices.
- ``company``, ``team``, ``api_keys``, ``webhooks``: the shop's settings (owner).
- ``onboarding``: applying to sell, confirming the email address (no member yet).
- ``reviews``: replying to buyers' reviews.
"""
