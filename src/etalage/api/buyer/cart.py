"""The signed-in buyer's cart, identities for customs and delivery addresses over
the API (session and CSRF, as the storefront): with the quotes and orders
endpoints, a headless storefront goes from an empty account to a placed order."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from etalage.api.access import BuyerSession, signed_in_buyer
from etalage.api.buyer.quotes import QuoteOut, quote_out
from etalage.api.context import MarketQuery, market_context
from etalage.api.errors import ErrorOut, not_found
from etalage.catalog.models import Variant
from etalage.catalog.selectors import visible_products
from etalage.checkout.info import checkout_info
from etalage.checkout.models import CartLine
from etalage.checkout.selectors import cart_lines
from etalage.checkout.services import buyer_cart, cart_add, cart_set_quantity
from etalage.customs.models import BuyerIdentity, DeliveryAddress
from etalage.customs.selectors import (
    address_of,
    addresses_of,
    identities_of,
    identity_of,
)
from etalage.customs.services import (
    address_add,
    address_delete,
    identity_add,
    identity_delete,
)

router = Router(auth=BuyerSession(), tags=["buyer account and cart"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut}


# The cart ---------------------------------------------------------------------


class CartLineOut(Schema):
    id: int
    product: str
    sku: str
    quantity: int


class CartOut(Schema):
    lines: list[CartLineOut]
    quote: QuoteOut | None = Field(
        default=None,
        description="The checkout of these lines (none for an empty cart).",
    )


class CartQuery(MarketQuery):
    identity: UUID | None = Field(
        default=None,
        description="The identity whose yearly allowance counts (default: first).",
    )


class CartLineIn(Schema):
    product: str = Field(..., description="The product's slug.", max_length=200)
    sku: str = Field(..., max_length=64)
    quantity: int = Field(..., ge=1, le=99)


class QuantityIn(Schema):
    quantity: int = Field(..., ge=0, le=99, description="0 removes the line.")


def _cart_out(request: HttpRequest, query: CartQuery) -> CartOut:
    strategy, language = market_context(query)
    cart = buyer_cart(user=signed_in_buyer(request))
    lines = cart_lines(cart=cart) if cart is not None else []
    out = [
        CartLineOut(
            id=line.pk,
            product=line.variant.product.slug,
            sku=line.variant.sku,
            quantity=line.quantity,
        )
        for line in lines
    ]
    if not lines:
        return CartOut(lines=out)
    if query.identity:
        identity = identity_of(user=signed_in_buyer(request), key=query.identity)
        if identity is None:
            raise not_found("identity", "identity")
    else:
        identities = identities_of(user=signed_in_buyer(request))
        identity = identities[0] if identities else None
    addresses = addresses_of(user=signed_in_buyer(request))
    with translation.override(language):
        info = checkout_info(
            strategy=strategy,
            lines=lines,
            language=language,
            identity=identity,
            address=addresses[0] if addresses else None,
        )
    return CartOut(lines=out, quote=quote_out(info, language) if info.quote else None)


@router.get("/cart", response={200: CartOut, **ERRORS})
def cart_get(request: HttpRequest, query: Query[CartQuery]) -> CartOut:
    """The buyer's cart and its checkout: parcels, taxes, limits, total."""
    return _cart_out(request, query)


@router.post("/cart/lines", response={201: CartOut, **ERRORS})
def cart_line_add(
    request: HttpRequest, payload: CartLineIn, query: Query[CartQuery]
) -> Status[CartOut]:
    """Add units of a product on sale (a line already in the cart grows)."""
    strategy, _language = market_context(query)
    variant = Variant.objects.filter(
        sku=payload.sku,
        is_active=True,
        product__in=visible_products().filter(slug=payload.product),
    ).first()
    if variant is None:
        raise not_found("variant", "sku")
    cart = buyer_cart(user=signed_in_buyer(request), create=True)
    assert cart is not None  # made when ``create`` asks
    cart_add(
        cart=cart, variant_id=variant.pk, quantity=payload.quantity, strategy=strategy
    )
    return Status(201, _cart_out(request, query))


def _own_line(request: HttpRequest, line_id: int) -> CartLine:
    cart = buyer_cart(user=signed_in_buyer(request))
    line = CartLine.objects.filter(cart=cart, pk=line_id).first() if cart else None
    if line is None:
        raise not_found("cart line", "line")
    return line


@router.patch("/cart/lines/{line_id}", response={200: CartOut, **ERRORS})
def cart_line_change(
    request: HttpRequest, line_id: int, payload: QuantityIn, query: Query[CartQuery]
) -> CartOut:
    """Set a line's quantity (0 removes it)."""
    strategy, _language = market_context(query)
    line = _own_line(request, line_id)
    cart_set_quantity(
        cart=line.cart, line_id=line.pk, quantity=payload.quantity, strategy=strategy
    )
    return _cart_out(request, query)


