"""The public catalogue API, no sign-in.

- ``products``: products on sale in a market, search with facets, suggestions.
- ``categories``: the category tree in a language.
- ``merchant_page``: a merchant's page and its products; ``catalog_out``: how a
  product is shown; ``reviews``: ratings and reviews.
"""
