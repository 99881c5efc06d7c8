"""Étalage: an open-source cross-border marketplace."""
