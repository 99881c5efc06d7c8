"""WeChat Pay Global's customs declarations (API v3): a parcel's share of the
payment declared at ``/v3/global/customs/orders``, the buyer's identity checked at
``/v3/global/customs/verify-certificate``, to a customs office named as WeChat Pay's
own list names it. Published pages: declaration
https://pay.weixin.qq.com/doc/global/v3/en/4012357089, identity verification
https://pay.weixin.qq.com/doc/global/v3/en/4012357091."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from etalage.money import Money
from etalage.payments import wechat_certificates, wechat_signing
from etalage.payments.provider import Declaration, Declared, ProviderError, minor_units

if TYPE_CHECKING:
    from etalage.payments.wechat import WeChatProvider

CUSTOMS_PATH = "/v3/global/customs/orders"
VERIFY_PATH = "/v3/global/customs/verify-certificate"
# WeChat Pay's customs codes (its "Parameter Specifications", customs list): its
# own names, not Antom's (no plain ZHENGZHOU).
CUSTOMS_CODES = frozenset(
    {
        "GUANGZHOU_ZS",
        "HANGZHOU_ZS",
        "NINGBO",
        "ZHENGZHOU_BS",
        "CHONGQING",
        "SHANGHAI_ZS",
        "SHENZHEN",
        "ZHENGZHOU_ZH_ZS",
        "TIANJIN",
    }
)


def customs_code() -> str:
    """The customs office WeChat Pay declares to, from WeChat Pay's own list
    (ImproperlyConfigured for a code it does not publish)."""
    code: str = settings.ETALAGE_WECHAT_CUSTOMS
    if code not in CUSTOMS_CODES:
        raise ImproperlyConfigured(
            f"ETALAGE_WECHAT_CUSTOMS={code!r} is not in WeChat Pay's customs list "
            f"({', '.join(sorted(CUSTOMS_CODES))})"
        )
    return code


def customs_code_checked(**_kwargs: object) -> list[checks.CheckMessage]:
    """A system check: a WeChat Pay customs code off WeChat Pay's list is refused
    when Étalage starts, not when a paid order's declaration is recorded."""
    if not (settings.ETALAGE_PAYMENT_SANDBOX or settings.ETALAGE_WECHAT_MCHID):
        return []
    try:
        customs_code()
    except ImproperlyConfigured as wrong:
        return [checks.Error(str(wrong), id="payments.E001")]
    return []


def customs_declare(speaker: WeChatProvider, declaration: Declaration) -> Declared:
    """Declare a parcel's share of the payment (``sub_order_no``: a split
    order), then have the buyer's identity checked against the payer's
    (``verify-certificate``, the ID number and name encrypted under the platform
    certificate). Under CBEC the buyer pays goods, freight and tax: WeChat Pay's
    rule is ``order_fee = transport_fee + product_fee``, so the tax goes with the
    goods in ``product_fee`` (the amount customs compares with the order's
    ``acturalPaid``); ``duty`` is the tariff alone, zero under CBEC, and is not
    sent to customs."""
    d, c = declaration, speaker.config
    common = {
        "appid": c.appid,
        "mchid": c.mchid,
        "out_trade_no": d.payment_request_id,
        "transaction_id": d.provider_payment_id,
        "customs": d.customs,
        "merchant_customs_no": d.merchant_customs_code,
    }
    order_fee, transport_fee = minor_units(d.amount), minor_units(d.freight)
    tariff = d.tariff if d.tariff is not None else Money.zero(d.amount.currency)
    status, answer = speaker.call(
        "POST",
        CUSTOMS_PATH,
        {
            **common,
            "duty": minor_units(tariff),
            "sub_order_no": d.sub_order_number,
            "fee_type": d.amount.currency,
            "order_fee": order_fee,
            "transport_fee": transport_fee,
            "product_fee": order_fee - transport_fee,
        },
    )
    if status != 200 or answer.get("state") in ("FAIL", "EXCEPT"):
        return _declaration_failed(CUSTOMS_PATH, status, answer)
    status, checked = _identity_verify(speaker, common, d)
    if status != 200:
        return _declaration_failed(VERIFY_PATH, status, checked)
    identity = {"SAME": "same", "DIFFERENT": "different"}.get(
        checked.get("cert_check_result", ""), "unchecked"
    )
    return Declared(
        state="succeeded" if answer.get("state") == "SUCCESS" else "submitted",
        provider_declaration_id=answer.get("sub_order_id", ""),
        pay_transaction_id=answer.get("verify_department_trade_id", ""),
        verifying_department=answer.get("verify_department", ""),
        identity=identity,  # type: ignore[arg-type]
    )


def _identity_verify(
    speaker: WeChatProvider, common: dict[str, str], d: Declaration
) -> tuple[int, dict[str, Any]]:
    """The buyer's ID number and name, encrypted under the newest platform
    certificate (downloaded first if none is held), checked by WeChat Pay
    against the payer's."""
    found = wechat_certificates.newest()
    if found is None:
        wechat_certificates.platform_certificates_refresh(speaker)
        found = wechat_certificates.newest()
    if found is None:
        raise ProviderError(f"{VERIFY_PATH}: no platform certificate in force")
    serial, key = found
    return speaker.call(
        "POST",
        VERIFY_PATH,
        {
            **common,
            "sub_order_no": d.sub_order_number,
            "certificate_type": "IDCARD",
            "certificate_id": wechat_signing.sensitive_encrypt(key, d.buyer_id_number),
            "certificate_name": wechat_signing.sensitive_encrypt(key, d.buyer_name),
        },
        platform_serial=serial,
    )


def _declaration_failed(path: str, status: int, answer: dict[str, Any]) -> Declared:
    return Declared(
        "failed",
        failure=f"{path}: HTTP {status}, {answer.get('code', answer.get('state'))}:"
        f" {answer.get('message', answer.get('explanation', ''))}",
    )
