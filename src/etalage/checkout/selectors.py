from etalage.checkout.models import Cart, CartLine


def cart_lines(*, cart: Cart) -> list[CartLine]:
    """The lines still on sale, with what the quote and the page need (one query)."""
    return list(
        CartLine.objects.filter(
            cart=cart,
            variant__is_active=True,
            variant__product__status="live",
            variant__product__merchant__status="approved",
        )
        .select_related("variant__product__merchant")
        .prefetch_related("variant__product__translations")
    )
