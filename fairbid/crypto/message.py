"""Signed, encrypted messages between the platform and a guarantor (电子保函接口报文), GM suite only.

One message is a JSON object of five strings::

    {"data": "<base64>", "encrypt": "<base64>", "nonceStr": "<32 letters/digits>",
     "timeStamp": "<milliseconds since 1970-01-01T00:00:00Z>", "sign": "<base64>"}

- ``encrypt``: a fresh 16-byte SM4 key, SM2-encrypted to the receiver's public key (GM/T 0009 DER
  ``SM2Cipher``, as :func:`fairbid.crypto.key.wrap_key` makes it) — the digital envelope (数字信封);
- ``data``: the payload's canonical JSON (UTF-8, sorted keys) under SM4-GCM with that key, a zero 12-byte
  nonce (the key is used once) and the associated data ``nonceStr|timeStamp``; ciphertext then 16-byte tag.
  So ``data`` is "SM2-encrypted to the receiver" in the hybrid sense: SM2 alone takes only short inputs;
- ``sign``: the sender's SM2 signature (SM3withSM2, signer ID ``1234567812345678``, DER ``r, s``) over the
  32-byte SM3 digest of the key-sorted values ``data=…&encrypt=…&nonceStr=…&timeStamp=…`` (keys in ASCII
  order; no value can hold ``&`` because each is base64, letters/digits or digits).

:func:`open_message` checks, in this order, and stops at the first failure: the shape of every field
(:class:`InvalidEnvelope`), the time window ``|now − timeStamp| ≤ window`` (:class:`StaleMessage`), the
signature under the sender's key (:class:`InvalidSignature`), the key unwrap with the receiver's key
(:class:`InvalidKey`), the SM4-GCM tag and JSON (:class:`InvalidEnvelope`), and last the nonce, which a
:class:`NonceStore` remembers until the window has passed (:class:`ReplayedMessage`). A message that fails
any check leaves nothing behind: a forged message cannot use up a genuine nonce.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from fairbid.crypto.digest import canonical_json, sm3
from fairbid.crypto.key import PrivateKey, PublicKey, Suite, random_bytes, sign, unwrap_key, verify_signature, wrap_key
from fairbid.domain.errors import CryptoFailure, InvalidEnvelope, InvalidKey

__all__ = [
    "DEFAULT_WINDOW",
    "FIELDS",
    "MemoryNonceStore",
    "NonceStore",
    "ReplayedMessage",
    "SignedMessage",
    "StaleMessage",
    "open_message",
    "seal_message",
    "signed_text",
]

DEFAULT_WINDOW = timedelta(minutes=5)
FIELDS = ("data", "encrypt", "nonceStr", "timeStamp", "sign")
_SIGNED = ("data", "encrypt", "nonceStr", "timeStamp")  # already in ASCII order
_NONCE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
_NONCE = re.compile(r"^[A-Za-z0-9]{16,64}$")
_STAMP = re.compile(r"^[0-9]{13}$")
_B64 = re.compile(r"^[A-Za-z0-9+/]+={0,2}$")
_TAG = 16
_ZERO_NONCE = bytes(12)
_MAX_DATA = 8 * 1024 * 1024  # a guarantee file travels inside a message; anything larger is refused


class StaleMessage(CryptoFailure):
    """Raised when a message's ``timeStamp`` lies outside the accepted window around the receiver's clock."""

    code = "stale-message"
    title = "The message is outside the accepted time window"


class ReplayedMessage(CryptoFailure):
    """Raised when a message's ``nonceStr`` was already accepted from the same sender inside the window."""

    code = "replayed-message"
    title = "The message was already received"


class NonceStore(Protocol):
    """Remembers accepted nonces until they expire (防重放). The store, not the caller, decides atomically."""

    def remember(self, key: str, *, until: datetime, now: datetime) -> bool:
        """Record ``key`` until ``until``; False (and no change) if it is already held and not expired."""
        ...


class MemoryNonceStore:
    """A thread-safe in-memory :class:`NonceStore` for the tests and the guarantor simulator."""

    def __init__(self) -> None:
        self._held: dict[str, datetime] = {}
        self._lock = threading.Lock()

    def remember(self, key: str, *, until: datetime, now: datetime) -> bool:
        """See :meth:`NonceStore.remember`; expired entries are dropped on the way."""
        with self._lock:
            for stale in [k for k, expiry in self._held.items() if expiry <= now]:
                del self._held[stale]
            if key in self._held:
                return False
            self._held[key] = until
            return True

    def __len__(self) -> int:
        return len(self._held)


