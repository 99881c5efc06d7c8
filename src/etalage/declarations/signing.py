"""Signing the messages that leave, and checking a signature (the simulator does).

China customs reads a message signed with the declaring company's certificate:
an enveloped XML-DSig signature over the canonical message without its
``ds:Signature`` (inclusive C14N 1.0, one reference ``URI=""`` with the
enveloped-signature transform), its ``KeyInfo`` naming the certificate by
``KeyName`` and carrying it in ``X509Data``, as in customs' own sample messages.
The algorithm is a choice (``ETALAGE_CUSTOMS_SIGNATURE``):

- ``rsa-sha1``: RSA with SHA-1 digests, as the E-Port IC cards and USB keys sign
  today and as every official sample is signed; ``KeyName`` is the certificate's
  serial number (hexadecimal, as the cards' tools export it);
- ``rsa-sha256``: the same with SHA-256;
- ``sm2-sm3``: for the newer SM2 devices (customs' 2022-05 guide to signing
  products: SM2 signatures, SM3 digests). ``SignedInfo`` is signed SM3-with-SM2
  (GM/T 0003 and 0004, the user ID ``1234567812345678`` of GM/T 0009), the
  signature DER-encoded as GB/T 35276 writes SM2 signatures; the method is named
  ``xmldsig#sm2-sm3`` and the reference keeps its SHA-1 digest, as E-Port signing
  gateways in use write it. None of this is in customs' published schema or
  guide: in production the device's own software writes the signature; the
  software signer here lets the simulator exercise that path.

In production the certificate's key lives in a hardware device reached through
the customs client software; Étalage talks to it through ``Signer``, and the
installation names its own class in ``ETALAGE_CUSTOMS_SIGNER`` (a dotted path).
The software signers below sign with a key in a file: the simulator's test keys,
made once per data directory.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import secrets
from functools import cache
from typing import Protocol

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.utils.module_loading import import_string
from lxml import etree

from etalage.declarations.messages import MessageRefused
from etalage.declarations.receipts import parse_xml
from etalage.payments.sandbox_keys import sandbox_key

DS = "http://www.w3.org/2000/09/xmldsig#"
C14N = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
ENVELOPED = f"{DS}enveloped-signature"
# signature method, digest method (URIs) and digest function of each choice
ALGORITHMS = {
    "rsa-sha1": (f"{DS}rsa-sha1", f"{DS}sha1", "sha1"),
    "rsa-sha256": (
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
        "http://www.w3.org/2001/04/xmlenc#sha256",
        "sha256",
    ),
    # Not published by customs: as E-Port signing gateways write it (see above).
    "sm2-sm3": (f"{DS}sm2-sm3", f"{DS}sha1", "sha1"),
}


class Signer(Protocol):
    def sign(self, message: bytes) -> bytes:
        """``message`` with its enveloped signature."""
        ...


def _digest(name: str, data: bytes) -> bytes:
    return hashlib.new(name, data).digest()


def _ds(
    parent: etree._Element, tag: str, text: str = "", **attributes: str
) -> etree._Element:
    element = etree.SubElement(parent, f"{{{DS}}}{tag}", attributes)
    if text:
        element.text = text
    return element


def enveloped(
    message: bytes,
    *,
    algorithm: str,
    sign: object,
    key_name: str,
    certificate: bytes = b"",
) -> bytes:
    """``message`` signed as customs reads it, ``sign(octets) -> signature``
    signing the canonical ``SignedInfo`` with ``algorithm``; ``certificate`` (DER)
    goes in ``X509Data`` when given."""
    method, digest_method, digest = ALGORITHMS[algorithm]
    root = parse_xml(message)
    value = _digest(digest, etree.tostring(root, method="c14n"))
    signature = etree.SubElement(root, f"{{{DS}}}Signature", nsmap={"ds": DS})
    info = _ds(signature, "SignedInfo")
    _ds(info, "CanonicalizationMethod", Algorithm=C14N)
    _ds(info, "SignatureMethod", Algorithm=method)
    reference = _ds(info, "Reference", URI="")
    _ds(_ds(reference, "Transforms"), "Transform", Algorithm=ENVELOPED)
    _ds(reference, "DigestMethod", Algorithm=digest_method)
    _ds(reference, "DigestValue", base64.b64encode(value).decode())
    signed = sign(etree.tostring(info, method="c14n"))  # type: ignore[operator]
    _ds(signature, "SignatureValue", base64.b64encode(signed).decode())
    key_info = _ds(signature, "KeyInfo")
    _ds(key_info, "KeyName", key_name)
    if certificate:
        _ds(
            _ds(key_info, "X509Data"),
            "X509Certificate",
            base64.b64encode(certificate).decode(),
        )
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return data


def signature_method(message: bytes) -> str:
    """The choice (``rsa-sha1``…) a signed message was signed with; refused when
    unsigned or signed otherwise."""
    root = parse_xml(message)
    found = root.find(f"{{{DS}}}Signature/{{{DS}}}SignedInfo/{{{DS}}}SignatureMethod")
    uri = found.get("Algorithm", "") if found is not None else ""
    for name, (method, _d, _f) in ALGORITHMS.items():
        if uri == method:
            return name
    raise MessageRefused(
        f"not signed with an accepted algorithm ({uri or 'none'})", "Signature"
    )


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
        .serial_number(0x1690E88)
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM)


class SoftwareSigner:
    """Signs with an RSA key held in software (``rsa-sha1`` or ``rsa-sha256``),
    ``KeyName`` the certificate's serial number; checks with signxml."""

    def __init__(
        self, key: rsa.RSAPrivateKey, certificate: bytes, algorithm: str = "rsa-sha1"
    ):
        if not algorithm.startswith("rsa-"):
            raise MessageRefused(f"{algorithm} is not an RSA algorithm", "Signature")
        self.key, self.certificate, self.algorithm = key, certificate, algorithm
        self.loaded = x509.load_pem_x509_certificate(certificate)

    @property
    def key_name(self) -> str:
        return f"{self.loaded.serial_number:08x}"

    def sign(self, message: bytes) -> bytes:
        from cryptography.hazmat.primitives.asymmetric import padding

        # SHA-1 because customs' E-Port cards sign so (see the module's note)
        digest = hashes.SHA1() if self.algorithm == "rsa-sha1" else hashes.SHA256()  # noqa: S303
        return enveloped(
            message,
            algorithm=self.algorithm,
            sign=lambda octets: self.key.sign(octets, padding.PKCS1v15(), digest),
            key_name=self.key_name,
            certificate=self.loaded.public_bytes(serialization.Encoding.DER),
        )

    def verify(self, message: bytes) -> etree._Element:
        """The signed document once its signature checks out against this
        certificate (signxml; the signature compared by cryptography)."""
        from signxml.algorithms import DigestAlgorithm, SignatureMethod
        from signxml.exceptions import SignXMLException
        from signxml.verifier import SignatureConfiguration, XMLVerifier

        expected = SignatureConfiguration(
            signature_methods=frozenset(
                {SignatureMethod.RSA_SHA1, SignatureMethod.RSA_SHA256}
            ),
            digest_algorithms=frozenset({DigestAlgorithm.SHA1, DigestAlgorithm.SHA256}),
        )
        try:
            result = XMLVerifier().verify(
                parse_xml(message),
                x509_cert=self.certificate.decode(),
                expect_config=expected,
            )
        except SignXMLException as error:
            raise MessageRefused(str(error), "Signature") from None
        if isinstance(result, list):  # one reference expected: never a list
            raise MessageRefused("more than one signed reference", "Signature")
        signed: etree._Element = result.signed_xml
        return signed


