"""The forms of reviews: the buyer's review and follow-up, a report, the
merchant's reply. They check the shape; the rules are ``reviews.services``'."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from etalage.core.languages import Language
from etalage.reviews.languages import MORE_LANGUAGES, language_name
from etalage.reviews.models import HideReason, ReviewReport
from etalage.reviews.rating import MAX_PHOTOS, MAX_REPLY, MAX_TEXT
from etalage.web.templatetags.typography import colon

STAR_CHOICES = [(n, "★" * n) for n in (5, 4, 3, 2, 1)]


def language_choices() -> list[tuple[str, str]]:
    """The storefront's four languages, then a few more, each named in the
    reader's language (a review is kept in the language it was written in)."""
    reader = get_language() or "en"
    codes = [*Language.values, *MORE_LANGUAGES]
    return [(code, language_name(code, reader)) for code in codes]


class PunctuatedForm(forms.Form):
    """A form whose labels end in the colon of the reader's language ("Langue :",
    "撰写语言："), as the ``colon`` template tag writes it."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", colon().rstrip())
        super().__init__(*args, **kwargs)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to ``MAX_PHOTOS`` files in one field (Django's documented way)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if len(files) > MAX_PHOTOS:
            raise ValidationError(
                _("At most %(n)d photos.") % {"n": MAX_PHOTOS}, code="photos"
            )
        return [super(PhotosField, self).clean(f, initial) for f in files]


class ReviewForm(PunctuatedForm):
    stars = forms.TypedChoiceField(
        label=_("Your rating"), choices=STAR_CHOICES, coerce=int,
        widget=forms.RadioSelect(attrs={"class": "stars-input"}),
    )  # fmt: skip
    text = forms.CharField(
        label=_("Your review"), max_length=MAX_TEXT, required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )  # fmt: skip
    language = forms.ChoiceField(label=_("Written in"))
    photos = PhotosField(label=_("Photos (up to 6, JPEG, PNG or WebP)"), required=False)

    def __init__(self, *args, **kwargs):
        kwargs["initial"] = {
            "language": get_language(),
            **(kwargs.get("initial") or {}),
        }
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = language_choices()


class FollowUpForm(PunctuatedForm):
    follow_up = forms.CharField(
        label=_("Your follow-up"), max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )  # fmt: skip
    follow_up_language = forms.ChoiceField(label=_("Written in"))

    def __init__(self, *args, **kwargs):
        kwargs["initial"] = {
            "follow_up_language": get_language(),
            **(kwargs.get("initial") or {}),
        }
        super().__init__(*args, **kwargs)
        self.fields["follow_up_language"].choices = language_choices()


class ReplyForm(PunctuatedForm):
    reply = forms.CharField(
        label=_("Your public reply"), max_length=MAX_REPLY,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    reply_language = forms.ChoiceField(label=_("Written in"))

    def __init__(self, *args, **kwargs):
        kwargs["initial"] = {
            "reply_language": get_language(),
            **(kwargs.get("initial") or {}),
        }
        super().__init__(*args, **kwargs)
        self.fields["reply_language"].choices = language_choices()


class ReportForm(PunctuatedForm):
    reason = forms.ChoiceField(
        label=_("What is wrong with this review?"),
        choices=ReviewReport.Reason.choices, widget=forms.RadioSelect,
    )  # fmt: skip
    details = forms.CharField(
        label=_("Details (optional)"), max_length=500, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip


def service_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's refusal on its field when the form has it, else on top."""
    for field, messages in getattr(
        error, "message_dict", {None: error.messages}
    ).items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


class ModerationForm(forms.Form):
    """The operator's decision on a reported review (the rules are
    ``reviews.moderation``'s)."""

    class Decision(models.TextChoices):
        HIDE = "hide", _("Hide the review")
        HIDE_REPLY = "hide_reply", _("Hide the shop's reply only")
        KEEP = "keep", _("Keep it (close the reports)")
        SHOW = "show", _("Show the review again")
        SHOW_REPLY = "show_reply", _("Show the shop's reply again")

    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices)
    code = forms.ChoiceField(
        label=_("Why it is hidden"), required=False,
        choices=[("", "—"), *HideReason.choices],
    )  # fmt: skip
    reason = forms.CharField(
        label=_("In your words (the author reads them)"), max_length=500,
        required=False, widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip

    def clean(self):
        data = super().clean()
        hides = data.get("decision") in (self.Decision.HIDE, self.Decision.HIDE_REPLY)
        if hides and not data.get("code"):
            self.add_error("code", _("Choose why it is hidden."))
        return data
