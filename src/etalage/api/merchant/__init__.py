"""The merchant API: products, orders, shipping, money."""
