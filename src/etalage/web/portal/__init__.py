"""The merchant portal: products, orders, money, returns, team and webhooks."""
