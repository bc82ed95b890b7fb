"""Key pairs of the two suites behind one interface: signatures and key wrapping (密钥封装).

``Suite.GM`` (the default, as Chinese e-bidding requires) is SM2 with SM3 (signer ID
``1234567812345678``) and SM2 public-key encryption whose ciphertext is always the GM/T 0009 ASN.1
``SEQUENCE {x INTEGER, y INTEGER, hash OCTET STRING, ciphertext OCTET STRING}`` (C1C3C2).
``Suite.INTL`` is Ed25519 for signatures and X25519 + HKDF-SHA256 + AES-256-GCM for key wrapping.

Serialisation is raw hex, prefixed by the suite: ``gm:04<x><y>`` (65-byte uncompressed point) or
``intl:<ed25519 public 32 bytes><x25519 public 32 bytes>``. A key ID is the SM3 of the raw public key bytes.
"""

from __future__ import annotations

import hmac
import os
from dataclasses import dataclass, field
from enum import StrEnum

import gmssl_pyx
from cryptography.exceptions import InvalidSignature as _PycaInvalidSignature
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from fairbid.crypto.der import decode_sm2_cipher
from fairbid.crypto.digest import sm3_hex
from fairbid.domain.errors import InvalidKey, InvalidSignature

__all__ = [
    "SM2_SIGNER_ID",
    "PrivateKey",
    "PublicKey",
    "Suite",
    "generate_key",
    "private_key_from_bytes",
    "random_bytes",
    "sign",
    "unwrap_key",
    "verify_signature",
    "wrap_key",
]

SM2_SIGNER_ID = b"1234567812345678"
_WRAP_INFO = b"fairbid/x25519-wrap/v1"
_RAW = serialization.Encoding.Raw
_RAW_PUB = serialization.PublicFormat.Raw
_RAW_PRIV = serialization.PrivateFormat.Raw


class Suite(StrEnum):
    """The algorithm suite of a key and of every envelope sealed with it (算法套件)."""

    GM = "gm"
    INTL = "intl"

    @property
    def content_key_size(self) -> int:
        """Bytes of the content key: SM4 takes 16, AES-256 takes 32."""
        return 16 if self is Suite.GM else 32


_PUBLIC_SIZE = {Suite.GM: 65, Suite.INTL: 64}
_PRIVATE_SIZE = {Suite.GM: 32, Suite.INTL: 64}


@dataclass(frozen=True, slots=True)
class PublicKey:
    """A public key (公钥) of one suite, as raw bytes."""

    suite: Suite
    raw: bytes

    def __post_init__(self) -> None:
        if len(self.raw) != _PUBLIC_SIZE[self.suite]:
            raise InvalidKey()
        if self.suite is Suite.GM:
            try:
                gmssl_pyx.normalize_sm2_public_key(self.raw)
            except gmssl_pyx.GmsslInnerError as exc:
                raise InvalidKey() from exc

    @property
    def key_id(self) -> str:
        """SM3 of the raw public key bytes, lower-case hex."""
        return sm3_hex(self.raw)

    def to_text(self) -> str:
        """``gm:04…`` or ``intl:…``: the suite, a colon, the raw key in hex."""
        return f"{self.suite.value}:{self.raw.hex()}"

    @classmethod
    def from_text(cls, text: str) -> PublicKey:
        """Parse :meth:`to_text` output; raises :class:`InvalidKey` on anything else."""
        suite_name, _, hex_key = text.strip().partition(":")
        try:
            return cls(Suite(suite_name), bytes.fromhex(hex_key))
        except ValueError as exc:
            raise InvalidKey() from exc


@dataclass(frozen=True, slots=True)
class PrivateKey:
    """A private key (私钥) with its public key. ``repr`` never shows the secret."""

    suite: Suite
    raw: bytes = field(repr=False)
    public: PublicKey

    def __post_init__(self) -> None:
        if len(self.raw) != _PRIVATE_SIZE[self.suite] or self.public.suite is not self.suite:
            raise InvalidKey()


def generate_key(suite: Suite = Suite.GM) -> PrivateKey:
    """A fresh key pair from the operating system's random source."""
    if suite is Suite.GM:
        public, private = gmssl_pyx.sm2_key_generate()
        return PrivateKey(suite, private, PublicKey(suite, b"\x04" + public))
    ed, xk = Ed25519PrivateKey.generate(), X25519PrivateKey.generate()
    raw = ed.private_bytes(_RAW, _RAW_PRIV, serialization.NoEncryption()) + xk.private_bytes(
        _RAW, _RAW_PRIV, serialization.NoEncryption()
    )
    return private_key_from_bytes(suite, raw)


