"""The sealed terms of a 密文保函 (sealed guarantee): which section and tenderee it covers, hidden until the opening.

A bidder asking for a sealed guarantee gives the guarantor only ``commitment = SM3(canonical JSON of
{"type": "fairbid-sealed-lot/1", "section_id", "beneficiary", "salt"})`` with a fresh 32-byte salt. The
guarantor signs a guarantee over the commitment and so never learns which section (or tenderee) it covers,
and cannot tell anyone who bids where (招标投标法 第二十二条). The bidder seals the salt inside its bid
envelope; at the opening the platform recomputes the commitment for *this* section's id and tenderee with
the revealed salt, and the guarantee is good for this section only if the two are equal. SM3 is collision
resistant, so the bidder cannot find a second (section, tenderee) that opens the same commitment; the salt
is 256 bits, so the guarantor cannot try the platform's open sections one by one.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass

from fairbid.crypto.digest import canonical_json, sm3_hex
from fairbid.crypto.key import random_bytes
from fairbid.domain.errors import CryptoFailure

__all__ = ["InvalidCommitment", "SealedLot", "lot_commitment", "seal_lot", "verify_lot"]

_HEX64 = re.compile(r"^[0-9a-f]{64}$")


class InvalidCommitment(CryptoFailure):
    """Raised when sealed terms do not open to the section and tenderee they are checked against."""

    code = "invalid-commitment"
    title = "The sealed terms do not open to this section"


@dataclass(frozen=True, slots=True)
class SealedLot:
    """The commitment the guarantor sees, and the salt only the bidder keeps (sealed in its bid)."""

    commitment: str
    salt: str


def lot_commitment(*, section_id: str, beneficiary: str, salt: str) -> str:
    """SM3 (hex) over the canonical JSON of the section id, the beneficiary's credit code and the salt (hex)."""
    if not _HEX64.match(salt):
        raise InvalidCommitment("The salt is 64 lower-case hex digits.")
    return sm3_hex(
        canonical_json(
            {"type": "fairbid-sealed-lot/1", "section_id": section_id, "beneficiary": beneficiary, "salt": salt}
        )
    )


def seal_lot(*, section_id: str, beneficiary: str) -> SealedLot:
    """A fresh commitment to ``(section_id, beneficiary)``; the salt is drawn inside."""
    salt = random_bytes(32).hex()
    return SealedLot(lot_commitment(section_id=section_id, beneficiary=beneficiary, salt=salt), salt)


def verify_lot(commitment: str, *, section_id: str, beneficiary: str, salt: str) -> None:
    """Return quietly if ``commitment`` opens to this section and beneficiary with ``salt``, else raise."""
    expected = lot_commitment(section_id=section_id, beneficiary=beneficiary, salt=salt)
    if not hmac.compare_digest(expected, commitment):
        raise InvalidCommitment()
