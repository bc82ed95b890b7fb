"""The guarantee file (保函文件): a signed JSON letter of guarantee and the two digests that pin it.

The file is UTF-8 JSON::

    {"format": "fairbid-guarantee-letter", "version": 1, "terms": {…}, "guarantor_key_id": "<hex>",
     "signature": "<hex>"}

``signature`` is the guarantor's SM2 signature over the canonical JSON of ``terms``. The guarantor pushes
the file's SM3 and SHA-256 with the ``issue`` message; the bidder seals the SM3 inside its bid; at the opening
the platform recomputes both over the stored file, so a file changed by anyone after issue is caught
(two digests, as the guarantors' interfaces publish both, and a break of one does not suffice).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fairbid.crypto.digest import canonical_json, sm3_hex
from fairbid.crypto.key import PrivateKey, PublicKey, sign, verify_signature
from fairbid.domain.errors import InvalidEnvelope, InvalidSignature

__all__ = ["LetterDigests", "letter_digests", "read_letter", "write_letter"]

_FORMAT = "fairbid-guarantee-letter"


@dataclass(frozen=True, slots=True)
class LetterDigests:
    """The SM3 and SHA-256 of a guarantee file, lower-case hex."""

    sm3: str
    sha256: str


def letter_digests(data: bytes) -> LetterDigests:
    """Both digests of the file's bytes."""
    return LetterDigests(sm3_hex(data), hashlib.sha256(data).hexdigest())


def write_letter(terms: Mapping[str, Any], *, guarantor: PrivateKey) -> bytes:
    """The file's bytes: ``terms`` signed by the guarantor."""
    document = {
        "format": _FORMAT,
        "version": 1,
        "terms": dict(terms),
        "guarantor_key_id": guarantor.public.key_id,
        "signature": sign(guarantor, canonical_json(dict(terms))).hex(),
    }
    return canonical_json(document)


def read_letter(data: bytes, *, guarantor: PublicKey) -> dict[str, Any]:
    """The terms of a file signed by ``guarantor``; raises :class:`InvalidEnvelope` or :class:`InvalidSignature`."""
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise InvalidEnvelope() from exc
    if not isinstance(document, dict) or document.get("format") != _FORMAT or document.get("version") != 1:
        raise InvalidEnvelope()
    terms, key_id, signature = document.get("terms"), document.get("guarantor_key_id"), document.get("signature")
    if not isinstance(terms, dict) or not isinstance(key_id, str) or not isinstance(signature, str):
        raise InvalidEnvelope()
    if not hmac.compare_digest(key_id, guarantor.key_id):
        raise InvalidSignature()
    try:
        raw_signature = bytes.fromhex(signature)
    except ValueError as exc:
        raise InvalidEnvelope() from exc
    verify_signature(guarantor, canonical_json(terms), raw_signature)
    return terms
