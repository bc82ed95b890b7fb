"""Builds sealed envelopes for the crypto tests (small chunks, so a few KiB make several chunks)."""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from datetime import UTC, datetime

from fairbid.crypto.envelope import SealedEnvelope, seal_envelope
from fairbid.crypto.form import BidForm
from fairbid.crypto.key import PrivateKey, Suite, generate_key
from fairbid.crypto.payload import AttachmentSource

NOW = datetime(2026, 11, 27, 5, 59, 59, 123000, tzinfo=UTC)
FINGERPRINT = "ab" * 32
TOOL = "fairbid-bidder/0.1.0"
FORM = BidForm.from_mapping(
    {
        "price": "1234567.89",
        "duration_days": 180,
        "quality": "合格",
        "project_manager_id": "110101199003077777",
        "bid_security_ref": "BG-2026-0001",
        "extra": {"备注": "无"},
    }
)


@dataclass(frozen=True)
class Sealed:
    key: PrivateKey
    data: bytes
    result: SealedEnvelope
    attachments: dict[str, bytes]


def seal(
    *,
    key: PrivateKey | None = None,
    suite: Suite = Suite.GM,
    attachments: dict[str, bytes] | None = None,
    section_id: str = "S-2026-001",
    bidder_id: str = "B-0007",
    chunk_size: int = 4096,
) -> Sealed:
    key = key or generate_key(suite)
    if attachments is None:
        attachments = {"技术标.pdf": os.urandom(9000), "报价清单.xlsx": b"price list " * 500}
    sources = [AttachmentSource(name, io.BytesIO(body), len(body)) for name, body in attachments.items()]
    out = io.BytesIO()
    result = seal_envelope(
        out,
        form=FORM,
        attachments=sources,
        section_id=section_id,
        bidder_id=bidder_id,
        private_key=key,
        now=NOW,
        machine_fingerprint=FINGERPRINT,
        tool_version=TOOL,
        chunk_size=chunk_size,
    )
    return Sealed(key, out.getvalue(), result, attachments)
