"""The buyer's storefront: home, categories, search, product pages, cart and checkout."""
