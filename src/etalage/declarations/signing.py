"""Signing the messages that leave, and checking a signature (the simulator does).

China Customs reads a message signed with the declaring company's customs
certificate: an enveloped XML-DSig signature (RSA-SHA256 over the canonical XML
without its ``ds:Signature``). In production the certificate's key lives in a
hardware device (the operator's IC card or USB key) reached through the customs
client software; Étalage talks to it through ``Signer``, and the installation names
its own implementation in ``ETALAGE_CUSTOMS_SIGNER`` (a dotted path). The software
signer below (signxml) signs with a key in a file: the simulator's test key, made
once per data directory, or any key the operator configures for a gateway that
accepts it.
"""

from __future__ import annotations

import datetime
from functools import cache
from typing import Protocol

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.utils.module_loading import import_string
from lxml import etree

from etalage.declarations.messages import MessageRefused
from etalage.declarations.receipts import parse_xml
from etalage.payments.transport import sandbox_key


class Signer(Protocol):
    def sign(self, message: bytes) -> bytes:
        """``message`` with its enveloped signature."""
        ...


def _certificate(key: rsa.RSAPrivateKey, name: str) -> bytes:
    """A self-signed certificate for ``key``, the same every time for one key (the
    simulator trusts it as the operator's)."""
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM)


class SoftwareSigner:
    """Signs with a key held in software (signxml, enveloped, RSA-SHA256)."""

    def __init__(self, key: rsa.RSAPrivateKey, certificate: bytes):
        self.key, self.certificate = key, certificate

    def sign(self, message: bytes) -> bytes:
        from signxml import methods
        from signxml.signer import XMLSigner

        signer = XMLSigner(
            method=methods.enveloped,
            signature_algorithm="rsa-sha256",
            digest_algorithm="sha256",
            c14n_algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315",
        )
        signed = signer.sign(
            parse_xml(message), key=self.key, cert=self.certificate.decode()
        )
        data: bytes = etree.tostring(signed, xml_declaration=True, encoding="UTF-8")
        return data


@cache
def simulator_signer() -> SoftwareSigner:
    """The operator's test key for the simulator (made once per data directory)."""
    key = sandbox_key("customs-operator")
    return SoftwareSigner(key, _certificate(key, "Etalage customs test key"))


def signer() -> Signer:
    """The installation's signer: its own (``ETALAGE_CUSTOMS_SIGNER``) or, with the
    simulator, the test key."""
    if settings.ETALAGE_CUSTOMS_SIGNER:
        made: Signer = import_string(settings.ETALAGE_CUSTOMS_SIGNER)()
        return made
    if settings.ETALAGE_CUSTOMS_SANDBOX:
        return simulator_signer()
    raise MessageRefused(
        "no signer configured (ETALAGE_CUSTOMS_SIGNER) and the simulator is off",
        "Signature",
    )


def verified(message: bytes, certificate: bytes) -> etree._Element:
    """The signed message's document once its signature checks out against
    ``certificate``; refused otherwise (the digest and the signature are compared
    by signxml and cryptography, the latter in constant time)."""
    from signxml.algorithms import DigestAlgorithm, SignatureMethod
    from signxml.exceptions import SignXMLException
    from signxml.verifier import SignatureConfiguration, XMLVerifier

    expected = SignatureConfiguration(
        signature_methods=frozenset({SignatureMethod.RSA_SHA256}),
        digest_algorithms=frozenset({DigestAlgorithm.SHA256}),
    )
    try:
        result = XMLVerifier().verify(
            parse_xml(message),
            x509_cert=certificate.decode(),
            expect_config=expected,
        )
    except SignXMLException as error:
        raise MessageRefused(str(error), "Signature") from None
    if isinstance(result, list):  # one reference expected: never a list
        raise MessageRefused("more than one signed reference", "Signature")
    signed: etree._Element = result.signed_xml
    return signed
