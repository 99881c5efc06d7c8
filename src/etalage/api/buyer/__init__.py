"""The buyer API: account, cart, quotes, orders, payments, returns."""
