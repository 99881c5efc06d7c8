"""WeChat Pay's platform certificates: the keys its answers and notifications are
signed with, and the key the buyer's identity is encrypted under.

WeChat Pay serves the certificates in force at ``GET /v3/global/certificates``, each
sealed (AEAD_AES_256_GCM) under the merchant's API v3 key, and renews them before
they expire: for a while two are in force, and a notification may name either by
its serial. Étalage keeps every one it downloaded (``PlatformCertificate``), looks
a signature's key up by serial, downloads again when a message names a serial it
does not know (once, before judging the message), and the clock downloads again
when the newest nears its end. A key set in ``ETALAGE_WECHAT_PLATFORM_KEY`` with
its ``ETALAGE_WECHAT_PLATFORM_SERIAL`` (WeChat Pay's platform public key, for
merchants given one) is known too.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.db import IntegrityError, transaction
from django.utils import timezone

from etalage.payments import wechat_signing
from etalage.payments.models import PlatformCertificate, Provider
from etalage.payments.provider import ProviderError, SignatureRefused

if TYPE_CHECKING:
    from etalage.payments.wechat import WeChatProvider

logger = logging.getLogger(__name__)

CERTIFICATES_PATH = "/v3/global/certificates"
# The clock downloads again when the newest certificate ends within this.
RENEW_BEFORE = timedelta(days=30)


@dataclass(frozen=True)
class Downloaded:
    serial_no: str
    pem: str
    effective_at: datetime
    expires_at: datetime


@lru_cache(maxsize=32)
def public_key(pem: str) -> rsa.RSAPublicKey:
    """The RSA key of a certificate or a public key, in PEM."""
    data = pem.encode()
    key = (
        x509.load_pem_x509_certificate(data).public_key()
        if b"CERTIFICATE" in data
        else serialization.load_pem_public_key(data)
    )
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError("WeChat Pay's platform key is an RSA key")
    return key


def known_key(serial: str) -> rsa.RSAPublicKey | None:
    """The platform key of ``serial`` Étalage holds, if any."""
    pem = (
        PlatformCertificate.objects.filter(provider=Provider.WECHAT, serial_no=serial)
        .values_list("certificate", flat=True)
        .first()
    )
    return public_key(pem) if pem else None


def newest() -> tuple[str, rsa.RSAPublicKey] | None:
    """The serial and key of the certificate in force that lasts longest: what the
    buyer's identity is encrypted under."""
    now = timezone.now()
    row = (
        PlatformCertificate.objects.filter(
            provider=Provider.WECHAT, effective_at__lte=now, expires_at__gt=now
        )
        .order_by("-expires_at")
        .values_list("serial_no", "certificate")
        .first()
    )
    return (row[0], public_key(row[1])) if row else None


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def certificates_read(
    api_v3_key: bytes, headers: dict[str, str], text: str
) -> list[Downloaded]:
    """The certificates of a download, opened with the API v3 key; the answer's
    signature is checked with the certificate it names among them (a download
    cannot be checked with a certificate Étalage does not have yet: the seal under
    the API v3 key, which only WeChat Pay shares, is what vouches for it first).
    SignatureRefused when either fails."""
    try:
        entries: list[dict[str, Any]] = json.loads(text)["data"]
        found = []
        for entry in entries:
            sealed = entry["encrypt_certificate"]
            if sealed["algorithm"] != "AEAD_AES_256_GCM":
                raise SignatureRefused(f"certificate sealed with {sealed['algorithm']}")
            pem = wechat_signing.resource_decrypt(
                api_v3_key,
                nonce=sealed["nonce"],
                ciphertext=sealed["ciphertext"],
                associated_data=sealed.get("associated_data", ""),
            ).decode()
            certificate = x509.load_pem_x509_certificate(pem.encode())
            if format(certificate.serial_number, "X") != entry["serial_no"].upper():
                raise SignatureRefused(f"serial {entry['serial_no']} is not its own")
            found.append(
                Downloaded(
                    serial_no=entry["serial_no"],
                    pem=pem,
                    effective_at=_when(entry["effective_time"]),
                    expires_at=_when(entry["expire_time"]),
                )
            )
    except (ValueError, KeyError, TypeError) as error:
        if isinstance(error, SignatureRefused):
            raise
        raise SignatureRefused(f"the certificates do not read: {error!r}") from None
    signer = next(
        (d for d in found if d.serial_no == headers.get("wechatpay-serial")), None
    )
    if signer is None:
        raise SignatureRefused("the download is signed by none of its certificates")
    wechat_signing.verify(
        public_key(signer.pem),
        headers.get("wechatpay-signature", ""),
        wechat_signing.answer_message(
            headers.get("wechatpay-timestamp", ""),
            headers.get("wechatpay-nonce", ""),
            text,
        ),
    )
    return found


def certificates_keep(found: list[Downloaded]) -> int:
    """Keep the certificates downloaded; returns how many were new."""
    new = 0
    for d in found:
        try:
            with transaction.atomic():
                _row, created = PlatformCertificate.objects.update_or_create(
                    provider=Provider.WECHAT,
                    serial_no=d.serial_no,
                    defaults={
                        "certificate": d.pem,
                        "effective_at": d.effective_at,
                        "expires_at": d.expires_at,
                    },
                )
        except IntegrityError:  # another process kept it at the same moment
            continue
        new += created
    return new


def platform_certificates_refresh(speaker: WeChatProvider) -> int:
    """Download the platform certificates in force and keep them (ProviderError
    when WeChat Pay cannot be asked or its answer does not verify); returns how
    many are served."""
    status, headers, text = speaker.call_unverified("GET", CERTIFICATES_PATH)
    if status != 200:
        raise ProviderError(f"{CERTIFICATES_PATH}: HTTP {status}")
    try:
        found = certificates_read(speaker.config.api_v3_key, headers, text)
    except SignatureRefused as refused:
        raise ProviderError(f"{CERTIFICATES_PATH}: {refused}") from None
    new = certificates_keep(found)
    if new:
        logger.info("WeChat Pay platform certificates: %d new of %d", new, len(found))
    return len(found)


def renewal_due(now: datetime) -> bool:
    """Whether the newest certificate held ends within ``RENEW_BEFORE`` (or none
    is held)."""
    newest_end = (
        PlatformCertificate.objects.filter(provider=Provider.WECHAT)
        .order_by("-expires_at")
        .values_list("expires_at", flat=True)
        .first()
    )
    return newest_end is None or newest_end - now <= RENEW_BEFORE
