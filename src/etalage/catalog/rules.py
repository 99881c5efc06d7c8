"""What a listing needs to be sold: the rules checked when it goes live and when a
change to a live listing is approved."""

from __future__ import annotations

from django.utils.translation import gettext as _

from etalage.catalog.models import Product
from etalage.customs.selectors import positive_list_entry
from etalage.pricing.selectors import market_strategies


def listing_problems(*, product: Product) -> list[str]:
    """Return, in the reader's language, why the product cannot go live."""
    problems = []
    names = {
        t.language for t in product.translations.all() if t.name and t.name.strip()
    }
    entry = positive_list_entry(hs_code=product.hs_code)
    for market, strategy in market_strategies():
        problems += strategy.listing_problems(
            hs_code=product.hs_code, on_positive_list=entry is not None
        )
        if market.default_language not in names:
            problems.append(
                _(
                    "The name in %(language)s is missing; "
                    "the %(market)s market needs it."
                )
                % {
                    "language": market.get_default_language_display(),
                    "market": market.name,
                }
            )
    if not product.variants.filter(is_active=True).exists():
        problems.append(_("The product has no active variant with a price."))
    if not product.images.exists():
        problems.append(_("The product has no picture: buyers see one on every card."))
    return problems
