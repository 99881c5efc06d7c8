"""The marketplace's domain events: what happened, as frozen dataclasses. Pure.

Each event is written to the outbox in the transaction that made it happen and
handed, after commit, to the handlers registered for its type (``events.outbox``).
An event carries keys and the few facts its handlers need, never a whole row: a
handler reads the rest as it is when it runs. Payments, the ledger, customs and
logistics subscribe to these; a context that needs a new event adds it here, so the
whole vocabulary of what can happen is in one file.
"""

from __future__ import annotations

import dataclasses
import typing
from decimal import Decimal
from typing import Any, ClassVar, Self
from uuid import UUID


class EventError(ValueError):
    """A payload that does not make the event it names."""


# Every event type by its name, as the outbox stores it.
EVENT_TYPES: dict[str, type[DomainEvent]] = {}


@dataclasses.dataclass(frozen=True)
class DomainEvent:
    """Base of every event: a frozen dataclass of keys, strings, numbers."""

    name: ClassVar[str] = "DomainEvent"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.name = cls.__name__
        EVENT_TYPES[cls.__name__] = cls

    def to_payload(self) -> dict[str, Any]:
        """The event as JSON-ready values (UUIDs and decimals as strings)."""
        return {f.name: _dump(getattr(self, f.name)) for f in dataclasses.fields(self)}

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> Self:
        """Rebuild the event from ``to_payload``'s values; refuse what does not fit."""
        hints = typing.get_type_hints(cls)
        values = {}
        for f in dataclasses.fields(cls):
            if f.name not in payload:
                raise EventError(f"{cls.__name__}: {f.name} is missing")
            values[f.name] = _load(
                hints[f.name], payload[f.name], f"{cls.__name__}.{f.name}"
            )
        return cls(**values)


def event_from_payload(name: str, payload: dict[str, Any]) -> DomainEvent:
    """The event of type ``name`` stored as ``payload``."""
    try:
        event_type = EVENT_TYPES[name]
    except KeyError:
        raise EventError(f"no event type {name!r}") from None
    return event_type.from_payload(payload)


def _dump(value: object) -> object:
    if isinstance(value, tuple):
        return [_dump(item) for item in value]
    if isinstance(value, UUID | Decimal):
        return str(value)
    return value


def _load(hint: object, value: object, where: str) -> object:
    origin = typing.get_origin(hint)
    if origin is tuple:
        (item_hint, _ellipsis) = typing.get_args(hint)
        if not isinstance(value, list | tuple):
            raise EventError(f"{where}: expected a list, got {value!r}")
        return tuple(_load(item_hint, item, where) for item in value)
    try:
        if hint is UUID:
            return UUID(str(value))
        if hint is Decimal:
            return Decimal(str(value))
    except (ValueError, ArithmeticError):
        raise EventError(f"{where}: {value!r} is not a {hint}") from None
    if hint in (str, int, bool) and type(value) is hint:
        return value
    raise EventError(f"{where}: {value!r} is not a {hint}")


# Orders ----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class OrderPlaced(DomainEvent):
    """A buyer placed an order: stock and yearly usage are held, payment awaited."""

    order_id: UUID
    number: str


@dataclasses.dataclass(frozen=True)
class OrderPaid(DomainEvent):
    """The buyer's payment was received for these sub-orders."""

    order_id: UUID
    number: str
    sub_order_ids: tuple[UUID, ...]


@dataclasses.dataclass(frozen=True)
class OrderCancelled(DomainEvent):
    """What had not shipped of the order was cancelled; stock and usage are back."""

    order_id: UUID
    number: str
    sub_order_ids: tuple[UUID, ...]


@dataclasses.dataclass(frozen=True)
class SubOrderMoved(DomainEvent):
    """One merchant's parcel changed state (declared, released, shipped, …)."""

    order_id: UUID
    sub_order_id: UUID
    number: str
    from_state: str
    to_state: str


# Logistics -------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ParcelStepped(DomainEvent):
    """A parcel's way has a new step (received at the hub, departed, delivered…)."""

    parcel_id: UUID
    sub_order_id: UUID
    step: str
    at: str  # ISO 8601


