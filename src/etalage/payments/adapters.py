"""Which adapter speaks for a provider, with its settings and its transport (HTTPS,
or the embedded sandbox's when ``ETALAGE_PAYMENT_SANDBOX`` is on)."""

from __future__ import annotations

from etalage.core.http import http_transport
from etalage.payments import antom, sandbox, wechat
from etalage.payments.antom import AntomProvider
from etalage.payments.models import Provider
from etalage.payments.provider import PaymentProvider
from etalage.payments.wechat import WeChatProvider


def adapter_class(provider: str) -> type[AntomProvider] | type[WeChatProvider]:
    """The adapter's class, for what needs no settings (the headers a notification
    is kept with, the acknowledgement); KeyError for an unknown provider."""
    return {Provider.ALIPAY: AntomProvider, Provider.WECHAT: WeChatProvider}[
        Provider(provider)
    ]


def adapter(provider: str) -> PaymentProvider:
    """The provider's adapter (KeyError for a provider Étalage does not speak)."""
    if provider == Provider.ALIPAY:
        config = antom.antom_config()
        return AntomProvider(
            config, sandbox.sandbox_transport if config.sandbox else http_transport
        )
    if provider == Provider.WECHAT:
        wconfig = wechat.wechat_config()
        return WeChatProvider(
            wconfig, sandbox.sandbox_transport if wconfig.sandbox else http_transport
        )
    raise KeyError(provider)
