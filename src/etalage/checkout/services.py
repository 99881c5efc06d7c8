"""Writes to carts: add, change and remove lines."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from etalage.catalog.models import Variant
from etalage.catalog.selectors import visible_products
from etalage.checkout.models import Cart, CartLine
from etalage.inventory.services import stock_available

MAX_QUANTITY = 99


def _on_sale(variant_id) -> Variant:
    try:
        variant = (
            Variant.objects.filter(pk=variant_id, is_active=True)
            .filter(product__in=visible_products())
            .first()
        )
    except (ValueError, ValidationError):  # not even a variant key
        variant = None
    if variant is None:
        raise ValidationError({"variant": _("This product is not on sale.")})
    return variant


def warehouse_kinds_for(*, market, variant: Variant) -> list[str]:
    """Where a line for ``market`` may be taken from: the market's priority, narrowed to
    bonded warehouses for goods China's positive list allows only as bonded imports."""
    return warehouse_kinds_by_variant(market=market, variants=[variant])[variant.pk]


def warehouse_kinds_by_variant(*, market, variants: list[Variant]) -> dict:
    """``warehouse_kinds_for`` for many variants at once (one query at most)."""
    kinds = list(market.warehouse_priority)
    bonded_only: frozenset[str] = frozenset()
    if market.country == "CN" and variants:
        from etalage.customs.selectors import bonded_only_hs_codes

        bonded_only = bonded_only_hs_codes()
    bonded = [kind for kind in kinds if kind == "bonded"]
    return {
        v.pk: (bonded if v.product.hs_code in bonded_only else kinds) for v in variants
    }


def _check_available(variant: Variant, wanted: int, kinds: list[str] | None) -> None:
    if kinds is None:
        return
    available = stock_available(variant_ids=[variant.pk], kinds=kinds).get(
        variant.pk, 0
    )
    if available <= 0 and kinds == ["bonded"]:
        raise ValidationError(
            {
                "quantity": _(
                    "China allows this product only from a bonded warehouse in China, "
                    "and none is in stock there."
                )
            }
        )
    if available <= 0:
        raise ValidationError({"quantity": _("This product is out of stock.")})
    if wanted > available:
        raise ValidationError({"quantity": _("Only %(n)d left.") % {"n": available}})


@transaction.atomic
def cart_add(
    *,
    cart: Cart,
    variant_id,
    quantity: int,
    market=None,
    warehouse_kinds: list[str] | None = None,
) -> CartLine:
    """Add units of a variant on sale; a line already in the cart grows.

    With a ``market`` (or explicit ``warehouse_kinds``), the cart may not hold more
    units than the warehouses the market takes them from have available.
    """
    if not 1 <= quantity <= MAX_QUANTITY:
        raise ValidationError({"quantity": _("Choose between 1 and 99.")})
    variant = _on_sale(variant_id)
    if market is not None:
        warehouse_kinds = warehouse_kinds_for(market=market, variant=variant)
    existing = CartLine.objects.filter(cart=cart, variant=variant).first()
    _check_available(variant, quantity + (existing.quantity if existing else 0),
                     warehouse_kinds)  # fmt: skip
    line, created = CartLine.objects.select_for_update().get_or_create(
        cart=cart, variant=variant, defaults={"quantity": quantity}
    )
    if not created:
        if line.quantity + quantity > MAX_QUANTITY:
            raise ValidationError({"quantity": _("Choose between 1 and 99.")})
        CartLine.objects.filter(pk=line.pk).update(quantity=F("quantity") + quantity)
        line.refresh_from_db()
    return line


@transaction.atomic
def cart_set_quantity(*, cart: Cart, line_id: int, quantity: int, market=None) -> None:
    """Set a line's quantity; 0 removes it."""
    line = (
        CartLine.objects.filter(cart=cart, pk=line_id).select_related("variant").first()
    )
    if line is None:
        raise ValidationError({"line": _("This line is not in your cart.")})
    if quantity == 0:
        line.delete()
        return
    if not 1 <= quantity <= MAX_QUANTITY:
        raise ValidationError({"quantity": _("Choose between 1 and 99.")})
    kinds = warehouse_kinds_for(market=market, variant=line.variant) if market else None
    _check_available(line.variant, quantity, kinds)
    CartLine.objects.filter(pk=line.pk).update(quantity=quantity)


@transaction.atomic
def cart_merge(*, source: Cart, user) -> Cart:
    """Fold an anonymous cart into the signed-in buyer's cart (quantities add up, to
    99 at most); return the buyer's cart."""
    target = Cart.objects.filter(user=user).order_by("-created_at").first()
    if target is None:
        Cart.objects.filter(pk=source.pk).update(user=user)
        source.user = user
        return source
    if target.pk == source.pk:
        return target
    mine = {line.variant_id: line for line in target.lines.select_for_update()}
    for line in source.lines.all():
        if line.variant_id in mine:
            merged = min(mine[line.variant_id].quantity + line.quantity, MAX_QUANTITY)
            CartLine.objects.filter(pk=mine[line.variant_id].pk).update(quantity=merged)
        else:
            CartLine.objects.filter(pk=line.pk).update(cart=target)
    source.delete()
    return target
