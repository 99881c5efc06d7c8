"""A provider whose settings are incomplete has no endpoint (404, nothing kept),
and the start check names what is missing; a notification whose processing
raises is given an error verdict, tried again later with back-off, never taken
twice in one pass."""

from datetime import timedelta

from django.core import checks
from django.utils import timezone

from etalage.payments import notifications
from etalage.payments.models import Notification


def _half_configured_antom(settings):
    settings.ETALAGE_PAYMENT_SANDBOX = False
    settings.ETALAGE_ANTOM_CLIENT_ID = "SANDBOX_5Y3A2N2YEB3002022"
    settings.ETALAGE_ANTOM_PRIVATE_KEY = ""
    settings.ETALAGE_ANTOM_PUBLIC_KEY = ""
    settings.ETALAGE_WECHAT_MCHID = ""


def test_a_half_configured_provider_has_no_endpoint(client, markets, settings):
    _half_configured_antom(settings)
    for provider in ("alipay", "wechat"):
        answer = client.post(
            f"/payments/notify/{provider}/", data="{}", content_type="application/json"
        )
        assert answer.status_code == 404, provider
    assert not Notification.objects.exists()


def test_the_start_check_names_the_missing_settings(settings):
    _half_configured_antom(settings)
    errors = [m for m in checks.run_checks() if m.is_serious()]
    said = " ".join(m.msg for m in errors)
    assert "ETALAGE_ANTOM_PRIVATE_KEY" in said and "ETALAGE_ANTOM_PUBLIC_KEY" in said
    warned = " ".join(m.msg for m in checks.run_checks(include_deployment_checks=True))
    assert "WeChat Pay" in warned and "404" in warned  # not set up at all: said so


def test_a_notification_whose_processing_raises_waits_with_back_off(db, monkeypatch):
    calls = []

    def broken(notification):
        calls.append(notification.pk)
        raise RuntimeError("a bug")

    monkeypatch.setattr(notifications, "_notification_process", broken)
    kept = Notification.objects.create(provider="wechat", headers={}, body="{}")
    assert notifications.notifications_process() == 1
    assert calls == [kept.pk]  # once in the pass, not again and again
    kept.refresh_from_db()
    assert kept.verdict == "error" and "RuntimeError: a bug" in kept.reason
    assert kept.attempts == 1 and kept.next_attempt_at > timezone.now()
    notifications.notifications_process()
    assert calls == [kept.pk]  # not due yet
    Notification.objects.filter(pk=kept.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )
    notifications.notifications_process()
    kept.refresh_from_db()
    assert len(calls) == 2 and kept.attempts == 2
    first_wait = timedelta(minutes=1)
    assert kept.next_attempt_at - timezone.now() > first_wait  # longer each time