class Sm2Signer:
    """Signs with an SM2 key held in software (gmssl), SM3-with-SM2; ``KeyName``
    names the key (no X.509 certificate: the simulator trusts the public key)."""

    algorithm = "sm2-sm3"

    def __init__(self, private_key: str, key_name: str):
        from gmssl import sm2

        table = sm2.default_ecc_table
        public = sm2.CryptSM2(private_key=private_key, public_key="")._kg(
            int(private_key, 16), table["g"]
        )
        self.crypt = sm2.CryptSM2(private_key=private_key, public_key=public)
        self.key_name = key_name

    def _sign(self, octets: bytes) -> bytes:
        nonce = secrets.token_hex(32)  # never gmssl's own (the random module)
        both = self.crypt.sign_with_sm3(octets, nonce)  # r and s, in hexadecimal
        return encode_dss_signature(int(both[:64], 16), int(both[64:], 16))

    def sign(self, message: bytes) -> bytes:
        return enveloped(
            message, algorithm=self.algorithm, sign=self._sign, key_name=self.key_name
        )

    def verify(self, message: bytes) -> etree._Element:
        """The signed document once its digest and SM2 signature check out
        against this key (the digest compared in constant time)."""
        root = parse_xml(message)
        signature = root.find(f"{{{DS}}}Signature")
        if signature is None or signature_method(message) != self.algorithm:
            raise MessageRefused("not signed with SM2", "Signature")
        info = signature.find(f"{{{DS}}}SignedInfo")
        said = base64.b64decode(signature.findtext(f"{{{DS}}}SignatureValue") or "")
        canonical_info = etree.tostring(info, method="c14n")
        stated = base64.b64decode(info.findtext(f".//{{{DS}}}DigestValue") or "")
        root.remove(signature)
        computed = _digest(
            ALGORITHMS[self.algorithm][2], etree.tostring(root, method="c14n")
        )
        if not hmac.compare_digest(stated, computed):
            raise MessageRefused("the digest does not match the message", "Signature")
        try:
            r, s = decode_dss_signature(said)
        except ValueError:
            raise MessageRefused("not an SM2 signature", "Signature") from None
        if not self.crypt.verify_with_sm3(f"{r:064x}{s:064x}", canonical_info):
            raise MessageRefused("the SM2 signature does not verify", "Signature")
        return root


