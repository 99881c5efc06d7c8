"""The buyer's own pages: sign-in and sign-up, identity, addresses, orders, returns."""
