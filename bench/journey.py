"""The whole checkout over HTTP, as a buyer's browser goes through it, for
``bench/checkout.py --full``.

Each prepared buyer (signed in, with an identity and an address, an empty cart):
the product page, add to cart, the cart page, the checkout page (its token and the
total it shows), place the order, pay with Alipay (the order page's button, then the
sandbox's cashier: "Pay"), and the order seen paid (the buyer's order read until it
is: the sandbox's notification is sent and processed by the background workers).
Every request is a new connection (gunicorn's sync workers close each one), only to
127.0.0.1, bounded in count and time.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from urllib.parse import urlencode, urlsplit

STEPS = ("product", "add", "cart", "checkout", "place", "pay", "cashier", "paid")
PAID_WITHIN = 60.0  # seconds; a journey whose order is not paid by then failed


class JourneyFailed(Exception):
    pass


async def _http(port, method, path, cookies, form=None):
    """One request; return (status, headers with lower-case names, body)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        body = urlencode(form).encode() if form is not None else b""
        cookie = "; ".join(f"{name}={value}" for name, value in cookies.items())
        head = [
            f"{method} {path} HTTP/1.1",
            "Host: 127.0.0.1",
            "Connection: close",
            f"Cookie: {cookie}",
        ]
        if form is not None:
            head += [
                "Content-Type: application/x-www-form-urlencoded",
                f"Content-Length: {len(body)}",
            ]
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        await writer.drain()
        raw = await reader.read()
    finally:
        writer.close()
    header, _, content = raw.partition(b"\r\n\r\n")
    lines = header.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(lines[0].split()[1]), headers, content


def _expect(step, status, wanted, body=b""):
    if status != wanted:
        raise JourneyFailed(f"{step}: {status} {body[:200]!r}")


async def journey(port, shopper, product_slug, variant_id):
    """Go through the checkout; return the seconds each step took."""
    cookies = {"sessionid": shopper.session, "csrftoken": shopper.csrf}
    csrf = {"csrfmiddlewaretoken": shopper.csrf}
    took = {}

    async def step(name, method, path, form=None, wanted=200):
        started = time.perf_counter()
        status, headers, body = await _http(port, method, path, cookies, form)
        took[name] = took.get(name, 0.0) + time.perf_counter() - started
        _expect(name, status, wanted, body)
        return headers, body

    await step("product", "GET", f"/p/{product_slug}/")
    await step(
        "add", "POST", "/cart/add/", {"variant": variant_id, "quantity": 1, **csrf}, 302
    )
    await step("cart", "GET", "/cart/")
    _headers, page = await step("checkout", "GET", "/checkout/")
    token = re.search(rb'name="token" value="([0-9a-f]{32})"', page)
    total = re.search(rb'name="total" value="([0-9.]+)"', page)
    if not token or not total:
        raise JourneyFailed("checkout: no token or total on the page")
    headers, _body = await step(
        "place",
        "POST",
        "/checkout/",
        {
            "token": token.group(1).decode(),
            "total": total.group(1).decode(),
            "identity": shopper.identity,
            "address": shopper.address,
            **csrf,
        },
        302,
    )
    order_path = urlsplit(headers["location"]).path
    number = order_path.rstrip("/").rsplit("/", 1)[1]
    headers, _body = await step("pay", "POST", f"{order_path}pay/alipay/", csrf, 302)
    cashier = urlsplit(headers["location"]).path
    await step("cashier", "POST", cashier, {"decision": "pay", **csrf}, 302)
    deadline = time.perf_counter() + PAID_WITHIN
    while True:
        _headers, body = await step("paid", "GET", f"/api/v1/orders/{number}")
        if json.loads(body)["state"] == "paid":
            return took
        if time.perf_counter() > deadline:
            raise JourneyFailed(f"paid: order {number} not paid in {PAID_WITHIN} s")
        await asyncio.sleep(0.25)  # the order page polls too


async def journeys(port, buyers, concurrency, duration):
    """Run journeys from ``concurrency`` buyers at a time for ``duration`` seconds
    (each started before then is finished); return (step timings of each finished
    journey, failures, elapsed seconds)."""
    queue = list(reversed(buyers))
    done, failed = [], []
    deadline = time.perf_counter() + duration
    started = time.perf_counter()

    async def buyer_after_buyer():
        while queue and time.perf_counter() < deadline:
            shopper, slug, variant = queue.pop()
            try:
                done.append(await journey(port, shopper, slug, variant))
            except (JourneyFailed, OSError, KeyError, ValueError) as error:
                failed.append(repr(error))

    await asyncio.gather(*(buyer_after_buyer() for _ in range(concurrency)))
    return done, failed, time.perf_counter() - started


def run_journeys(port, buyers, concurrency, duration, out):
    """For a process of its own: put (done, failed, elapsed, CPU seconds) on ``out``."""
    result = asyncio.run(journeys(port, buyers, concurrency, duration))
    out.put((*result, time.process_time()))
