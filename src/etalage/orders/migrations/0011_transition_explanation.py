"""What the buyer is told of a move, kept apart from the operator's note.

Until now one ``reason`` held both: Étalage's own reasons (translated when shown),
an operator's words, the explanations written in the buyer's language when an order
paid from someone else's account was cancelled or customs refused a parcel, and the
machines' notes (payment and refund references, customs' codes, carriers' waybills).
Each earlier move gets the explanation it gave the buyer, so that the buyer's
history still says it; the machines' notes are no longer shown to the buyer.
"""

import re

from django.db import migrations, models
from django.utils import translation

# The texts as they were written (translated in the order's language at the time):
# read back into their kind and values. Frozen here, as the catalogue said them.
PAYER_NOT_NAMED = (
    "The account that paid is not %(name)s's, the person named for customs. "
    "Cross-border rules require the buyer to pay from their own account: the "
    "order is cancelled and the payment refunded."
)
CUSTOMS_REFUSED = (
    "Customs refused this parcel (“%(words)s”). It is cancelled and its total "
    "refunded; the amount counts no longer toward your yearly cross-border "
    "allowance."
)
SYSTEM = {
    "Not paid before the hold ran out.": "hold_ran_out",
    "Cancelled by the buyer.": "cancelled_by_buyer",
    "cancelled by the buyer": "cancelled_by_buyer",
}
LANGUAGES = ("en", "zh-hans", "fr", "nl")


def _loose(text: str) -> str:
    """``text`` as a pattern whose spaces match breaking and non-breaking ones."""
    return re.escape(text).replace("\\ ", "[ \u00a0\u202f]")


def _reader(template: str, key: str):
    """A function reading a text ``template`` wrote, in any of the languages, back
    into its value (None: not such a text)."""
    shapes = []
    for language in LANGUAGES:
        with translation.override(language):
            said = translation.gettext(template)
        head, _, tail = said.partition(f"%({key})s")
        shapes.append(re.compile(_loose(head) + "(.*)" + _loose(tail), re.S))

    def read(text: str):
        for shape in shapes:
            found = shape.fullmatch(text)
            if found:
                return {key: found.group(1)}
        return None

    return read


def explain(apps, schema_editor):
    transition = apps.get_model("orders", "OrderTransition")
    payer = _reader(PAYER_NOT_NAMED, "name")
    customs = _reader(CUSTOMS_REFUSED, "words")
    changed = []
    rows = transition.objects.exclude(reason="").select_related("by")
    for row in rows.iterator(chunk_size=2000):
        kind, data = SYSTEM.get(row.reason, ""), {}
        if not kind and (found := payer(row.reason)) is not None:
            kind, data = "payer_not_named", found
        elif not kind and (found := customs(row.reason)) is not None:
            kind, data = "customs_refused", found
        elif not kind and row.by is not None and row.by.is_staff:
            # The buyer's page showed an operator's words as theirs: it still does.
            kind, data = "operator_note", {"words": row.reason}
        if kind:
            row.explanation, row.explanation_data = kind, data
            changed.append(row)
    transition.objects.bulk_update(
        changed, ["explanation", "explanation_data"], batch_size=500
    )


class Migration(migrations.Migration):
    dependencies = [("orders", "0010_route_transit")]

    operations = [
        migrations.AddField(
            model_name="ordertransition",
            name="explanation",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "none"),
                    ("hold_ran_out", "not paid in time"),
                    ("cancelled_by_buyer", "cancelled by the buyer"),
                    ("payer_not_named", "paid from someone else's account"),
                    ("customs_refused", "refused by customs"),
                    ("refunded", "refunded"),
                    ("return_received", "return received"),
                    ("operator_note", "the operator's words"),
                ],
                max_length=20,
                verbose_name="told the buyer",
            ),
        ),
        migrations.AddField(
            model_name="ordertransition",
            name="explanation_data",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(explain, migrations.RunPython.noop, elidable=True),
    ]