@router.delete("/cart/lines/{line_id}", response={200: CartOut, **ERRORS})
def cart_line_remove(
    request: HttpRequest, line_id: int, query: Query[CartQuery]
) -> CartOut:
    """Take a line out of the cart."""
    line = _own_line(request, line_id)
    cart_set_quantity(cart=line.cart, line_id=line.pk, quantity=0)
    return _cart_out(request, query)


# Identities and addresses -----------------------------------------------------


class IdentityOut(Schema):
    id: UUID
    real_name: str
    id_number_masked: str = Field(..., description="Never the number itself.")
    mobile: str


class IdentityIn(Schema):
    real_name: str = Field(..., max_length=60)
    id_number: str = Field(..., max_length=30, description="Stored encrypted.")
    mobile: str = Field(..., max_length=30)
    consent: bool = Field(
        ...,
        description="The buyer agrees that the name and number are used only to "
        "declare orders to China Customs (required: true).",
    )


class AddressIn(Schema):
    recipient: str = Field(..., max_length=60)
    phone: str = Field(..., max_length=30)
    region_code: str = Field(
        "",
        max_length=6,
        description="GB/T 2260 code of the district, or of the city where it has "
        "none (e.g. 310115, 上海市浦东新区; 441900, 广东省东莞市): the names are then "
        "the table's. Without it, province, city and district are read as names.",
    )
    province: str = Field("", max_length=30)
    city: str = Field("", max_length=30)
    district: str = Field("", max_length=30)
    street: str = Field(..., max_length=200)
    postcode: str = Field("", max_length=6, description="Six digits, or empty.")
    is_default: bool = Field(False, description="Offered first at checkout.")


class AddressOut(AddressIn):
    id: UUID


def _identity_out(identity: BuyerIdentity) -> IdentityOut:
    return IdentityOut(
        id=identity.pk,
        real_name=identity.real_name,
        id_number_masked=identity.id_number_masked,
        mobile=identity.mobile,
    )


def _address_out(address: DeliveryAddress) -> AddressOut:
    return AddressOut(
        id=address.pk,
        recipient=address.recipient,
        phone=address.phone,
        region_code=address.region_code,
        province=address.province,
        city=address.city,
        district=address.district,
        street=address.street,
        postcode=address.postcode,
        is_default=address.is_default,
    )


@router.get("/me/identities", response={200: list[IdentityOut], **ERRORS})
def identities_list(request: HttpRequest) -> list[IdentityOut]:
    """The buyer's identities for customs, masked."""
    return [_identity_out(i) for i in identities_of(user=signed_in_buyer(request))]


@router.post("/me/identities", response={201: IdentityOut, **ERRORS})
def identities_add(request: HttpRequest, payload: IdentityIn) -> Status[IdentityOut]:
    """Add an identity: the real name, resident ID number and mobile number customs
    check, with the buyer's consent. The number is never answered back."""
    request.sensitive_post_parameters = "__ALL__"  # type: ignore[attr-defined]
    identity = identity_add(user=signed_in_buyer(request), **payload.dict())
    return Status(201, _identity_out(identity))


@router.delete("/me/identities/{identity_id}", response={204: None, **ERRORS})
def identities_delete(request: HttpRequest, identity_id: UUID) -> HttpResponse:
    """Stop using an identity (its number and this year's usage stay the account's)."""
    identity = identity_of(user=signed_in_buyer(request), key=identity_id)
    if identity is None:
        raise not_found("identity", "identity_id")
    identity_delete(identity=identity)
    return HttpResponse(status=204)


@router.get("/me/addresses", response={200: list[AddressOut], **ERRORS})
def addresses_list(request: HttpRequest) -> list[AddressOut]:
    """The buyer's delivery addresses in mainland China."""
    return [_address_out(a) for a in addresses_of(user=signed_in_buyer(request))]


@router.post("/me/addresses", response={201: AddressOut, **ERRORS})
def addresses_add(request: HttpRequest, payload: AddressIn) -> Status[AddressOut]:
    """Add a delivery address (mainland mobile number for the courier)."""
    return Status(
        201, _address_out(address_add(user=signed_in_buyer(request), **payload.dict()))
    )


@router.delete("/me/addresses/{address_id}", response={204: None, **ERRORS})
def addresses_delete(request: HttpRequest, address_id: UUID) -> HttpResponse:
    address = address_of(user=signed_in_buyer(request), key=address_id)
    if address is None:
        raise not_found("address", "address_id")
    address_delete(address=address)
    return HttpResponse(status=204)
