"""The buyer API, signed in with the storefront's session (``api.access.BuyerSession``).

- ``orders``, ``order_detail``: placing orders (idempotent) and following them.
- ``quotes``, ``cart``: the exact total before placing; the cart, identities for
  customs and delivery addresses.
- ``payments``, ``refunds``, ``returns``: paying, refunds, returns with photos.
- ``account``, ``sign_in``, ``wechat_sign_in``: the account, signing up and in.
- ``promotions``, ``reviews``: codes to claim; reviews of delivered lines.
"""
