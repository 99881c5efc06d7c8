"""The storefront: what anyone browses and buys with (buyers in China, mostly).

- ``catalogue``: the home page, categories, merchants and their pages, a product,
  the market switch.
- ``search``: the results page with its facets, and suggestions as the buyer types.
- ``cart``: the cart, lines from many merchants priced per sub-order.
- ``checkout``: identity, address, the exact total, placing the order (signed in).
- ``cards``, ``reviews``: product cards and the reviews shown on the pages.

The buyer's orders once placed are ``web.account``'s. Access: anyone, except
checkout (``web.access.buyer_required``).
"""
