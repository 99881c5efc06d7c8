"""The product page's coupons with the reading buyer's standing, filled per request:
the coupons come from the shared cache, the standing never does."""

from __future__ import annotations

from django import template

from etalage.promotions.selectors import coupon_standings

register = template.Library()


@register.simple_tag(takes_context=True)
def with_standing(context, coupons) -> list[tuple[str, str, str]]:
    """``[(key, label)]`` as ``[(key, label, standing)]`` for the signed-in buyer:
    "claimed", "used" or "" (to claim)."""
    user = context.get("user")
    buyer_id = user.pk if user is not None and user.is_authenticated else None
    standings = coupon_standings(
        buyer_id=buyer_id, promotion_ids=[key for key, _label in coupons]
    )
    return [(key, label, standings.get(key, "")) for key, label in coupons]