# Payments --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class PaymentReceivedLate(DomainEvent):
    """A payment came after its order was cancelled: the money is the buyer's and
    goes back in full."""

    payment_id: UUID
    order_id: UUID


@dataclasses.dataclass(frozen=True)
class RefundSucceeded(DomainEvent):
    """The provider gave money back to the buyer."""

    refund_id: UUID
    payment_id: UUID
    order_id: UUID


@dataclasses.dataclass(frozen=True)
class CustomsTaxAssessed(DomainEvent):
    """Customs assessed the tax on one parcel's inventory (its tax bill)."""

    tax_bill_id: int
    sub_order_id: UUID
    tax_no: str
    amount: Decimal
    currency: str


@dataclasses.dataclass(frozen=True)
class CustomsTaxPaid(DomainEvent):
    """A tax bill was paid (debited from the operator's guarantee with customs)."""

    tax_bill_id: int
    sub_order_id: UUID
    tax_no: str
    amount: Decimal
    currency: str


@dataclasses.dataclass(frozen=True)
class CustomsTaxReturned(DomainEvent):
    """Customs accepted a return (CEB625): the tax of the goods coming back is
    given back to the operator's guarantee."""

    sub_order_id: UUID
    reference: str
    amount: Decimal
    currency: str


@dataclasses.dataclass(frozen=True)
class SettlementImported(DomainEvent):
    """A provider's settlement report was imported: its lines say what was
    converted to EUR, at which rate and for which fee."""

    report_id: UUID


@dataclasses.dataclass(frozen=True)
class PricingChanged(DomainEvent):
    """Something every shown price depends on changed: exchange rates imported, a
    market's margin, a tax class rate or a freight rate. Listings recompute the
    prices they filter and sort by."""

    reason: str


# Catalogue ---------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ProductsChanged(DomainEvent):
    """Listings changed: their texts, prices, variants, or whether buyers may see
    them (approved, rejected, a change to a live listing approved). Search
    reindexes them."""

    product_ids: tuple[UUID, ...]


@dataclasses.dataclass(frozen=True)
class ProductImageDeleted(DomainEvent):
    """A picture was taken off a product (its listing's ``ProductsChanged`` comes
    with it). ``files`` are its stored files, for the catalogue to delete from
    storage: the row is gone when the event is handled."""

    product_id: UUID
    image_id: UUID
    files: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class MerchantChanged(DomainEvent):
    """A merchant's standing or name changed (approved, suspended): its listings
    may have appeared or disappeared."""

    merchant_id: UUID


# Reviews ---------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ReviewWritten(DomainEvent):
    """A buyer reviewed a delivered line (stars, words, photos)."""

    review_id: UUID
    product_id: UUID
    merchant_id: UUID
    stars: int


@dataclasses.dataclass(frozen=True)
class ReviewEdited(DomainEvent):
    """A review's author changed it or added their one follow-up."""

    review_id: UUID
    product_id: UUID
    stars: int


@dataclasses.dataclass(frozen=True)
class ReviewReplied(DomainEvent):
    """The merchant answered a review of its product, publicly."""

    review_id: UUID
    merchant_id: UUID


@dataclasses.dataclass(frozen=True)
class ReviewReported(DomainEvent):
    """A buyer or a merchant told the operator a review breaks the rules."""

    review_id: UUID
    report_id: UUID
    reason: str


@dataclasses.dataclass(frozen=True)
class ReviewHidden(DomainEvent):
    """The operator hid a review (its rating no longer counts); the author is told."""

    review_id: UUID
    product_id: UUID
    reason: str


@dataclasses.dataclass(frozen=True)
class ReviewShown(DomainEvent):
    """The operator showed a hidden review again (its rating counts again)."""

    review_id: UUID
    product_id: UUID


@dataclasses.dataclass(frozen=True)
class ReviewReplyModerated(DomainEvent):
    """The operator hid a shop's reply to a review, or showed it again."""

    review_id: UUID
    merchant_id: UUID
    hidden: bool