def private_key_from_bytes(suite: Suite, raw: bytes, *, public: PublicKey | None = None) -> PrivateKey:
    """Rebuild a private key; for SM2 the public key must be given and is checked against it.

    Raises :class:`InvalidKey` when the bytes are not a key or do not match ``public``.
    """
    if suite is Suite.INTL:
        if len(raw) != 64:
            raise InvalidKey()
        ed = Ed25519PrivateKey.from_private_bytes(raw[:32])
        xk = X25519PrivateKey.from_private_bytes(raw[32:])
        derived = PublicKey(
            suite, ed.public_key().public_bytes(_RAW, _RAW_PUB) + xk.public_key().public_bytes(_RAW, _RAW_PUB)
        )
        if public is not None and not hmac.compare_digest(public.raw, derived.raw):
            raise InvalidKey()
        return PrivateKey(suite, raw, derived)
    if public is None:
        raise InvalidKey("An SM2 private key needs its public key.")
    key = PrivateKey(suite, raw, public)
    probe = b"fairbid key check"
    verify_signature(public, probe, sign(key, probe), error=InvalidKey)
    return key


def sign(key: PrivateKey, message: bytes) -> bytes:
    """Sign ``message``: SM3withSM2 (DER r, s) or Ed25519 (64 bytes); the nonce is drawn inside."""
    if key.suite is Suite.GM:
        try:
            return bytes(gmssl_pyx.sm2_sign(key.raw, key.public.raw[1:], message, SM2_SIGNER_ID))
        except gmssl_pyx.GmsslInnerError as exc:
            raise InvalidKey() from exc
    return Ed25519PrivateKey.from_private_bytes(key.raw[:32]).sign(message)


def verify_signature(
    public: PublicKey,
    message: bytes,
    signature: bytes,
    *,
    error: type[InvalidSignature] | type[InvalidKey] = InvalidSignature,
) -> None:
    """Return quietly if ``signature`` is valid for ``message``, else raise (InvalidSignature by default)."""
    if public.suite is Suite.GM:
        try:
            ok = gmssl_pyx.sm2_verify(public.raw[1:], message, signature, SM2_SIGNER_ID)
        except gmssl_pyx.GmsslInnerError:
            ok = False
        if not ok:
            raise error()
        return
    try:
        Ed25519PublicKey.from_public_bytes(public.raw[:32]).verify(signature, message)
    except (_PycaInvalidSignature, ValueError) as exc:
        raise error() from exc


def _x25519_kek(shared: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=ephemeral + recipient, info=_WRAP_INFO)
    return hkdf.derive(shared)


def wrap_key(public: PublicKey, content_key: bytes) -> bytes:
    """Encrypt a content key to ``public`` (数字信封): SM2 in GM/T 0009 DER, or X25519 + AES-256-GCM."""
    if not 1 <= len(content_key) <= 64:
        raise ValueError("a content key is 1 to 64 bytes")
    if public.suite is Suite.GM:
        return bytes(gmssl_pyx.sm2_encrypt(public.raw[1:], content_key))
    ephemeral = X25519PrivateKey.generate()
    eph_pub = ephemeral.public_key().public_bytes(_RAW, _RAW_PUB)
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(public.raw[32:]))
    kek = _x25519_kek(shared, eph_pub, public.raw[32:])
    # The KEK is used once, so a zero nonce is safe.
    return eph_pub + AESGCM(kek).encrypt(bytes(12), content_key, None)


def unwrap_key(key: PrivateKey, wrapped: bytes) -> bytes:
    """Decrypt a wrapped content key; raises :class:`InvalidKey` if it does not open with ``key``."""
    if key.suite is Suite.GM:
        decode_sm2_cipher(wrapped, error=InvalidKey)  # one encoding only: strict GM/T 0009 DER
        try:
            return bytes(gmssl_pyx.sm2_decrypt(key.raw, wrapped))
        except gmssl_pyx.GmsslInnerError as exc:
            raise InvalidKey() from exc
    if len(wrapped) < 32 + 16 + 1:
        raise InvalidKey()
    xk = X25519PrivateKey.from_private_bytes(key.raw[32:])
    try:
        shared = xk.exchange(X25519PublicKey.from_public_bytes(wrapped[:32]))
        kek = _x25519_kek(shared, wrapped[:32], key.public.raw[32:])
        return AESGCM(kek).decrypt(bytes(12), wrapped[32:], None)
    except (InvalidTag, ValueError) as exc:
        raise InvalidKey() from exc


def random_bytes(size: int) -> bytes:
    """``size`` bytes from the operating system's random source."""
    return os.urandom(size)
