from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from etalage.catalog.models import Variant
from etalage.core.models import Entity
from etalage.customs.models import BuyerIdentity
from etalage.customs.routes import Route
from etalage.inventory.models import Stock, Warehouse
from etalage.merchants.models import Merchant
from etalage.orders import states
from etalage.orders.reasons import Explanation
from etalage.pricing.models import Market

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise, StrPromise


class State(models.TextChoices):
    # An order's states ("order": French says "Payée", the order being feminine);
    # a parcel's read PARCEL_STATES ("Payé").
    PLACED = states.PLACED, pgettext_lazy("order", "Placed, awaiting payment")
    PAID = states.PAID, pgettext_lazy("order", "Paid")
    CUSTOMS_DECLARED = (
        states.CUSTOMS_DECLARED,
        pgettext_lazy("order", "Declared to customs"),
    )
    RELEASED = states.RELEASED, pgettext_lazy("order", "Released by customs")
    SHIPPED = states.SHIPPED, pgettext_lazy("order", "Shipped")
    DELIVERED = states.DELIVERED, pgettext_lazy("order", "Delivered")
    COMPLETED = states.COMPLETED, pgettext_lazy("order", "Completed")
    CANCELLED = states.CANCELLED, pgettext_lazy("order", "Cancelled")
    CUSTOMS_REFUSED = (
        states.CUSTOMS_REFUSED,
        pgettext_lazy("order", "Refused by customs"),
    )
    REFUNDED_PART = states.REFUNDED_PART, pgettext_lazy("order", "Partly refunded")
    REFUNDED = states.REFUNDED, pgettext_lazy("order", "Refunded")


# The same states said of a parcel (a sub-order), whose name is masculine in French.
PARCEL_STATES: dict[str, "StrPromise"] = {
    State.PLACED: pgettext_lazy("parcel", "Placed, awaiting payment"),
    State.PAID: pgettext_lazy("parcel", "Paid"),
    State.CUSTOMS_DECLARED: pgettext_lazy("parcel", "Declared to customs"),
    State.RELEASED: pgettext_lazy("parcel", "Released by customs"),
    State.SHIPPED: pgettext_lazy("parcel", "Shipped"),
    State.DELIVERED: pgettext_lazy("parcel", "Delivered"),
    State.COMPLETED: pgettext_lazy("parcel", "Completed"),
    State.CANCELLED: pgettext_lazy("parcel", "Cancelled"),
    State.CUSTOMS_REFUSED: pgettext_lazy("parcel", "Refused by customs"),
    State.REFUNDED_PART: pgettext_lazy("parcel", "Partly refunded"),
    State.REFUNDED: pgettext_lazy("parcel", "Refunded"),
}


def _money(label: "StrOrPromise") -> "models.DecimalField[Decimal | int, Decimal]":
    return models.DecimalField(label, max_digits=12, decimal_places=2, default=0)


