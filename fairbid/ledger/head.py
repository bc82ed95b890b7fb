"""Signed tree heads: the platform's signed statement "the ledger had this many entries and this root".

The signed message mirrors RFC 9162's ``TreeHeadDataV2`` (§4.10) with a domain-separation prefix so the
platform key can never be tricked into signing a head that reads as something else::

    b"fairbid/tree-head/v1\\x00" ‖ uint64 timestamp_ms ‖ uint64 tree_size ‖ uint8 32 ‖ root_hash ‖ uint16 0

(big-endian; the trailing zero is the empty extension list). Heads are published on the public page and
copied into every receipt; a bidder who kept one can later demand a consistency proof from it.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from fairbid.crypto.digest import SM3_SIZE
from fairbid.crypto.key import PrivateKey, PublicKey, sign, verify_signature
from fairbid.domain.errors import InvalidInput

__all__ = [
    "HEAD_PREFIX",
    "HeadSigner",
    "HeadVerifier",
    "KeyHeadSigner",
    "KeyHeadVerifier",
    "SignedTreeHead",
    "sign_tree_head",
    "tree_head_message",
    "verify_tree_head",
]

HEAD_PREFIX = b"fairbid/tree-head/v1\x00"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class HeadVerifier(Protocol):
    """Checks the platform's signature over a tree head (the public half of the platform key)."""

    def verify(self, message: bytes, signature: bytes) -> None:
        """Return if ``signature`` is the platform's over ``message``; raise ``InvalidSignature`` if not."""
        ...


class HeadSigner(HeadVerifier, Protocol):
    """Signs tree heads with the platform key (SM2 from ``fairbid.crypto`` in production)."""

    def sign(self, message: bytes) -> bytes:
        """The platform's signature over ``message``."""
        ...


class KeyHeadVerifier:
    """``HeadVerifier`` over a public key from ``fairbid.crypto.key`` (SM2 or Ed25519 by its suite)."""

    def __init__(self, public: PublicKey) -> None:
        self.public = public

    def verify(self, message: bytes, signature: bytes) -> None:
        verify_signature(self.public, message, signature)


class KeyHeadSigner(KeyHeadVerifier):
    """``HeadSigner`` over the platform's private key from ``fairbid.crypto.key``."""

    def __init__(self, key: PrivateKey) -> None:
        super().__init__(key.public)
        self._key = key

    def sign(self, message: bytes) -> bytes:
        return sign(self._key, message)


@dataclass(frozen=True, slots=True)
class SignedTreeHead:
    """A tree size and root hash at a moment, signed by the platform."""

    tree_size: int
    root_hash: bytes
    timestamp_ms: int
    signature: bytes

    @property
    def timestamp(self) -> datetime:
        """The head's time, aware UTC."""
        return _EPOCH + timedelta(milliseconds=self.timestamp_ms)

    def message(self) -> bytes:
        """The bytes the signature covers."""
        return tree_head_message(self.tree_size, self.root_hash, self.timestamp_ms)

    def to_json(self) -> dict[str, Any]:
        """The head as it appears in exports, receipts and on the public page."""
        return {
            "tree_size": self.tree_size,
            "root_hash": self.root_hash.hex(),
            "timestamp_ms": self.timestamp_ms,
            "signature": self.signature.hex(),
        }

    @classmethod
    def from_json(cls, value: Any) -> SignedTreeHead:
        """Parse ``to_json`` output; raise ``InvalidInput`` on anything malformed."""
        try:
            head = cls(
                tree_size=_non_negative(value["tree_size"]),
                root_hash=bytes.fromhex(value["root_hash"]),
                timestamp_ms=_non_negative(value["timestamp_ms"]),
                signature=bytes.fromhex(value["signature"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidInput(f"malformed tree head: {exc}") from exc
        if len(head.root_hash) != SM3_SIZE:
            raise InvalidInput("malformed tree head: the root hash is not 32 bytes")
        return head


def tree_head_message(tree_size: int, root_hash: bytes, timestamp_ms: int) -> bytes:
    """The exact bytes a tree head signature covers."""
    if len(root_hash) != SM3_SIZE:
        raise ValueError("a root hash is 32 bytes")
    return HEAD_PREFIX + struct.pack(">QQB", timestamp_ms, tree_size, SM3_SIZE) + root_hash + b"\x00\x00"


def sign_tree_head(tree_size: int, root_hash: bytes, *, now: datetime, signer: HeadSigner) -> SignedTreeHead:
    """Sign the head of a tree of ``tree_size`` leaves with root ``root_hash`` at ``now`` (aware)."""
    if now.tzinfo is None:
        raise ValueError("a tree head's time must be timezone-aware")
    timestamp_ms = (now - _EPOCH) // timedelta(milliseconds=1)
    signature = signer.sign(tree_head_message(tree_size, root_hash, timestamp_ms))
    return SignedTreeHead(tree_size, root_hash, timestamp_ms, signature)


def verify_tree_head(head: SignedTreeHead, verifier: HeadVerifier) -> None:
    """Raise ``InvalidSignature`` unless the platform signed ``head``."""
    verifier.verify(head.message(), head.signature)


def _non_negative(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{value!r} is not a non-negative integer")
    return value
