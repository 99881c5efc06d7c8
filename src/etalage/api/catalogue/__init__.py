"""The public catalogue API: products, categories, search."""