@cache
def simulator_signer(algorithm: str = "rsa-sha1") -> SoftwareSigner | Sm2Signer:
    """The operator's test key for the simulator (made once per data directory),
    for ``algorithm``."""
    key = sandbox_key("customs-operator")
    if algorithm == "sm2-sm3":
        from gmssl import sm2

        order = int(sm2.default_ecc_table["n"], 16)
        raw = key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        scalar = int.from_bytes(hashlib.sha256(b"sm2" + raw).digest()) % (order - 1)
        return Sm2Signer(f"{scalar + 1:064x}", key_name="01690e88")
    return SoftwareSigner(key, _certificate(key, "Etalage customs test key"), algorithm)


def simulator_verified(message: bytes) -> etree._Element:
    """What the simulated single window does: the signed document once its
    signature, by whichever accepted algorithm, checks out against the operator's
    test key."""
    return simulator_signer(signature_method(message)).verify(message)


def signer() -> Signer:
    """The installation's signer: its own (``ETALAGE_CUSTOMS_SIGNER``) or, with the
    simulator, the test key with the chosen algorithm."""
    if settings.ETALAGE_CUSTOMS_SIGNER:
        made: Signer = import_string(settings.ETALAGE_CUSTOMS_SIGNER)()
        return made
    if settings.ETALAGE_CUSTOMS_SANDBOX:
        return simulator_signer(settings.ETALAGE_CUSTOMS_SIGNATURE)
    raise MessageRefused(
        "no signer configured (ETALAGE_CUSTOMS_SIGNER) and the simulator is off",
        "Signature",
    )
