"""SM3 digests (GB/T 32905-2016) and the canonical JSON that digests are taken over."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from cryptography.hazmat.primitives import hashes

__all__ = ["SM3_SIZE", "canonical_json", "sm3", "sm3_hasher", "sm3_hex", "sm3_stream"]

SM3_SIZE = 32


def sm3(data: bytes) -> bytes:
    """The SM3 digest of ``data``."""
    h = hashes.Hash(hashes.SM3())
    h.update(data)
    return h.finalize()


def sm3_hasher() -> hashes.Hash:
    """An incremental SM3 hasher: ``update(chunk)`` repeatedly, then ``finalize()``."""
    return hashes.Hash(hashes.SM3())


def sm3_hex(data: bytes) -> str:
    """The SM3 digest of ``data``, lower-case hex."""
    return sm3(data).hex()


def sm3_stream(chunks: Iterable[bytes]) -> bytes:
    """The SM3 digest over a stream of chunks, never holding more than one chunk."""
    h = hashes.Hash(hashes.SM3())
    for chunk in chunks:
        h.update(chunk)
    return h.finalize()


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    raise TypeError(f"cannot put {type(value).__name__} into canonical JSON")


def canonical_json(value: Any) -> bytes:
    """UTF-8 JSON with sorted keys and no spaces, so the same value always gives the same bytes.

    Decimals and datetimes become strings, bytes become hex.
    """
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default).encode(
        "utf-8"
    )
