"""The clock keeps WeChat Pay's platform certificates fresh (``wechat_certificates``):
a renewed certificate is downloaded before WeChat Pay signs with it."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from etalage.payments import wechat_certificates
from etalage.payments.adapters import adapter
from etalage.payments.models import Provider
from etalage.payments.wechat import WeChatProvider, wechat_configured


def wechat_speaker() -> WeChatProvider:
    speaker = adapter(Provider.WECHAT)
    assert isinstance(speaker, WeChatProvider)
    return speaker


def platform_certificates_refreshed() -> int:
    """Download WeChat Pay's platform certificates now; returns how many it serves."""
    return wechat_certificates.platform_certificates_refresh(wechat_speaker())


def platform_certificates_kept_fresh(*, now: datetime | None = None) -> int:
    """Download the certificates again when the newest ends within
    ``wechat_certificates.RENEW_BEFORE`` (or none is held); returns 1 when it
    downloaded. The clock's chore (nothing to do where WeChat Pay is not set up;
    a failure is the clock's to log, and the next round tries again)."""
    if not wechat_configured():
        return 0
    if not wechat_certificates.renewal_due(now or timezone.now()):
        return 0
    platform_certificates_refreshed()
    return 1
