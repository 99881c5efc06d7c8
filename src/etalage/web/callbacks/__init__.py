"""Endpoints that providers and carriers call: payment notices, tracking, customs receipts."""
