"""Antom signatures: a fixed vector (a known key, message and signature), round
trips, and every way a signature can be wrong."""

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from etalage.payments.antom_signing import (
    SignatureRefused,
    load_private_key,
    parse_header,
    sign,
    verify,
)

# A key made for this test only (never a real party's).
TEST_KEY = """-----BEGIN PRIVATE KEY-----
MIIEvAIBADANBgkqhkiG9w0BAQEFAASCBKYwggSiAgEAAoIBAQCcWui4dDX6AXGJ
AJZ/4nnFTp6pBgZ7pgXOS3ZQPEMbjo8wOUaWehKMnU1KFMoE3s7SVG0zOfmFaIW9
OGrqX/8oAaWyMqqNLf5YU6d1zqr52yx/RYCPafqjTPI+Gke06E1yDN87PRH5bYwe
emUIcyLNSqH23bx9TAk+xjoR2zXcDUYjEstAxAtVa/X/FsoeMqtEwdJQ7DcK5BW1
gbcYXZFte1Ie17akxMrb9SHVVkep7N5wTzjKjoZLdnDTmnvCRoUcbv8xKWC4n4oV
Zt9I1vpsxP7aWUI9EvX30QfFaj0tUxjhpKF/E9XahwADySywXlkmC4g0mX55l6gu
VM8uOXxVAgMBAAECgf89VGt0mXY9Wn5Dqbde8mGmw0VOMiQuMYaVei7ZH3Td76K6
3RHodHmng7biwsTQpD+mwPcUi5O/K1X0+EGigtp9wXz9KQ09KOKw7XStASPlCH5W
bddqabz70R2JaUWMmz0a6hxQtY5ssvZYqNR4kVuqqwZc5HJ1s3Ls7Kmv12HeWQ5S
cb3qfglczciq7cxMqI0zTQHAcrjfhIWgYPcoy4ucy1tlQnZVOXYgDC53IYJeRAAV
iaGkZPmANIOQr3HEX5NGmXeagGHqDZEx8D9eNRhVM5UL+wfOe0HOcL9VJsiLR6tE
LB+bHIU2rpsONwRykURKVRmMDt6QOicPlsx0alkCgYEA2u7lvkTdxcOh9MJShD3O
BFO0Sk1FWSdUVpRbulprSyBQVDUQkz3FWdI+JEMHqQLfRim2VEXhTclRpFgRJiRl
3+e3UVb9hs0g3QCfk6SYpEDSb2pklF1NaZZZ2BiAs0pMKT/VwgffVBuXYIA4+GNv
TmHrUFc9yEWMqx+hLXcb/F0CgYEAttO5UOYOwgJeWGnmkIBD49lsLgPEQEiAFJdP
ZIgrieIT6ave3sIWRd6QmvZsbV3oU5z3hRh5grUZE5nVXc+hUA8X755XOfLh78t4
MtqIXN4SpOYhGKQLEbOavYg0PLHKRSF4DNuE6kqiwK//V12APDRCEKgOYY08ycKq
pF2NwFkCgYEAgaD5/xKfjT0sY9O7L/m4Re+ZzHS8HvGeijUFqu1mofDcHz/cNJJa
i7hkeuwFWRkOQmjoQDWwFXKiGIDchoz+lPiKHms3ad2DG9gGpFDM4FRRRQ7lxsMH
1wDi6YR4j6/qMHJPirdGkHJVyxmgodGeUfbAca12M2Kay6fKszTXKTECgYAXU8hv
ZAs6AedbzJdYlKUU62b8MArYUOfWuL+uihlUDH6R8BYNwiHpZE57FzoackL0eDC0
0LygSs8aSySIRbfFaUeakU9721uspv99LZj8kHE8jQhoBnZLGemCiWBw5hZy36Rb
r56z7jX58/rWgN2d0OUlDuxW0hiRfb8cHbu6cQKBgQCv17suucBtVW6hf/ZZ0ZBt
gC/21McstQPYgNaq+sdLtub7ppu6STSjc+fIXRBvF4V6G05rQmz1m01Ei8ggNo1/
85ZssWdUrWG5jabscj+jA4RVzyC+/7QQa8L6PTXHM5xg57gKDEmT5fUX+uTHREHB
pR6ViZH1x0L+fq9SsrELWg==
-----END PRIVATE KEY-----"""
MESSAGE = {
    "method": "POST",
    "path": "/v1/payments/pay",
    "client_id": "SANDBOX_5YBX9Y2Z3Q",
    "time": "2026-11-30T02:00:00+00:00",
    "body": '{"paymentRequestId":"E2611-TEST","paymentAmount":'
    '{"currency":"CNY","value":"19530"}}',
}
# PKCS#1 v1.5 is deterministic: this key always gives this header for MESSAGE.
EXPECTED = (
    "algorithm=RSA256,keyVersion=1,signature=H7dR5OqFwfrJywL08oRKRcJ%2F%2BkOrm9dT"
    "%2Bz8%2BEWLl5GmwfRDpX4Gg7AOXJUPScZWxri%2BYMTy6U3UgcjocSaw4oHutcIzbXwoHcQ2sz0"
    "uFCRKrdk3exv7qu6T9L2XL9DLH%2FPqHGl2E2ziyI%2B2RuNUvllEtxTnsv3bxkMIp8sa89v%2FC"
    "%2F2hqF%2BlGvVUWia3oAIHVkhP5nn7nFHK8GpTTvbUBDZUJOPXaMl%2F303TTBhV12f9B3a8BGI"
    "MRL%2BFoY5EqITvgc%2B%2BjlDmfwmJJd1X5D50dAkgfXng%2Fu1jEqNbqZA6u%2BVa85jbR91qR"
    "5JmesuCUJpTVB%2FihnRL4YFM1XriXlGtvzg%3D%3D"
)


@pytest.fixture(scope="module")
def key():
    return load_private_key(TEST_KEY)


def test_the_fixed_vector_signs_and_verifies(key):
    assert sign(key, **MESSAGE) == EXPECTED
    verify(key.public_key(), EXPECTED, **MESSAGE)


def test_the_signed_text_is_method_path_then_client_time_body(key):
    header = sign(key, **{**MESSAGE, "method": "post"})
    assert header == EXPECTED  # the method is upper-cased, as sent


@pytest.mark.parametrize(
    "change",
    [
        {"body": MESSAGE["body"].replace("19530", "19531")},
        {"path": "/v1/payments/refund"},
        {"client_id": "SANDBOX_OTHER"},
        {"time": "2026-11-30T02:00:01+00:00"},
    ],
)
def test_any_change_to_the_message_is_refused(key, change):
    with pytest.raises(SignatureRefused, match="does not match"):
        verify(key.public_key(), EXPECTED, **{**MESSAGE, **change})


def test_another_key_is_refused(key):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(SignatureRefused):
        verify(other.public_key(), EXPECTED, **MESSAGE)


@pytest.mark.parametrize(
    "header",
    [
        "",
        "signature=abc",
        "algorithm=RSA1,signature=abc",
        "algorithm=RSA256,keyVersion=1",
        "algorithm=RSA256,keyVersion=1,signature=%%%",
    ],
)
def test_a_malformed_header_is_refused(key, header):
    with pytest.raises(SignatureRefused):
        verify(key.public_key(), header, **MESSAGE)


def test_the_header_names_its_algorithm_and_key_version():
    parsed = parse_header(EXPECTED)
    assert (parsed.algorithm, parsed.key_version, len(parsed.signature)) == (
        "RSA256",
        "1",
        256,
    )
