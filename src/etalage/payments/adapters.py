"""Which adapter speaks for a provider, with its settings and its transport (HTTPS,
or the embedded sandbox's when ``ETALAGE_PAYMENT_SANDBOX`` is on)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core import checks

from etalage.core.http import http_transport
from etalage.payments import antom, sandbox, wechat
from etalage.payments.antom import AntomProvider
from etalage.payments.models import Provider
from etalage.payments.provider import PaymentProvider, Scene
from etalage.payments.wechat import WeChatProvider


def _antom() -> PaymentProvider:
    config = antom.antom_config()
    return AntomProvider(
        config, sandbox.sandbox_transport if config.sandbox else http_transport
    )


def _wechat() -> PaymentProvider:
    config = wechat.wechat_config()
    return WeChatProvider(
        config, sandbox.sandbox_transport if config.sandbox else http_transport
    )


@dataclass(frozen=True)
class Registered:
    """What Étalage knows of one provider it speaks to."""

    # The adapter's class, for what needs no settings (the headers a notification
    # is kept with, the acknowledgement), and the adapter with its settings.
    adapter_class: type[AntomProvider] | type[WeChatProvider]
    build: Callable[[], PaymentProvider]
    # The settings it needs outside the sandbox (WeChat Pay's platform key may
    # come later: its certificates are downloaded).
    required: tuple[str, ...]
    # Its name in the records (an order's history), as the provider writes it.
    name: str
    # The scene a payment is made in when the caller names none: a desktop's.
    default_scene: Scene


# The one registry of the providers: a new one is added here and nowhere else.
PROVIDERS: dict[str, Registered] = {
    Provider.ALIPAY: Registered(
        adapter_class=AntomProvider,
        build=_antom,
        required=(
            "ETALAGE_ANTOM_CLIENT_ID",
            "ETALAGE_ANTOM_PRIVATE_KEY",
            "ETALAGE_ANTOM_PUBLIC_KEY",
        ),
        name="Alipay",
        default_scene="web",
    ),
    Provider.WECHAT: Registered(
        adapter_class=WeChatProvider,
        build=_wechat,
        required=(
            "ETALAGE_WECHAT_MCHID",
            "ETALAGE_WECHAT_APPID",
            "ETALAGE_WECHAT_PRIVATE_KEY",
            "ETALAGE_WECHAT_SERIAL_NO",
            "ETALAGE_WECHAT_API_V3_KEY",
        ),
        name="WeChat Pay",
        default_scene="native",
    ),
}


def adapter_class(provider: str) -> type[AntomProvider] | type[WeChatProvider]:
    """The adapter's class, for what needs no settings (the headers a notification
    is kept with, the acknowledgement); KeyError for an unknown provider."""
    return PROVIDERS[Provider(provider)].adapter_class


def adapter(provider: str) -> PaymentProvider:
    """The provider's adapter (KeyError for a provider Étalage does not speak)."""
    return PROVIDERS[provider].build()


def provider_settings(provider: str) -> tuple[list[str], list[str]]:
    """(set, missing): the provider's required settings; none with the sandbox."""
    if settings.ETALAGE_PAYMENT_SANDBOX:
        return [], []
    names = PROVIDERS[Provider(provider)].required
    given = [n for n in names if str(getattr(settings, n, "") or "").strip()]
    return given, [n for n in names if n not in given]


@cache
def _available(provider: str, state: tuple[object, ...]) -> bool:
    del state  # the cache's key: checked once per settings, i.e. at start
    _given, missing = provider_settings(provider)
    if missing:
        return False
    try:
        adapter(provider)
    except (KeyError, ValueError, TypeError):
        return False
    return True


def provider_available(provider: str) -> bool:
    """Whether Étalage speaks to ``provider`` here: its sandbox, or every required
    setting given and its keys readable. A provider that is not has no endpoint."""
    if provider not in Provider.values:
        return False
    state = (settings.ETALAGE_PAYMENT_SANDBOX,) + tuple(
        getattr(settings, n, "") for n in PROVIDERS[Provider(provider)].required
    )
    return _available(provider, state)


def providers_checked(**_kwargs: object) -> list[checks.CheckMessage]:
    """At start: a provider half set up is an error naming what is missing (its
    notification endpoint would answer 404); one not set up at all is said by
    ``etalage check --deploy``."""
    found: list[checks.CheckMessage] = []
    for provider in Provider.values:
        given, missing = provider_settings(provider)
        label = str(Provider(provider).label)
        if given and missing:
            found.append(
                checks.Error(
                    f"{label} is half set up: {', '.join(missing)} missing "
                    f"(its notification endpoint answers 404 until then).",
                    id="payments.E004",
                )
            )
        elif given and not provider_available(provider):
            found.append(
                checks.Error(
                    f"{label}: a key in {', '.join(given)} cannot be read.",
                    id="payments.E005",
                )
            )
    return found


def providers_deploy_checked(**_kwargs: object) -> list[checks.CheckMessage]:
    found: list[checks.CheckMessage] = []
    for provider in Provider.values:
        given, missing = provider_settings(provider)
        if missing and not given:
            found.append(
                checks.Warning(
                    f"{Provider(provider).label} is not set up ({missing[0]}…): "
                    "buyers cannot pay with it and its notification endpoint "
                    "answers 404.",
                    id="payments.W004",
                )
            )
    return found
