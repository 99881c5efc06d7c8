"""Antom's settings: the client id and keys, the gateway (the domain Antom publishes
for the region), the customs code from Antom's list, and their checks when Étalage
starts; or the embedded sandbox's own when ``ETALAGE_PAYMENT_SANDBOX`` is on
(``antom`` speaks the protocol with them)."""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from etalage.payments.antom_signing import load_private_key, load_public_key
from etalage.payments.sandbox_keys import sandbox_key

# The domains Antom publishes, the accelerated (recommended) one of each region
# (docs.antom.com/ac/ams/api_fund, "Environment"; Europe's other, open-eu, serves
# in-store payments only).
GATEWAYS = {
    "europe": "https://open-de-global.alipay.com",
    "asia": "https://open-sea-global.alipay.com",
    "north-america": "https://open-na-global.alipay.com",
}
# Every domain published for online payments: the above and two regions' others.
PUBLISHED_GATEWAYS = frozenset(
    {*GATEWAYS.values(), "https://open-sea.alipay.com", "https://open-na.alipay.com"}
)
# The customs codes Antom publishes (docs.antom.com/ac/ams/inquirydeclare, the
# customs code table): its own names, not WeChat Pay's (ZHENGZHOU is the Henan
# bonded logistics centre; ZONGSHU the General Administration, which most offices
# receive through).
CUSTOMS_CODES = frozenset({"ZONGSHU", "ZHENGZHOU", "NINGBO", "SHANGHAI_CBT"})
SANDBOX_PATH = "/sandbox/antom"
# The embedded sandbox's client id: not SANDBOX_..., so the demo and the tests speak
# the production paths (/ams/api/...), as Étalage will in production.
SANDBOX_CLIENT_ID = "ETALAGE_SANDBOX"


@dataclass(frozen=True)
class AntomConfig:
    client_id: str
    merchant_key: rsa.RSAPrivateKey
    antom_key: rsa.RSAPublicKey
    gateway: str  # the base URL the paths are appended to
    sandbox: bool


def antom_config() -> AntomConfig:
    if settings.ETALAGE_PAYMENT_SANDBOX:
        return AntomConfig(
            client_id=SANDBOX_CLIENT_ID,
            merchant_key=sandbox_key("antom-merchant"),
            antom_key=sandbox_key("antom-provider").public_key(),
            gateway=settings.ETALAGE_SITE_URL.rstrip("/") + SANDBOX_PATH,
            sandbox=True,
        )
    return AntomConfig(
        client_id=settings.ETALAGE_ANTOM_CLIENT_ID,
        merchant_key=load_private_key(settings.ETALAGE_ANTOM_PRIVATE_KEY),
        antom_key=load_public_key(settings.ETALAGE_ANTOM_PUBLIC_KEY),
        gateway=antom_gateway(),
        sandbox=False,
    )


def antom_gateway() -> str:
    """``ETALAGE_ANTOM_GATEWAY`` if set, else the region's published domain (a
    region Antom publishes none for: ValueError, the method "not available")."""
    if settings.ETALAGE_ANTOM_GATEWAY:
        return str(settings.ETALAGE_ANTOM_GATEWAY).rstrip("/")
    region = settings.ETALAGE_ANTOM_REGION
    if region not in GATEWAYS:
        raise ValueError(
            f"ETALAGE_ANTOM_REGION {region!r}: one of {', '.join(GATEWAYS)}"
        )
    return GATEWAYS[region]


def customs_code() -> str:
    """The customs office Antom declares to (``ETALAGE_CUSTOMS_OFFICE``), from
    Antom's own list (ImproperlyConfigured for a code it does not publish)."""
    code = str(settings.ETALAGE_CUSTOMS_OFFICE)
    if code not in CUSTOMS_CODES:
        raise ImproperlyConfigured(
            f"ETALAGE_CUSTOMS_OFFICE={code!r} is not in Antom's customs list "
            f"({', '.join(sorted(CUSTOMS_CODES))})"
        )
    return code


def settings_checked(**_kwargs: object) -> list[checks.CheckMessage]:
    """A system check of Antom's settings when Étalage starts: a customs code off
    Antom's list is an error (not found when a paid order's declaration is
    recorded), a gateway that is not a domain Antom publishes a warning (a proxy
    may be meant), a region Antom publishes none for an error."""
    found: list[checks.CheckMessage] = []
    if not (settings.ETALAGE_PAYMENT_SANDBOX or settings.ETALAGE_ANTOM_CLIENT_ID):
        return found
    try:
        customs_code()
    except ImproperlyConfigured as wrong:
        found.append(checks.Error(str(wrong), id="payments.E002"))
    if settings.ETALAGE_PAYMENT_SANDBOX:
        return found
    try:
        gateway = antom_gateway()
    except ValueError as wrong:
        found.append(checks.Error(str(wrong), id="payments.E003"))
    else:
        if gateway not in PUBLISHED_GATEWAYS:
            found.append(
                checks.Warning(
                    f"ETALAGE_ANTOM_GATEWAY={gateway!r} is not a domain Antom "
                    f"publishes ({', '.join(sorted(PUBLISHED_GATEWAYS))})",
                    id="payments.W002",
                )
            )
    return found