@dataclass(frozen=True, slots=True)
class SignedMessage:
    """The five wire fields, as strings (``nonce_str`` is ``nonceStr``, ``time_stamp`` is ``timeStamp``)."""

    data: str
    encrypt: str
    nonce_str: str
    time_stamp: str
    sign: str

    def to_json(self) -> dict[str, str]:
        """The JSON object sent on the wire."""
        return {
            "data": self.data,
            "encrypt": self.encrypt,
            "nonceStr": self.nonce_str,
            "timeStamp": self.time_stamp,
            "sign": self.sign,
        }

    @classmethod
    def from_json(cls, value: object) -> SignedMessage:
        """Parse a wire object; raises :class:`InvalidEnvelope` unless it has exactly the five string fields."""
        if not isinstance(value, Mapping) or set(value) != set(FIELDS):
            raise InvalidEnvelope("A message has exactly the fields data, encrypt, nonceStr, timeStamp, sign.")
        if not all(isinstance(value[k], str) for k in FIELDS):
            raise InvalidEnvelope("Every message field is a string.")
        message = cls(value["data"], value["encrypt"], value["nonceStr"], value["timeStamp"], value["sign"])
        message._check_shape()
        return message

    def _check_shape(self) -> None:
        if not (_NONCE.match(self.nonce_str) and _STAMP.match(self.time_stamp)):
            raise InvalidEnvelope("nonceStr is 16–64 letters or digits and timeStamp 13 digits of milliseconds.")
        for text in (self.data, self.encrypt, self.sign):
            if len(text) > _MAX_DATA * 4 // 3 + 4 or not _B64.match(text):
                raise InvalidEnvelope("data, encrypt and sign are standard base64.")

    @property
    def sent_at(self) -> datetime:
        """``timeStamp`` as an aware UTC time."""
        return datetime.fromtimestamp(int(self.time_stamp) / 1000, tz=UTC)


def signed_text(message: SignedMessage) -> bytes:
    """The bytes whose SM3 is signed: ``data=…&encrypt=…&nonceStr=…&timeStamp=…`` in ASCII key order."""
    fields = message.to_json()
    return "&".join(f"{k}={fields[k]}" for k in _SIGNED).encode("ascii")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidEnvelope() from exc


def _stamp(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    millis = round(moment.timestamp() * 1000)
    return f"{millis:013d}"


def _nonce() -> str:
    raw = random_bytes(32)
    return "".join(_NONCE_ALPHABET[b % len(_NONCE_ALPHABET)] for b in raw)  # 62 letters: a tiny bias, unguessable


def _aad(nonce_str: str, time_stamp: str) -> bytes:
    return f"{nonce_str}|{time_stamp}".encode("ascii")


def _require_gm(*keys: PublicKey) -> None:
    if any(k.suite is not Suite.GM for k in keys):
        raise InvalidKey("The guarantee interface uses SM2 keys only.")


def seal_message(
    payload: Mapping[str, Any], *, sender: PrivateKey, receiver: PublicKey, now: datetime
) -> SignedMessage:
    """Encrypt ``payload`` to ``receiver`` and sign it with ``sender``'s key, stamped ``now``.

    Example::

        msg = seal_message({"type": "apply", ...}, sender=platform_key, receiver=guarantor_public, now=now)
        httpx.post(url, json=msg.to_json())
    """
    _require_gm(sender.public, receiver)
    plain = canonical_json(dict(payload))
    if len(plain) > _MAX_DATA:
        raise ValueError("a message payload is at most 8 MiB")
    nonce_str, time_stamp = _nonce(), _stamp(now)
    content_key = random_bytes(16)
    encryptor = Cipher(algorithms.SM4(content_key), modes.GCM(_ZERO_NONCE)).encryptor()
    encryptor.authenticate_additional_data(_aad(nonce_str, time_stamp))
    sealed = encryptor.update(plain) + encryptor.finalize() + encryptor.tag
    unsigned = SignedMessage(_b64(sealed), _b64(wrap_key(receiver, content_key)), nonce_str, time_stamp, "")
    signature = sign(sender, sm3(signed_text(unsigned)))
    return SignedMessage(unsigned.data, unsigned.encrypt, nonce_str, time_stamp, _b64(signature))


def open_message(
    message: SignedMessage | Mapping[str, Any],
    *,
    sender: PublicKey,
    receiver: PrivateKey,
    nonces: NonceStore,
    now: datetime,
    window: timedelta = DEFAULT_WINDOW,
) -> dict[str, Any]:
    """Verify and decrypt a message from ``sender``; the payload, or raise (see the module docstring)."""
    _require_gm(sender, receiver.public)
    msg = message if isinstance(message, SignedMessage) else SignedMessage.from_json(message)
    msg._check_shape()
    sent_at = msg.sent_at
    if abs(now - sent_at) > window:
        raise StaleMessage()
    verify_signature(sender, sm3(signed_text(msg)), _unb64(msg.sign))
    content_key = unwrap_key(receiver, _unb64(msg.encrypt))
    if len(content_key) != 16:
        raise InvalidEnvelope()
    sealed = _unb64(msg.data)
    if len(sealed) < _TAG:
        raise InvalidEnvelope()
    decryptor = Cipher(algorithms.SM4(content_key), modes.GCM(_ZERO_NONCE, sealed[-_TAG:])).decryptor()
    decryptor.authenticate_additional_data(_aad(msg.nonce_str, msg.time_stamp))
    try:
        plain = decryptor.update(sealed[:-_TAG]) + decryptor.finalize()
    except InvalidTag as exc:
        raise InvalidEnvelope() from exc
    try:
        payload = json.loads(plain.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise InvalidEnvelope() from exc
    if not isinstance(payload, dict):
        raise InvalidEnvelope()
    if not nonces.remember(f"{sender.key_id}:{msg.nonce_str}", until=sent_at + window, now=now):
        raise ReplayedMessage()
    return payload