class Order(Entity):
    """What a buyer placed at checkout: one or more sub-orders, paid once.

    Keeps a snapshot of everything customs and the buyer will ask about later: the
    identity (masked; the yearly usage is counted by the number's keyed hash), the
    delivery address, the exchange rate of the day and the amounts.
    """

    number = models.CharField(_("number"), max_length=20, unique=True)
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders"
    )
    market = models.ForeignKey(Market, on_delete=models.PROTECT, related_name="+")
    language = models.CharField(_("language"), max_length=8)
    state = models.CharField(
        _("state"), max_length=20, choices=State, default=State.PLACED
    )
    idempotency_key = models.CharField(max_length=100)
    request_digest = models.CharField(max_length=64)
    identity = models.ForeignKey(
        BuyerIdentity,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
    )
    buyer_name = models.CharField(_("buyer's real name"), max_length=60, blank=True)
    id_number_masked = models.CharField(_("ID number"), max_length=18, blank=True)
    id_number_hmac = models.CharField(max_length=64, blank=True, editable=False)
    recipient = models.CharField(_("recipient"), max_length=60)
    phone = models.CharField(_("phone"), max_length=20)
    province = models.CharField(_("province"), max_length=30)
    city = models.CharField(_("city"), max_length=30)
    district = models.CharField(_("district"), max_length=30, blank=True)
    # GB/T 2260 code of the district (or city), as customs and the carrier read it;
    # empty for an address kept before codes were asked for that names no region.
    region_code = models.CharField(
        _("region code (GB/T 2260)"), max_length=6, blank=True
    )
    street = models.CharField(_("street address"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=6, blank=True)
    currency = models.CharField(_("currency"), max_length=3)
    goods = _money(_("goods"))
    freight = _money(_("freight"))
    tax = _money(_("tax"))
    total = _money(_("total"))
    fx_rate = models.DecimalField(
        _("ECB rate"), max_digits=14, decimal_places=6, null=True, blank=True
    )
    fx_rate_date = models.DateField(_("ECB rate of"), null=True, blank=True)
    fx_margin_percent = models.DecimalField(
        _("FX margin %"), max_digits=5, decimal_places=2, default=0
    )
    cbec_year = models.PositiveSmallIntegerField(null=True, blank=True)
    usage_amount = _money(_("counted toward the yearly limit"))
    hold_expires_at = models.DateTimeField(_("pay before"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        constraints = [
            models.UniqueConstraint(
                fields=["buyer", "idempotency_key"], name="order_idempotency_key"
            )
        ]
        indexes = [
            models.Index(fields=["buyer", "-created_at"], name="order_buyer_recent"),
            models.Index(
                fields=["hold_expires_at"],
                condition=models.Q(state="placed"),
                name="order_unpaid_hold",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class SubOrder(Entity):
    """One merchant's parcel from one warehouse: a customs order of its own."""

    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="sub_orders"
    )
    number = models.CharField(_("number"), max_length=24, unique=True)
    merchant = models.ForeignKey(
        Merchant, on_delete=models.PROTECT, related_name="sub_orders"
    )
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    route = models.CharField(_("route"), max_length=16, choices=Route)
    customs_mode = models.CharField(_("customs mode"), max_length=4)
    state = models.CharField(
        _("state"), max_length=20, choices=State, default=State.PLACED
    )
    weight_grams = models.PositiveIntegerField(_("weight (g)"))
    goods = _money(_("goods"))
    freight = _money(_("freight"))
    tariff = _money(_("import duty"))
    consumption_tax = _money(_("consumption tax"))
    vat = _money(_("import VAT"))
    total = _money(_("total"))
    usage_amount = _money(_("counted toward the yearly limit"))
    # What the merchant sold, at the prices it listed, and the commission agreed
    # when the buyer placed the order (the ledger charges it at delivery).
    goods_eur = _money(_("goods (EUR, the merchant's prices)"))
    commission_percent = models.DecimalField(
        _("commission %"), max_digits=5, decimal_places=2, default=0
    )
    # The delivery window the buyer was shown at checkout (Beijing dates), which
    # the order page holds the parcel to; none for orders placed before promises.
    promised_from = models.DateField(_("delivery promised from"), null=True, blank=True)
    promised_by = models.DateField(_("delivery promised by"), null=True, blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("sub-order")
        verbose_name_plural = _("sub-orders")
        indexes = [
            models.Index(fields=["merchant", "-created_at"], name="suborder_merchant"),
            # The few released by customs and not yet with the carrier: what the
            # clock looks at every round (logistics' late hand-overs).
            models.Index(
                fields=["updated_at"],
                name="suborder_released",
                condition=Q(state="released"),
            ),
            # The few paid and not yet with the hub, by route and merchant: the
            # work waiting on the merchant's and the operator's first pages
            # (analytics.selectors.merchant_work, logistics' late hand-overs).
            models.Index(
                fields=["route", "merchant"],
                name="suborder_waiting",
                condition=Q(state__in=["paid", "customs_declared", "released"]),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    # Replaces the get_state_display Django makes for the field (and django-stubs
    # declares): a parcel's state reads as a parcel's.
    def get_state_display(self) -> str:  # type: ignore[no-redef]
        """The state said of a parcel (French: "Payé", not the order's "Payée")."""
        return str(PARCEL_STATES.get(self.state, self.state))

    @property
    def tax(self) -> Decimal:
        return self.tariff + self.consumption_tax + self.vat


class OrderLine(models.Model):
    """A line as sold: names, codes and prices as they were at the order."""

    sub_order = models.ForeignKey(
        SubOrder, on_delete=models.CASCADE, related_name="lines"
    )
    variant = models.ForeignKey(Variant, on_delete=models.PROTECT, related_name="+")
    stock = models.ForeignKey(Stock, on_delete=models.PROTECT, related_name="+")
    sku = models.CharField(_("SKU"), max_length=64)
    name_zh = models.CharField(_("name (zh-Hans)"), max_length=200)
    name_merchant = models.CharField(_("name (merchant's language)"), max_length=200)
    merchant_language = models.CharField(max_length=8)
    attributes = models.JSONField(default=dict)
    hs_code = models.CharField(_("HS code"), max_length=10)
    origin_country = models.CharField(_("country of origin"), max_length=2)
    tax_class = models.CharField(_("tax class"), max_length=20)
    quantity = models.PositiveSmallIntegerField(_("quantity"))
    unit_price_eur = models.DecimalField(
        _("unit price (EUR)"), max_digits=12, decimal_places=2
    )
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    goods = _money(_("goods"))
    freight_share = _money(_("freight share"))
    tariff = _money(_("import duty"))
    consumption_tax = _money(_("consumption tax"))
    vat = _money(_("import VAT"))
    cap_counted = models.DecimalField(
        _("counted toward a yearly cap"), max_digits=14, decimal_places=3, default=0
    )
    returned = models.PositiveSmallIntegerField(_("returned"), default=0)

    class Meta:
        ordering = ["id"]
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")

    def __str__(self) -> str:
        return f"{self.quantity} x {self.sku}"


class OrderTransition(models.Model):
    """Every change of state of an order or a sub-order: from, to, who, when, why."""

    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="transitions"
    )
    sub_order = models.ForeignKey(
        SubOrder,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="transitions",
    )
    from_state = models.CharField(_("from"), max_length=20, blank=True, choices=State)
    to_state = models.CharField(_("to"), max_length=20, choices=State)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    # A note for the operator and the merchant, as written (a provider's or a
    # carrier's reference, customs' words): never shown to the buyer.
    reason = models.CharField(_("why"), max_length=300, blank=True)
    # What the buyer is told (``orders.reasons``): a kind, said in the reader's
    # language when shown, and its values.
    explanation = models.CharField(
        _("told the buyer"), max_length=20, blank=True, choices=Explanation
    )
    explanation_data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("state change")
        verbose_name_plural = _("state changes")

    def __str__(self) -> str:
        return f"{self.from_state or '-'} → {self.to_state}"

    # These two replace the ones Django makes for the fields (django-stubs declares
    # them too): a parcel's move is said of the parcel.
    def get_from_state_display(self) -> str:  # type: ignore[no-redef]
        return self._state_label(self.from_state)

    def get_to_state_display(self) -> str:  # type: ignore[no-redef]
        return self._state_label(self.to_state)

    def _state_label(self, state: str) -> str:
        """A parcel's move is said of the parcel, an order's of the order."""
        if self.sub_order_id is not None and state in PARCEL_STATES:
            return str(PARCEL_STATES[state])
        return str(State(state).label) if state in State.values else state


class BuyerNotice(Entity):
    """One message to an order's buyer on one channel, recorded before it is sent
    (``orders.notices``): a second delivery of the same event sends nothing."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="notices")
    event = models.CharField(max_length=32)
    key = models.CharField(max_length=64, blank=True)
    channel = models.CharField(max_length=8)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["order", "event", "key", "channel"], name="buyer_notice_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} by {self.channel} for {self.order_id}"


class RouteTransit(models.Model):
    """How long a route's recent parcels took from payment to each step
    (``orders.promise``), measured by the clock from the parcels' timelines so that
    pages read one small row instead of the timelines."""

    route = models.CharField(_("route"), max_length=16, choices=Route, unique=True)
    parcels = models.PositiveIntegerField(_("delivered parcels measured"))
    to_step = models.JSONField(_("hours from payment to each step"), default=dict)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("route transit time")
        verbose_name_plural = _("route transit times")

    def __str__(self) -> str:
        return f"{self.route}: {self.parcels}"
