"""Why a bank returns a SEPA credit transfer: the ISO 20022 codes banks give most
(ExternalReturnReason1Code), told in the reader's language when shown."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

RETURN_REASONS = {
    "AC01": gettext_lazy("The account number is wrong."),
    "AC04": gettext_lazy("The account is closed."),
    "AC06": gettext_lazy("The account is blocked."),
    "AG01": gettext_lazy(
        "The bank does not allow this kind of transfer to the account."
    ),
    "AG02": gettext_lazy("The bank refused the operation code."),
    "AM05": gettext_lazy("The bank saw it as a duplicate."),
    "BE04": gettext_lazy("The creditor's address is missing or incomplete."),
    "MD07": gettext_lazy("The account holder has died."),
    "MS02": gettext_lazy("Refused by the account holder, without a reason."),
    "MS03": gettext_lazy("Refused by the bank, without a reason."),
    "RC01": gettext_lazy("The bank identifier (BIC) is wrong."),
    "RR01": gettext_lazy("The account holder's identification is missing."),
    "RR02": gettext_lazy("The account holder's name or address is missing."),
    "RR03": gettext_lazy("The creditor's name or address is missing."),
    "RR04": gettext_lazy("Regulatory reason."),
    "FOCR": gettext_lazy("Returned after a cancellation request."),
}


def return_reason_text(code: str) -> str:
    text = RETURN_REASONS.get(code)
    return (
        str(text) if text else _("The bank gave reason code %(code)s.") % {"code": code}
    )
