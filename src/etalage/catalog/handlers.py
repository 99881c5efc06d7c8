"""What the catalogue does after a change commits (registered by the app's ready)."""

from __future__ import annotations

from django.db.models import Q

from etalage.catalog.models import ProductImage
from etalage.events.outbox import handles
from etalage.events.types import ProductImageDeleted


@handles(ProductImageDeleted)
def product_image_files_delete(event: ProductImageDeleted) -> None:
    """Delete a deleted picture's files from storage; a file that another picture
    still names stays, and one already gone is fine (the handler may run twice)."""
    storage = ProductImage.image.field.storage
    for name in event.files:
        named = Q(image=name) | Q(thumbnail=name) | Q(medium=name)
        if not ProductImage.objects.filter(named).exists():
            storage.delete(name)
