"""The address a request comes from: the connection's own, or, behind proxies the
operator trusts, the nearest address in X-Forwarded-For that is not one of them."""

import pytest
from django.test import RequestFactory

from etalage.core.client_address import client_address


def request(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "client"),
    [
        # No proxy trusted: the header is anyone's to write, and is ignored.
        ([], "203.0.113.9", "198.51.100.1", "203.0.113.9"),
        # A direct connection from an untrusted address: ignored as well.
        (["10.0.0.0/8"], "203.0.113.9", "198.51.100.1", "203.0.113.9"),
        # Through the trusted proxy: the address it saw.
        (["10.0.0.0/8"], "10.0.0.2", "198.51.100.1", "198.51.100.1"),
        # Read right to left: what the client wrote itself on the left is not used.
        (["10.0.0.0/8"], "10.0.0.2", "1.2.3.4, 198.51.100.1", "198.51.100.1"),
        # Through two trusted proxies.
        (
            ["10.0.0.0/8", "192.0.2.7/32"],
            "10.0.0.2",
            "1.2.3.4, 198.51.100.1, 192.0.2.7",
            "198.51.100.1",
        ),
        # IPv6, and the proxy's address as a plain address.
        (["::1"], "::1", "2001:db8::5", "2001:db8::5"),
        # A trusted proxy that sent no header, or garbage: the proxy itself.
        (["10.0.0.0/8"], "10.0.0.2", None, "10.0.0.2"),
        (["10.0.0.0/8"], "10.0.0.2", "not-an-address", "10.0.0.2"),
        # Every hop trusted: the leftmost.
        (["10.0.0.0/8"], "10.0.0.2", "10.1.1.1, 10.0.0.3", "10.1.1.1"),
    ],
)
def test_the_client_address(settings, trusted, remote, forwarded, client):
    settings.ETALAGE_TRUSTED_PROXIES = trusted
    assert client_address(request(remote, forwarded)) == client


def test_only_the_helper_reads_the_connection_address():
    """Every limit and every log asks ``client_address``: no other module reads
    REMOTE_ADDR or X-Forwarded-For itself."""
    from pathlib import Path

    import etalage

    root = Path(etalage.__file__).parent
    readers = sorted(
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "tests" not in path.parts
        and (
            "REMOTE_ADDR" in (text := path.read_text())
            or "HTTP_X_FORWARDED_FOR" in text
        )
    )
    assert readers == ["core/client_address.py"]


def test_logs_see_the_client_behind_the_proxy(client, markets, settings):
    """The server's access log and Django's own read REMOTE_ADDR from the request's
    environ: it is the client's once the request is in, not the proxy's."""
    from django.http import HttpResponse

    from etalage.core.client_address import ClientAddressMiddleware

    settings.ETALAGE_TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert "etalage.core.client_address.ClientAddressMiddleware" in settings.MIDDLEWARE
    seen = []

    def view(request):
        seen.append((request.META["REMOTE_ADDR"], client_address(request)))
        return HttpResponse()

    proxied = request("10.0.0.2", "1.2.3.4, 198.51.100.1")
    ClientAddressMiddleware(view)(proxied)
    assert seen == [("198.51.100.1", "198.51.100.1")]
    assert proxied.META["REMOTE_ADDR"] == "198.51.100.1"  # what the access log reads
    # Every hop trusted: asking again does not walk the header a second time.
    inner = request("10.0.0.2", "10.1.1.1, 10.0.0.3")
    ClientAddressMiddleware(view)(inner)
    assert seen[-1] == ("10.1.1.1", "10.1.1.1")
