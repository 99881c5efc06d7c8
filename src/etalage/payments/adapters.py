"""Which adapter speaks for a provider, with its settings and its transport (HTTPS,
or the embedded sandbox's when ``ETALAGE_PAYMENT_SANDBOX`` is on)."""

from __future__ import annotations

from etalage.payments import antom, sandbox, wechat
from etalage.payments.models import Provider
from etalage.payments.provider import PaymentProvider
from etalage.payments.transport import http_transport


def adapter(provider: str) -> PaymentProvider:
    """The provider's adapter (KeyError for a provider Étalage does not speak)."""
    if provider == Provider.ALIPAY:
        config = antom.antom_config()
        return antom.AntomProvider(
            config, sandbox.sandbox_transport if config.sandbox else http_transport
        )
    if provider == Provider.WECHAT:
        wconfig = wechat.wechat_config()
        return wechat.WeChatProvider(
            wconfig, sandbox.sandbox_transport if wconfig.sandbox else http_transport
        )
    raise KeyError(provider)
