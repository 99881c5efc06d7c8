"""The buyer's own pages, signed in (``web.access.buyer_required``).

- ``orders``: the buyer's orders and one order's page (parcels, tracking, returns,
  payment), cancelling an order not yet paid; ``payments``: the pay button.
- ``returns``: asking for a return, its label and photos.
- ``home``: the account page; ``identities``, ``addresses``: identities for customs
  and delivery addresses; ``notices``: contact points and order notices, the short
  link a text message carries.
- ``sign_in``, ``sign_up``, ``wechat``: signing in (keeping the cart), signing up,
  passwords, WeChat's sign-in and its unlinking.
- ``reviews``: the buyer's reviews of delivered lines.
"""
