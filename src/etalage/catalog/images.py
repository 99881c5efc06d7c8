"""Product images: check an upload with Pillow and make the sizes the pages use."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # refuses decompression bombs well before Pillow's own limit
MIN_SIDE = 200
SIZES = {"thumbnail": 320, "medium": 800, "image": 1600}
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}


@dataclass(frozen=True)
class RenderedImage:
    name: str
    content: bytes


@dataclass(frozen=True)
class ProcessedImage:
    width: int
    height: int
    renditions: dict[str, RenderedImage]


def process_image(data: bytes, stem: str) -> ProcessedImage:
    """Validate an uploaded image and return its renditions as WebP files."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The image is larger than 10 MB."), code="image_too_large"
        )
    try:
        with warnings.catch_warnings():
            # A decompression bomb (a small file of a huge picture) is refused
            # before a single pixel is decoded.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                image_format = probe.format
                width, height = probe.size
                probe.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            _("The image has too many pixels."), code="image_pixels"
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise ValidationError(
            _("The file is not a readable image."), code="image_unreadable"
        ) from None
    if image_format not in ACCEPTED_FORMATS:
        raise ValidationError(
            _("Images must be JPEG, PNG or WebP, not %(format)s."),
            code="image_format",
            params={"format": image_format},
        )
    if width * height > MAX_PIXELS:
        raise ValidationError(_("The image has too many pixels."), code="image_pixels")
    if min(width, height) < MIN_SIDE:
        raise ValidationError(
            _("The image must be at least %(min)d pixels on each side."),
            code="image_too_small",
            params={"min": MIN_SIDE},
        )
    with Image.open(io.BytesIO(data)) as opened:
        image = ImageOps.exif_transpose(opened).convert("RGB")
    renditions = {}
    for field, side in SIZES.items():
        copy = image.copy()
        copy.thumbnail((side, side), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        copy.save(buffer, "WEBP", quality=82, method=4)
        renditions[field] = RenderedImage(f"{stem}-{side}.webp", buffer.getvalue())
    return ProcessedImage(image.width, image.height, renditions)
