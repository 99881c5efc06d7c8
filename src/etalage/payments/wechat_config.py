"""WeChat Pay Global's settings (API v3): the merchant's ids and keys, the gateway,
or the embedded sandbox's own when ``ETALAGE_PAYMENT_SANDBOX`` is on (``wechat``
speaks the protocol with them)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings

from etalage.accounts import wechat_oauth
from etalage.payments import wechat_certificates
from etalage.payments.antom_signing import load_private_key
from etalage.payments.sandbox_keys import sandbox_key

SANDBOX_PATH = "/sandbox/wechat"
SANDBOX_MCHID = "1900000109"
# The sandbox's official account and mini-program (those of WeChat's sign-in).
SANDBOX_APPID = wechat_oauth.SANDBOX_APPID
SANDBOX_MINI_PROGRAM_APPID = wechat_oauth.SANDBOX_MINI_PROGRAM_APPID


@dataclass(frozen=True)
class WeChatConfig:
    mchid: str
    appid: str
    merchant_key: rsa.RSAPrivateKey
    serial_no: str  # the merchant certificate's serial, named in each request
    # A platform public key given in the settings, by its id (besides the platform
    # certificates downloaded, ``wechat_certificates``).
    fixed_keys: dict[str, rsa.RSAPublicKey]
    api_v3_key: bytes
    gateway: str
    merchant_category_code: str
    sandbox: bool
    # A mini-program's app id, for JSAPI payments in it (its buyers' openids are
    # its own); the store WeChat Pay's H5 payments name.
    mini_program_appid: str = ""
    store_name: str = ""
    store_address: str = ""


def key_serial(key: rsa.RSAPublicKey) -> str:
    """A key's serial in the sandbox (a real one is its certificate's serial)."""
    der = key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(der).hexdigest()[:40].upper()


def sandbox_api_v3_key() -> bytes:
    """The sandbox's API v3 key: derived from its platform key, so every process of
    the installation shares it without another file."""
    der = sandbox_key("wechat-platform").private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return hashlib.sha256(b"api-v3-key" + der).hexdigest()[:32].encode()


def wechat_configured() -> bool:
    """Whether Étalage speaks to WeChat Pay here (its sandbox, or a merchant id)."""
    return bool(settings.ETALAGE_PAYMENT_SANDBOX or settings.ETALAGE_WECHAT_MCHID)


def wechat_config() -> WeChatConfig:
    if settings.ETALAGE_PAYMENT_SANDBOX:
        merchant = sandbox_key("wechat-merchant")
        return WeChatConfig(
            mchid=SANDBOX_MCHID,
            appid=SANDBOX_APPID,
            merchant_key=merchant,
            serial_no=key_serial(merchant.public_key()),
            fixed_keys={},
            api_v3_key=sandbox_api_v3_key(),
            gateway=settings.ETALAGE_SITE_URL.rstrip("/") + SANDBOX_PATH,
            merchant_category_code="5499",
            sandbox=True,
            mini_program_appid=SANDBOX_MINI_PROGRAM_APPID,
            **_store(),
        )
    return WeChatConfig(
        mchid=settings.ETALAGE_WECHAT_MCHID,
        appid=settings.ETALAGE_WECHAT_APPID,
        merchant_key=load_private_key(settings.ETALAGE_WECHAT_PRIVATE_KEY),
        serial_no=settings.ETALAGE_WECHAT_SERIAL_NO,
        fixed_keys=(
            {
                settings.ETALAGE_WECHAT_PLATFORM_SERIAL: wechat_certificates.public_key(
                    settings.ETALAGE_WECHAT_PLATFORM_KEY
                )
            }
            if settings.ETALAGE_WECHAT_PLATFORM_KEY
            else {}
        ),
        api_v3_key=settings.ETALAGE_WECHAT_API_V3_KEY.encode(),
        gateway=settings.ETALAGE_WECHAT_GATEWAY.rstrip("/"),
        merchant_category_code=settings.ETALAGE_WECHAT_MERCHANT_CATEGORY_CODE,
        sandbox=False,
        mini_program_appid=settings.ETALAGE_WECHAT_MINI_PROGRAM_APPID,
        **_store(),
    )


def _store() -> dict[str, str]:
    """The store an H5 payment names (``scene_info.store_info``): the operator's
    name and address (ETALAGE_OPERATOR_*), or the site's name."""
    operator = settings.ETALAGE_OPERATOR
    street = f"{operator['street_name']} {operator['building_number']}".strip()
    town = f"{operator['postcode']} {operator['town']}".strip()
    return {
        "store_name": operator["name"] or str(settings.ETALAGE_SITE_NAME),
        "store_address": ", ".join(
            part for part in (street, town, operator["country"]) if part
        ),
    }
