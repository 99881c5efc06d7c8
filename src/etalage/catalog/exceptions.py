from django.core.exceptions import ValidationError


class ListingRuleBroken(ValidationError):
    """A listing cannot change status because a rule of the marketplace forbids it."""
