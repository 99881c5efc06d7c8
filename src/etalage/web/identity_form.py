"""The buyer's identity for customs, as *My account* asks for it (checkout sends
the buyer there): every mistake said at once, each under its field and in a list
that names the field; what was typed kept, but the ID number never written back in
clear. A number that was right while other answers were wrong is carried back
sealed (``customs.identity_crypto.seal_id_number``) and shown masked, so the buyer
does not type it again; a wrong one is typed again, the refusal saying what is
wrong with it."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from etalage.customs.identity_crypto import (
    mask_id_number,
    seal_id_number,
    unseal_id_number,
)
from etalage.customs.services import normalize_resident_id

# How long a sealed number stays good: time to correct a form, not to keep it.
KEPT_SECONDS = 30 * 60


class NeverShownInput(forms.TextInput):
    """A text input that never writes back what was typed (an ID number, say)."""

    def format_value(self, value):
        return None


class IdentityForm(forms.Form):
    """The answers as typed; ``customs.services.identity_add`` judges them all."""

    real_name = forms.CharField(
        label=_("Real name, as on your ID card"), max_length=200, required=False
    )
    # Long enough for a number typed in groups (3604 2619 9101 0100 71): the
    # service reads it without its spaces.
    id_number = forms.CharField(
        label=_("Resident ID number"),
        max_length=40,
        required=False,
        widget=NeverShownInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters"}
        ),
    )
    id_number_kept = forms.CharField(required=False, widget=forms.HiddenInput)
    mobile = forms.CharField(
        label=_("Mobile number"),
        max_length=40,
        required=False,
        widget=forms.TextInput(
            attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}
        ),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that Étalage uses my name and ID number only to declare my orders "
            "to China Customs, as cross-border e-commerce rules require."
        ),
        required=False,
    )
    # How the list of mistakes names a field whose label is a sentence.
    short_labels = {"consent": _("Consent to customs use")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.purpose = f"identity-form:{user.pk}"
        self.kept_masked = ""  # the sealed number, as the page shows it

    def clean(self):
        data = super().clean()
        if not data.get("id_number"):  # left empty: the number kept, if any
            kept = unseal_id_number(
                data.get("id_number_kept", ""),
                purpose=self.purpose,
                max_age=KEPT_SECONDS,
            )
            if kept:
                data["id_number"] = kept
                self.kept_masked = mask_id_number(kept)
        return data

    def keep_id_number(self) -> None:
        """After a refusal that did not concern it, carry a right number back
        sealed (and show it masked); a wrong one is not kept."""
        if "id_number" in self.errors or not hasattr(self, "cleaned_data"):
            return self._forget()
        try:
            number = normalize_resident_id(self.cleaned_data.get("id_number") or "")
        except ValidationError:
            return self._forget()
        self.kept_masked = mask_id_number(number)
        self.data = self.data.copy()
        self.data["id_number_kept"] = seal_id_number(number, purpose=self.purpose)
        self.data["id_number"] = ""
        return None

    def _forget(self) -> None:
        self.kept_masked = ""
        self.data = self.data.copy()
        self.data["id_number_kept"] = ""

    @property
    def error_list(self) -> list[tuple[str, str, str]]:
        """Every mistake with its field's id and label, in the form's order."""
        listed = []
        for field in self:
            for message in field.errors:
                label = self.short_labels.get(field.name, field.label)
                listed.append((field.id_for_label, str(label), message))
        for message in self.non_field_errors():
            listed.append(("", "", message))
        return listed


def identity_form_data(form: IdentityForm) -> dict:
    """The form's answers the service takes."""
    data = form.cleaned_data
    return {
        "real_name": data["real_name"],
        "id_number": data["id_number"],
        "mobile": data["mobile"],
        "consent": data["consent"],
    }
