"""A merchant's webhook URL never reaches inside: no redirect is followed, and an
address that resolves to loopback, private or link-local space is refused at
connect time; the portal shows only the status and a short excerpt."""

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import transaction

from etalage.core import outbound
from etalage.webhooks.delivery import deliveries_queue, webhooks_sent
from etalage.webhooks.models import Attempt, Delivery, Endpoint

SECRET = "SECRET-INTERNAL-ANSWER"


class _Handler(BaseHTTPRequestHandler):
    def _answer(self):
        self.server.paths.append(self.path)  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        if self.path.startswith("/hook"):
            port = self.server.server_address[1]
            self.send_response(302)
            self.send_header("Location", f"http://127.0.0.1:{port}/internal")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = SECRET.encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args):
        pass


@pytest.fixture
def inside():
    """A server on the machine's loopback: an "internal" service."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.paths = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _endpoint(shopping, url):
    merchant = shopping.products["a"].merchant
    from etalage.webhooks.delivery import endpoint_create

    endpoint, _secret = endpoint_create(
        merchant=merchant, url=url, events=["order.paid"]
    )
    with transaction.atomic():
        deliveries_queue(merchant_id=merchant.pk, event="order.paid", data={"x": 1})
    return endpoint


def test_a_redirect_to_an_internal_address_is_a_failed_attempt_never_shown(
    shopping, inside, monkeypatch, client
):
    port = inside.server_address[1]
    real = socket.getaddrinfo

    def names(host, *args, **kwargs):  # shop.example is the merchant's public server
        return real("127.0.0.1" if host == "shop.example" else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", names)
    # The merchant's server counts as public for this test (it is on loopback here).
    monkeypatch.setattr(
        outbound, "address_is_public", lambda address: True, raising=False
    )
    endpoint = _endpoint(shopping, f"http://shop.example:{port}/hook")
    assert webhooks_sent() == 1
    attempt = Attempt.objects.get()
    assert attempt.status == 302
    assert inside.paths == ["/hook"]  # the redirect was not followed
    assert SECRET not in attempt.response
    assert Delivery.objects.get().state == "pending"  # failed: tried again later
    from django.contrib.auth import get_user_model

    from etalage.merchants.models import MerchantMember

    owner = get_user_model().objects.create_user("owner")
    MerchantMember.objects.create(merchant=endpoint.merchant, user=owner, role="owner")
    client.force_login(owner)
    page = client.get("/en/portal/webhooks/").content.decode()
    assert "302" in page and SECRET not in page


def test_a_loopback_address_is_refused_and_never_connected(shopping, inside):
    port = inside.server_address[1]
    endpoint = _endpoint(shopping, "https://shop.example/hooks")
    # Saved before addresses were checked when saved: refused when called.
    Endpoint.objects.filter(pk=endpoint.pk).update(
        url=f"http://127.0.0.1:{port}/internal"
    )
    webhooks_sent()
    attempt = Attempt.objects.get()
    assert inside.paths == []
    assert attempt.status is None and "not a public address" in attempt.error
    assert SECRET not in attempt.response


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "169.254.169.254", "::1"])
def test_a_name_resolving_inside_is_refused(shopping, monkeypatch, address):
    monkeypatch.setattr(
        outbound, "resolve", lambda host, port: [address], raising=False
    )
    _endpoint(shopping, "https://hooks.example/in")
    webhooks_sent()
    attempt = Attempt.objects.get()
    assert attempt.status is None and "not a public address" in attempt.error
    assert Endpoint.objects.get().enabled  # a failed attempt, on the schedule


def test_public_addresses_pass_the_check():
    assert outbound.address_is_public("93.184.215.14")
    assert outbound.address_is_public("2606:2800:21f:cb07:6820:80da:af6b:8b2c")
    for inside_address in (
        "127.0.0.1",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "224.0.0.1",
        "240.0.0.1",
        "0.0.0.0",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",
    ):
        assert not outbound.address_is_public(inside_address), inside_address


def test_production_reaches_a_merchant_over_https_only(settings):
    settings.ETALAGE_PAYMENT_SANDBOX = False
    with pytest.raises(ValueError):
        outbound.untrusted_request("POST", "http://shop.example/", {}, b"", 5)


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/",
        "https://[::1]/x",
        "https://169.254.169.254/latest",
        "https://10.0.0.5/",
        "https://localhost/hooks",
    ],
)
def test_an_internal_address_is_refused_when_the_endpoint_is_saved(shopping, url):
    from etalage.webhooks.delivery import EndpointRefused, endpoint_create

    merchant = shopping.products["a"].merchant
    with pytest.raises(EndpointRefused) as refused:
        endpoint_create(merchant=merchant, url=url, events=["order.paid"])
    assert refused.value.field == "url"
