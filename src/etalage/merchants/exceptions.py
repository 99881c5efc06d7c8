from django.core.exceptions import ValidationError


class MerchantDecisionRefused(ValidationError):
    """The operator's decision does not fit the merchant's current state."""
