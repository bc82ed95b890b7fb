"""Schemas for bids, keys, receipts and decryption."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field

from fairbid.domain.bid import Bid
from fairbid.services.bid import BidView

__all__ = ["BidReceiptOut", "DecryptionIn", "KeyIn", "KeyOut", "MyBidOut", "OpenedBidOut"]


class KeyIn(BaseModel):
    public_key: str = Field(min_length=10, max_length=2000)


class KeyOut(BaseModel):
    key_id: str


class MyBidOut(BaseModel):
    bid_id: str
    section_id: str
    status: str
    revision: int
    envelope_digest: str
    submitted_at: datetime

    @classmethod
    def of(cls, v: BidView) -> MyBidOut:
        return cls(
            bid_id=v.bid_id,
            section_id=v.section_id,
            status=v.status,
            revision=v.revision,
            envelope_digest=v.envelope_digest,
            submitted_at=v.submitted_at,
        )


class BidReceiptOut(BaseModel):
    """The platform-signed receipt (digest, time of the last byte, entry commitment) and the bid's status."""

    receipt: dict[str, Any]
    signature: str
    platform_key_id: str
    suite: str
    bid: MyBidOut
    ledger: dict[str, Any] | None = Field(
        default=None,
        description="The receipted entry's commitment and the newest signed tree head. The entry joins the ledger "
        "at the opening; then GET /api/ledger/commitments/{entry_commitment} gives it with its inclusion proof.",
    )


class DecryptionIn(BaseModel):
    content_key: str = Field(
        pattern=r"^[0-9a-fA-F]{32,128}$", description="hex content key from `fairbid bidder decrypt`"
    )


class OpenedBidOut(BaseModel):
    bid_id: str
    bidder_id: str
    status: str
    price: Decimal | None
    duration_days: int | None
    quality: str | None
    decrypted_at: datetime | None
    reject_reason: str | None

    @classmethod
    def of(cls, b: Bid) -> OpenedBidOut:
        return cls(
            bid_id=b.id,
            bidder_id=b.bidder_id,
            status=b.status.value,
            price=None if b.data is None else b.data.price,
            duration_days=None if b.data is None else b.data.duration_days,
            quality=None if b.data is None else b.data.quality,
            decrypted_at=b.decrypted_at,
            reject_reason=b.reject_reason,
        )
