"""Writes to carts: add, change and remove lines."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from etalage.catalog.models import Variant
from etalage.catalog.selectors import visible_products
from etalage.checkout.models import Cart, CartLine
from etalage.inventory.services import stock_available
from etalage.pricing.strategy import MarketStrategy

MAX_QUANTITY = 99


def _on_sale(variant_id: object) -> Variant:
    try:
        variant = (
            Variant.objects.filter(pk=str(variant_id), is_active=True)
            .filter(product__in=visible_products())
            .first()
        )
    except (ValueError, ValidationError):  # not even a variant key
        variant = None
    if variant is None:
        raise ValidationError({"variant": _("This product is not on sale.")})
    return variant


@dataclass(frozen=True)
class CartAddition:
    line: CartLine
    added: int  # fewer than asked when the warehouses had no more
    asked: int


def _available(variant: Variant, strategy: MarketStrategy) -> int:
    kinds = strategy.stock_sources(variant.product.hs_code)
    return stock_available(variant_ids=[variant.pk], kinds=list(kinds)).get(
        variant.pk, 0
    )


def _check_available(
    variant: Variant, wanted: int, strategy: MarketStrategy | None
) -> None:
    if strategy is None:
        return
    kinds = strategy.stock_sources(variant.product.hs_code)
    available = stock_available(variant_ids=[variant.pk], kinds=list(kinds)).get(
        variant.pk, 0
    )
    if available <= 0:
        raise ValidationError({"quantity": strategy.out_of_stock_message(kinds)})
    if wanted > available:
        raise ValidationError({"quantity": _("Only %(n)d left.") % {"n": available}})


@transaction.atomic
def cart_add(
    *,
    cart: Cart,
    variant_id: object,
    quantity: int,
    strategy: MarketStrategy | None = None,
) -> CartAddition:
    """Add units of a variant on sale; a line already in the cart grows.

    With the market's ``strategy``, the cart may not hold more units than the
    warehouses the market takes them from have available: asked for more, it takes
    what there is (``CartAddition.added`` says how many), refused only when there
    is none left to add.
    """
    if not 1 <= quantity <= MAX_QUANTITY:
        raise ValidationError({"quantity": _("Choose between 1 and 99.")})
    asked = quantity
    variant = _on_sale(variant_id)
    existing = CartLine.objects.filter(cart=cart, variant=variant).first()
    in_cart = existing.quantity if existing else 0
    if strategy is not None:
        available = _available(variant, strategy)
        if available - in_cart <= 0:
            _check_available(variant, in_cart + 1, strategy)  # says why not
        quantity = min(quantity, available - in_cart)
    line, created = CartLine.objects.select_for_update().get_or_create(
        cart=cart, variant=variant, defaults={"quantity": quantity}
    )
    if not created:
        if line.quantity + quantity > MAX_QUANTITY:
            raise ValidationError({"quantity": _("Choose between 1 and 99.")})
        CartLine.objects.filter(pk=line.pk).update(quantity=F("quantity") + quantity)
        line.refresh_from_db()
    return CartAddition(line=line, added=quantity, asked=asked)


@transaction.atomic
def cart_set_quantity(
    *, cart: Cart, line_id: int, quantity: int, strategy: MarketStrategy | None = None
) -> None:
    """Set a line's quantity; 0 removes it."""
    line = (
        CartLine.objects.filter(cart=cart, pk=line_id)
        .select_related("variant__product")
        .first()
    )
    if line is None:
        raise ValidationError({"line": _("This line is not in your cart.")})
    if quantity == 0:
        line.delete()
        return
    if not 1 <= quantity <= MAX_QUANTITY:
        raise ValidationError({"quantity": _("Choose between 1 and 99.")})
    _check_available(line.variant, quantity, strategy)
    CartLine.objects.filter(pk=line.pk).update(quantity=quantity)


@transaction.atomic
def cart_merge(*, source: Cart, user: User) -> Cart:
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


def buyer_cart(*, user: User, create: bool = False) -> Cart | None:
    """The signed-in buyer's cart (their newest), made when ``create`` asks."""
    cart = Cart.objects.filter(user=user).order_by("-created_at").first()
    if cart is None and create:
        cart = Cart.objects.create(user=user)
    return cart
