"""WeChat Pay API v3 signatures and resources against fixed vectors: the RSA
signatures were made by OpenSSL (``openssl dgst -sha256 -sign``) with the test key,
the AES-256-GCM case is NIST's (McGrew & Viega, test case 16)."""

import base64
import json

import pytest

from etalage.payments.antom_signing import load_private_key
from etalage.payments.provider import SignatureRefused
from etalage.payments.tests.test_antom_signing import TEST_KEY
from etalage.payments.wechat_signing import (
    answer_message,
    authorization,
    authorization_fields,
    request_message,
    resource_decrypt,
    resource_encrypt,
    sign,
    verify,
)

KEY = load_private_key(TEST_KEY)
TIMESTAMP, NONCE = "1554208460", "593BEC0C930BF1AFEB40B4A08C8FB242"
REQUEST_BODY = '{"out_trade_no":"E2407-ABCD-P1"}'
REQUEST_SIGNATURE = (
    "k3XmcFCx8AQJVRxIyN922hKa/MihEWAvmzi+HJ6ie73VgdEnwevPeE8ZBm933CujeQsxzsCcyceiNXzH"
    "sOIHDpHuSIq54wQ3R82XAmyK9R2JQvMhTI02ZrW/mREDbZa0pyjjyvqo/td45yNh57CvDwxu95+tPWYA"
    "MY0OBctrqoLzEhMT8tRRkOxa2fZblDZjjHmKegWOUGNRm0oRNO8mmqBl1/mlFgFOuie5NOkHENsp1Cuc"
    "q35ax+lf9fukrNgETqiV6f43UjG7OdKUaNmHh8XRd9PyBuB9udPWXMGw6CY2cRQq9cvQpZP0B2Kb1dcd"
    "ZuuALHnudAHFoRWeWkrDjw=="
)
ANSWER_BODY = '{"id":"EV-1"}'
ANSWER_SIGNATURE = (
    "ILIMLh7+0HLqJW+PQW/Z62zP77hJ+nfKCj57CIJ09oGW0Bb3RcoW29EweZ5v7aU1H8lLs/Towfe4fU5I"
    "nsUoNJtIHVM5ng0H7BWN5NnqhsPh02qZZ7SzXHXyzE9gTcFdkf1XG+M1m2BRNwp9ocShh9i1KNn9IqEo"
    "Zau0+wc08Ixb0LRtRzy/iOBIbaMGfsy77XK+qJcmuhlNqZOaX5lIJMFywkupxEtPxospAkNRQyKqH4bN"
    "uyqSbPmaAiax1pLj5wFcO5vTNUfSX38An4E0QSDpVJiomGYISBuSTYnAx9+Encym1GaxlqoycgNMbSlv"
    "c0aWLZvd14eX8Zqg/4Nrig=="
)


def test_a_request_is_signed_as_openssl_signs_its_message():
    message = request_message(
        "post", "/v3/global/transactions/native", TIMESTAMP, NONCE, REQUEST_BODY
    )
    assert message == (
        b"POST\n/v3/global/transactions/native\n1554208460\n"
        b"593BEC0C930BF1AFEB40B4A08C8FB242\n" + REQUEST_BODY.encode() + b"\n"
    )
    assert sign(KEY, message) == REQUEST_SIGNATURE
    header = authorization(
        KEY,
        mchid="1900000109",
        serial_no="ABC",
        method="POST",
        path="/v3/global/transactions/native",
        timestamp=TIMESTAMP,
        nonce=NONCE,
        body=REQUEST_BODY,
    )
    assert header.startswith('WECHATPAY2-SHA256-RSA2048 mchid="1900000109",')
    fields = authorization_fields(header)
    assert fields["signature"] == REQUEST_SIGNATURE
    assert (fields["timestamp"], fields["nonce_str"], fields["serial_no"]) == (
        TIMESTAMP,
        NONCE,
        "ABC",
    )


def test_an_answer_verifies_and_every_change_is_refused():
    public = KEY.public_key()
    verify(public, ANSWER_SIGNATURE, answer_message(TIMESTAMP, NONCE, ANSWER_BODY))
    for changed in (
        answer_message("1554208461", NONCE, ANSWER_BODY),
        answer_message(TIMESTAMP, NONCE[:-1] + "3", ANSWER_BODY),
        answer_message(TIMESTAMP, NONCE, ANSWER_BODY + " "),
    ):
        with pytest.raises(SignatureRefused, match="does not match"):
            verify(public, ANSWER_SIGNATURE, changed)
    for bad in ("", "not base64!", base64.b64encode(b"short").decode()):
        with pytest.raises(SignatureRefused):
            verify(public, bad, answer_message(TIMESTAMP, NONCE, ANSWER_BODY))


@pytest.mark.parametrize(
    "header",
    [
        "",
        'WECHATPAY2-SHA256-RSA2048 mchid="1",nonce_str="2"',  # fields missing
        'Bearer mchid="1",nonce_str="2",signature="3",timestamp="4",serial_no="5"',
    ],
)
def test_a_malformed_authorization_is_refused(header):
    with pytest.raises(SignatureRefused):
        authorization_fields(header)


def test_aes_256_gcm_matches_nist_test_case_16():
    key = bytes.fromhex(
        "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308"
    )
    iv = bytes.fromhex("cafebabefacedbaddecaf888")
    plain = bytes.fromhex(
        "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95"
        "956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"
    )
    aad = bytes.fromhex("feedfacedeadbeeffeedfacedeadbeefabaddad2")
    sealed = (
        "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48"
        "590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"
        "76fc6ece0f4e1768cddf8853bb2d551b"  # the tag, at the end as WeChat Pay has it
    )
    ciphertext = base64.b64encode(bytes.fromhex(sealed)).decode()
    assert resource_encrypt(key, nonce=iv, plaintext=plain, associated_data=aad) == (
        ciphertext
    )
    assert (
        resource_decrypt(key, nonce=iv, ciphertext=ciphertext, associated_data=aad)
        == plain
    )


def test_a_resource_sealed_otherwise_does_not_decrypt():
    key, other = b"k" * 32, b"o" * 32
    resource = json.dumps({"out_trade_no": "E1-P1"}).encode()
    sealed = resource_encrypt(
        key, nonce="0123456789ab", plaintext=resource, associated_data="transaction"
    )
    assert (
        resource_decrypt(
            key, nonce="0123456789ab", ciphertext=sealed, associated_data="transaction"
        )
        == resource
    )
    for k, nonce, aad in (
        (other, "0123456789ab", "transaction"),
        (key, "0123456789ac", "transaction"),
        (key, "0123456789ab", "refund"),
    ):
        with pytest.raises(SignatureRefused, match="does not decrypt"):
            resource_decrypt(k, nonce=nonce, ciphertext=sealed, associated_data=aad)
    with pytest.raises(SignatureRefused):
        resource_decrypt(
            key, nonce="0123456789ab", ciphertext="%%%", associated_data="transaction"
        )
