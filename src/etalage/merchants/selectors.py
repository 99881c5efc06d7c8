"""Reads of the merchants context."""

from __future__ import annotations

from etalage.merchants.models import Merchant


def applications_waiting_count() -> int:
    """Applications the operator has to decide (confirmed or not)."""
    return Merchant.objects.filter(status=Merchant.Status.APPLIED).count()
