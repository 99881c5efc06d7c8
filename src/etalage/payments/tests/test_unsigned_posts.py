"""Unsigned posts do not fill the database: the notification and carrier
endpoints check what is cheap first (a client id Étalage knows, a time within the
window, a carrier Étalage has), keep a refused body cut short, purge refused ones
after a while, and take a few hundred posts a minute per client address."""

from datetime import UTC, datetime, timedelta

from django.utils import timezone

from etalage.logistics.models import CarrierPush
from etalage.payments.models import Notification

BIG = '{"x": "' + "A" * 60000 + '"}'


def _post(client, url, headers, body=BIG):
    return client.post(url, data=body, content_type="application/json", headers=headers)


def test_a_notice_from_an_unknown_client_id_is_refused_and_kept_short(client, markets):
    answer = _post(
        client,
        "/payments/notify/alipay/",
        {
            "client-id": "SOMEONE_ELSE",
            "request-time": datetime.now(UTC).isoformat(),
            "signature": "algorithm=RSA256,keyVersion=1,signature=abc",
        },
    )
    assert answer.status_code == 200  # acknowledged as Antom expects, not processed
    kept = Notification.objects.get()
    assert kept.verdict == "forged" and "client-id" in kept.reason
    assert len(kept.body) <= 2000


def test_a_notice_outside_the_time_window_is_refused_before_processing(client, markets):
    old = int((datetime.now(UTC) - timedelta(minutes=30)).timestamp())
    answer = _post(
        client,
        "/payments/notify/wechat/",
        {
            "wechatpay-timestamp": str(old),
            "wechatpay-nonce": "n",
            "wechatpay-signature": "c2ln",
            "wechatpay-serial": "ABC123",
        },
    )
    assert answer.status_code == 204
    kept = Notification.objects.get()
    assert kept.verdict == "stale" and len(kept.body) <= 2000


def test_a_push_for_no_carrier_keeps_nothing_and_a_stale_one_is_kept_short(
    client, markets
):
    answer = _post(
        client,
        "/logistics/carriers/nobody/events",
        {
            "webhook-id": "m",
            "webhook-timestamp": "1",
            "webhook-signature": "v1," + "A" * 43 + "=",
        },
    )
    assert answer.status_code == 404 and not CarrierPush.objects.exists()
    old = int((datetime.now(UTC) - timedelta(hours=1)).timestamp())
    answer = _post(
        client,
        "/logistics/carriers/sandbox/events",
        {
            "webhook-id": "m",
            "webhook-timestamp": str(old),
            "webhook-signature": "v1," + "A" * 43 + "=",
        },
    )
    assert answer.status_code == 401
    kept = CarrierPush.objects.get()
    assert kept.verdict == "refused" and len(kept.body) <= 2000


def test_refused_posts_are_purged_after_a_while(db, settings):
    from etalage.logistics.last_mile import refused_pushes_purged
    from etalage.payments.notifications import refused_notifications_purged

    settings.ETALAGE_REFUSED_POSTS_KEEP_DAYS = 7
    old = timezone.now() - timedelta(days=8)
    forged = Notification.objects.create(provider="wechat", body="x", verdict="forged")
    recent = Notification.objects.create(provider="wechat", body="x", verdict="stale")
    done = Notification.objects.create(provider="wechat", body="x", verdict="processed")
    push = CarrierPush.objects.create(carrier="sandbox", body="x", verdict="refused")
    Notification.objects.filter(pk__in=[forged.pk, done.pk]).update(created_at=old)
    CarrierPush.objects.filter(pk=push.pk).update(created_at=old)
    assert refused_notifications_purged() == 1 and refused_pushes_purged() == 1
    assert set(Notification.objects.values_list("pk", flat=True)) == {
        recent.pk,
        done.pk,
    }
    assert not CarrierPush.objects.exists()


def test_the_default_limit_is_a_few_hundred_a_minute_per_client(
    client, markets, settings
):
    import os

    if "ETALAGE_NOTIFY_PER_MINUTE" not in os.environ:
        assert 100 <= settings.ETALAGE_NOTIFY_PER_MINUTE <= 1000
    settings.ETALAGE_NOTIFY_PER_MINUTE = 2
    settings.ETALAGE_TRUSTED_PROXIES = ["10.0.0.1"]

    def post(client_address):
        return client.post(
            "/payments/notify/wechat/",
            data="{}",
            content_type="application/json",
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=client_address,
        ).status_code

    first = [post("203.0.113.5") for _ in range(3)]
    other = post("198.51.100.7")
    assert first[-1] == 429 and other != 429  # counted per client, not per proxy


def test_a_notice_naming_no_serial_wechat_writes_is_refused(client, markets):
    now = int(datetime.now(UTC).timestamp())
    _post(
        client,
        "/payments/notify/wechat/",
        {
            "wechatpay-timestamp": str(now),
            "wechatpay-nonce": "n",
            "wechatpay-signature": "c2ln",
            "wechatpay-serial": "../../etc/" + "x" * 90,
        },
    )
    kept = Notification.objects.get()
    assert kept.verdict == "forged" and len(kept.body) <= 2000
