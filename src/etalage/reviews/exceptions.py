from django.core.exceptions import ValidationError


class ReviewError(ValidationError):
    """A review, reply or report that cannot be: the message names the field and
    says why, in the person's language."""


class ReviewConflict(ReviewError):
    """What was asked was done already (a second review of a line, a second
    reply, follow-up, report or hiding)."""
