from django.db import transaction
from django.utils import timezone

from etalage.merchants.models import Merchant


@transaction.atomic
def merchant_set_status(*, merchant: Merchant, status: str) -> Merchant:
    """Approve, reject or suspend a merchant; only approved merchants are shown."""
    merchant = Merchant.objects.select_for_update().get(pk=merchant.pk)
    merchant.status = status
    if status == Merchant.Status.APPROVED and merchant.approved_at is None:
        merchant.approved_at = timezone.now()
    merchant.save(update_fields=["status", "approved_at", "updated_at"])
    return merchant
