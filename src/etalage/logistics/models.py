"""Parcels and what happens to them on their way."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from etalage.core.models import Entity
from etalage.logistics.vocabulary import Step
from etalage.orders.models import SubOrder

STEP_LABELS = {
    Step.INFO_RECEIVED: _("Packed, waiting for the hub"),
    Step.RECEIVED_AT_HUB: _("Received at the Liège hub"),
    Step.DEPARTED_LIEGE: _("Departed Liège"),
    Step.ARRIVED_IN_CHINA: _("Arrived in China"),
    Step.CUSTOMS_RELEASED: pgettext_lazy("parcel", "Released by customs"),
    Step.OUT_FOR_DELIVERY: _("Out for delivery"),
    Step.DELIVERY_FAILED: _("Delivery failed"),
    Step.DELIVERED: pgettext_lazy("parcel", "Delivered"),
    Step.EXCEPTION: _("Exception"),
}


class Flight(Entity):
    """A flight out of Liège carrying bags of parcels under one master air waybill
    (IATA: airline prefix, serial, check digit)."""

    mawb = models.CharField(_("master air waybill"), max_length=12, unique=True)
    airline = models.CharField(_("airline"), max_length=60)
    flight_number = models.CharField(_("flight"), max_length=10)
    origin = models.CharField(_("from (IATA)"), max_length=3, default="LGG")
    destination = models.CharField(_("to (IATA)"), max_length=3)
    departed_at = models.DateTimeField(_("departed at"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("arrived at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("flight")
        verbose_name_plural = _("flights")

    def __str__(self) -> str:
        return f"{self.mawb} {self.flight_number}"


class Bag(Entity):
    """A bag of parcels received at the hub, sealed and loaded on a flight."""

    code = models.CharField(_("bag"), max_length=20, unique=True)
    flight = models.ForeignKey(
        Flight,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bags",
        verbose_name=_("flight"),
    )
    sealed_at = models.DateTimeField(_("sealed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("bag")
        verbose_name_plural = _("bags")

    def __str__(self) -> str:
        return self.code


class Parcel(Entity):
    """One sub-order's box: packed, handed to the Liège hub, received there (or
    refused), and on. Its code is the sub-order's number, printed as a Code 128
    barcode on the label."""

    class State(models.TextChoices):
        PACKED = "packed", _("packed")
        HANDED_OVER = "handed_over", _("handed to the hub")
        RECEIVED = "received", _("received at the hub")
        REFUSED = "refused", _("refused by the hub")
        # Past the hub, as its steps say (``services.STEP_STATES``).
        DEPARTED = "departed", _("in flight from Liège")
        ARRIVED = "arrived", _("arrived in China, at customs")
        RELEASED = "released", _("released by customs")
        WITH_CARRIER = "with_carrier", _("with the carrier in China")
        OUT_FOR_DELIVERY = "out_for_delivery", _("out for delivery")
        DELIVERY_FAILED = "delivery_failed", _("delivery failed, to be tried again")
        DELIVERED = "delivered", _("delivered")

    class Refusal(models.TextChoices):
        DAMAGED = "damaged", _("damaged")
        OVERWEIGHT = "overweight", _("heavier than declared")
        UNDERWEIGHT = "underweight", _("lighter than declared")
        MISSING = "missing", _("announced but missing")
        UNLABELLED = "unlabelled", _("label missing or unreadable")

    sub_order = models.OneToOneField(
        SubOrder,
        on_delete=models.PROTECT,
        related_name="parcel",
        verbose_name=_("sub-order"),
    )
    code = models.CharField(_("parcel code"), max_length=32, unique=True)
    state = models.CharField(
        _("state"), max_length=16, choices=State, default=State.PACKED
    )
    declared_grams = models.PositiveIntegerField(_("packed weight (g)"))
    measured_grams = models.PositiveIntegerField(
        _("weight at the hub (g)"), null=True, blank=True
    )
    refusal = models.CharField(
        _("refused because"), max_length=16, choices=Refusal, blank=True
    )
    refusal_note = models.CharField(_("note"), max_length=300, blank=True)
    packed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("packed by"),
    )
    handed_over_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("received by"),
    )
    carrier = models.CharField(_("carrier in China"), max_length=20, blank=True)
    waybill = models.CharField(
        _("carrier's waybill"), max_length=40, blank=True, db_index=True
    )
    bag = models.ForeignKey(
        Bag,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="parcels",
        verbose_name=_("bag"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("parcel")
        verbose_name_plural = _("parcels")
        permissions = [
            ("receive_parcel", _("Can receive and refuse parcels at the hub"))
        ]

    def __str__(self) -> str:
        return self.code


# A parcel out of its merchant's hands: with the hub, or further on its way.
ON_ITS_WAY = frozenset(Parcel.State) - {Parcel.State.PACKED, Parcel.State.REFUSED}


class HubScan(models.Model):
    """One scan of a parcel at the hub and what it decided (received, or refused
    and why), by whom; a correction names the scan it corrects and the reason.
    Together: the parcel's history at the hub."""

    class Outcome(models.TextChoices):
        RECEIVED = "received", pgettext_lazy("a parcel scanned at the hub", "received")
        REFUSED = "refused", pgettext_lazy("a parcel scanned at the hub", "refused")

    parcel = models.ForeignKey(
        Parcel,
        on_delete=models.CASCADE,
        related_name="hub_scans",
        verbose_name=_("parcel"),
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome)
    grams = models.PositiveIntegerField(_("weight at the hub (g)"), null=True)
    refusal = models.CharField(
        _("refused because"), max_length=16, choices=Parcel.Refusal, blank=True
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    corrects = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrected_by",
        verbose_name=_("corrects"),
    )
    reason = models.CharField(_("why corrected"), max_length=300, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("scan at the hub")
        verbose_name_plural = _("scans at the hub")

    def __str__(self) -> str:
        return f"{self.parcel_id} {self.outcome}"


class TrackingEvent(models.Model):
    """One step of a parcel's way, once: a carrier that sends it twice (the same
    source and reference) is recorded once."""

    parcel = models.ForeignKey(
        Parcel,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("parcel"),
    )
    step = models.CharField(
        _("step"), max_length=24, choices=[(s.value, STEP_LABELS[s]) for s in Step]
    )
    at = models.DateTimeField(_("at"))
    place = models.CharField(_("place"), max_length=120, blank=True)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    source = models.CharField(_("source"), max_length=40)
    reference = models.CharField(_("reference"), max_length=120)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("tracking event")
        verbose_name_plural = _("tracking events")
        constraints = [
            models.UniqueConstraint(
                fields=["parcel", "source", "reference"], name="tracking_event_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.parcel_id} {self.step}"


class CarrierPush(Entity):
    """A carrier's tracking push, kept as it came before anything is done with it,
    and what became of it. Its ``webhook-id`` makes it once."""

    class Verdict(models.TextChoices):
        RECEIVED = "received", _("received")
        PROCESSED = "processed", _("processed")
        DUPLICATE = "duplicate", _("duplicate")
        REFUSED = "refused", _("refused")

    carrier = models.CharField(_("carrier"), max_length=20)
    webhook_id = models.CharField(_("webhook id"), max_length=120)
    headers = models.JSONField(_("headers"), default=dict)
    body = models.TextField(_("body"))
    verdict = models.CharField(
        _("verdict"), max_length=12, choices=Verdict, default=Verdict.RECEIVED
    )
    reason = models.TextField(_("reason"), blank=True)
    events_count = models.PositiveSmallIntegerField(_("events"), default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("carrier push")
        verbose_name_plural = _("carrier pushes")

    def __str__(self) -> str:
        return f"{self.carrier} {self.webhook_id}"


class SandboxShipment(Entity):
    """The embedded sandbox carrier's own record of a parcel it was handed (the
    stand-in's side, never a real carrier's): it pushes the parcel's events as
    time goes by."""

    waybill = models.CharField(max_length=40, unique=True)
    parcel_code = models.CharField(max_length=32)
    city = models.CharField(max_length=30, blank=True)
    region_code = models.CharField(max_length=6, blank=True)  # GB/T 2260
    pushed = models.PositiveSmallIntegerField(default=0)  # steps pushed so far
    fail_first = models.BooleanField(default=False)  # one failed attempt first

    class Meta:
        verbose_name = _("sandbox shipment")
        verbose_name_plural = _("sandbox shipments")

    def __str__(self) -> str:
        return self.waybill
