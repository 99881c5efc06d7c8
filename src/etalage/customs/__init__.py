"""Customs: China's cross-border e-commerce rules, buyer identity, declarations."""
