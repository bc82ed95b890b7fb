"""The platform's signed receipt for a submitted bid (投标回执).

JSON form, as the API returns it::

    {"receipt": {"section_id": "…", "bidder_id": "…", "envelope_sm3": "<hex>",
                 "server_time": "2026-11-27T05:59:59.999Z", "entry_commitment": "<hex>"},
     "signature": "<hex>", "platform_key_id": "<hex>", "suite": "gm"}

The signature is over the canonical JSON of ``{"type": "fairbid-receipt/2", **receipt}``. ``server_time`` is
when the envelope's last byte reached the server (电子招标投标办法 第二十七条). ``entry_commitment`` commits to the
ledger entry of the submission without its position: before the opening that entry is kept out of the ledger, so
neither the receipt nor any signed head counts the bids (招标投标法 第二十二条); after the opening, the entry
with that commitment and its inclusion proof are public (``GET /api/ledger/commitments/{commitment}``), as a
Certificate Transparency SCT promises inclusion and the proof follows.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fairbid.crypto.digest import canonical_json
from fairbid.crypto.frame import format_time, parse_time
from fairbid.crypto.key import PrivateKey, PublicKey, Suite, sign, verify_signature
from fairbid.domain.errors import InvalidSignature

__all__ = ["ReceiptFields", "SignedReceipt", "sign_receipt", "verify_receipt"]

_HEX64 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True, slots=True)
class ReceiptFields:
    """What the platform attests: this envelope, for this section and bidder, whole at this server time."""

    section_id: str
    bidder_id: str
    envelope_sm3: str
    server_time: datetime
    entry_commitment: str

    def to_dict(self) -> dict[str, Any]:
        """JSON types; the time as UTC with milliseconds."""
        return {
            "section_id": self.section_id,
            "bidder_id": self.bidder_id,
            "envelope_sm3": self.envelope_sm3,
            "server_time": format_time(self.server_time),
            "entry_commitment": self.entry_commitment,
        }

    @classmethod
    def from_dict(cls, value: Any) -> ReceiptFields:
        """Parse :meth:`to_dict` output; raises ``ValueError`` on anything else."""
        if not isinstance(value, dict) or set(value) != {
            "section_id",
            "bidder_id",
            "envelope_sm3",
            "server_time",
            "entry_commitment",
        }:
            raise ValueError("receipt fields are missing or unknown")
        section, bidder, digest, commitment = (
            value["section_id"],
            value["bidder_id"],
            value["envelope_sm3"],
            value["entry_commitment"],
        )
        if not (isinstance(section, str) and isinstance(bidder, str) and isinstance(digest, str)):
            raise ValueError("receipt texts must be strings")
        if not _HEX64.match(digest):
            raise ValueError("envelope_sm3 must be 64 lower-case hex digits")
        if not isinstance(commitment, str) or not _HEX64.match(commitment):
            raise ValueError("entry_commitment must be 64 lower-case hex digits")
        server_time = value["server_time"]
        if not isinstance(server_time, str):
            raise ValueError("server_time must be a string")
        return cls(section, bidder, digest, parse_time(server_time), commitment)

    def message(self) -> bytes:
        """The bytes the platform signs."""
        return canonical_json({"type": "fairbid-receipt/2", **self.to_dict()})


@dataclass(frozen=True, slots=True)
class SignedReceipt:
    """Receipt fields with the platform's signature and key ID."""

    fields: ReceiptFields
    signature: bytes
    platform_key_id: str
    suite: Suite

    def to_json(self) -> dict[str, Any]:
        """The JSON object the API returns."""
        return {
            "receipt": self.fields.to_dict(),
            "signature": self.signature.hex(),
            "platform_key_id": self.platform_key_id,
            "suite": self.suite.value,
        }

    @classmethod
    def from_json(cls, value: Any) -> SignedReceipt:
        """Parse :meth:`to_json` output (``suite`` defaults to gm); raises ``ValueError`` on anything else."""
        if not isinstance(value, dict):
            raise ValueError("a receipt is a JSON object")
        signature, key_id = value.get("signature"), value.get("platform_key_id")
        if not isinstance(signature, str) or not isinstance(key_id, str) or not _HEX64.match(key_id):
            raise ValueError("signature and platform_key_id must be hex strings")
        return cls(
            ReceiptFields.from_dict(value.get("receipt")),
            bytes.fromhex(signature),
            key_id,
            Suite(value.get("suite", Suite.GM.value)),
        )


def sign_receipt(platform_key: PrivateKey, fields: ReceiptFields) -> SignedReceipt:
    """Sign a receipt with the platform's key."""
    return SignedReceipt(fields, sign(platform_key, fields.message()), platform_key.public.key_id, platform_key.suite)


def verify_receipt(platform_public_key: PublicKey, receipt: SignedReceipt) -> None:
    """Return quietly if the platform signed this receipt with this key; else raise ``InvalidSignature``."""
    if receipt.suite is not platform_public_key.suite or not hmac.compare_digest(
        receipt.platform_key_id, platform_public_key.key_id
    ):
        raise InvalidSignature()
    verify_signature(platform_public_key, receipt.fields.message(), receipt.signature)
