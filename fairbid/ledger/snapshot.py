"""What the ledger tracks of each subject, and the subjects themselves.

An entry's ``subject_digest`` is the SM3 of its subject's snapshot right after the change it records;
``fairbid ledger verify`` recomputes each snapshot from the stored rows, so a row edited behind the platform's
back no longer matches the entry that last vouched for it. One function per tracked subject, here only.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from fairbid.crypto.digest import canonical_json, sm3_hex
from fairbid.domain.bid import Bid
from fairbid.domain.section import Section

__all__ = [
    "ObjectionFacts",
    "SubjectType",
    "bid_snapshot",
    "candidate_snapshot",
    "collusion_warning_snapshot",
    "objection_snapshot",
    "review_snapshot",
    "score_sheet_snapshot",
    "section_snapshot",
]


class SubjectType(StrEnum):
    """What a ledger entry is about (its ``subject_type``)."""

    ORGANISATION = "organisation"
    USER = "user"
    BIDDER_KEY = "bidder_key"
    EXPERT_KEY = "expert_key"
    PROJECT = "project"
    SECTION = "section"
    BID = "bid"
    OPENING_RECORD = "opening_record"
    EXPERT_POOL = "expert_pool"
    EXPERT = "expert"
    VENUE = "venue"
    COMMITTEE = "committee"
    SCORE_SHEET = "score_sheet"  # by seat, ``<section>:<seat>``, never by expert (法 第三十七条)
    EVALUATION_REPORT = "evaluation_report"
    CANDIDATE = "candidate"  # ``<section>:<rank>``
    OBJECTION = "objection"
    COLLUSION_WARNING = "collusion_warning"


def section_snapshot(s: Section) -> dict[str, Any]:
    return {
        "id": s.id,
        "code": s.code,
        "status": s.status.value,
        "estimated_price": str(s.estimated_price),
        "ceiling_price": str(s.ceiling_price),
        "sale_start": s.schedule.sale_start.isoformat(),
        "sale_end": s.schedule.sale_end.isoformat(),
        "bid_deadline": s.schedule.bid_deadline.isoformat(),
        "decryption_minutes": s.schedule.decryption_minutes,
        "publicity_days": s.schedule.publicity_days,
        "seed_commitment": s.seed_commitment,
        "beacon": s.beacon,
        "document_digest": s.document_digest,
        # who may act on it and what the public was told: changed behind the platform's back, caught
        "tenderee_id": s.tenderee_id,
        "agency_id": s.agency_id,
        "state_funded": s.state_funded,
        "publicity_ends": None if s.publicity_ends is None else s.publicity_ends.isoformat(),
        "outcome_reason": s.outcome_reason,
    }


class ObjectionFacts(Protocol):
    """What the ledger tracks of an objection (异议)."""

    @property
    def id(self) -> str: ...
    @property
    def section_id(self) -> str: ...
    @property
    def stage(self) -> str: ...
    @property
    def raised_by(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def answer(self) -> str | None: ...
    @property
    def answered_at(self) -> datetime | None: ...


def objection_snapshot(o: ObjectionFacts) -> dict[str, Any]:
    return {
        "id": o.id,
        "section_id": o.section_id,
        "stage": o.stage,
        "raised_by": o.raised_by,
        "text": o.text,
        "answer": o.answer,
        "answered_at": None if o.answered_at is None else o.answered_at.isoformat(),
    }


def score_sheet_snapshot(bids: Mapping[str, Any]) -> dict[str, Any]:
    """A member's whole sheet (every bid's scores, 条例 第四十九条), as stored."""
    return {"sheet_sm3": sm3_hex(canonical_json(dict(bids)))}


def review_snapshot(reviews: Mapping[str, Any]) -> dict[str, Any]:
    """The machine review of every bid with the members' verdicts (条例 第五十一条): a flipped verdict changes
    which bids are valid."""
    return {"reviews_sm3": sm3_hex(canonical_json(dict(reviews)))}


def collusion_warning_snapshot(payload: Mapping[str, Any]) -> dict[str, Any]:
    return {"warning_sm3": sm3_hex(canonical_json(dict(payload)))}


def bid_snapshot(b: Bid) -> dict[str, Any]:
    return {
        "id": b.id,
        "section_id": b.section_id,
        "bidder_id": b.bidder_id,
        "envelope_digest": b.envelope_digest,
        "envelope_size": b.envelope_size,
        "status": b.status.value,
        "revision": b.revision,
        "price": None if b.data is None else str(b.data.price),
        "duration_days": None if b.data is None else b.data.duration_days,
        "quality": None if b.data is None else b.data.quality,
        "project_manager_id": None if b.data is None else b.data.project_manager_id,
        "reject_reason": b.reject_reason,
    }


def candidate_snapshot(rank: int, bid_id: str, bidder_id: str, price: str, awarded: bool) -> dict[str, Any]:
    return {"rank": rank, "bid_id": bid_id, "bidder_id": bidder_id, "price": price, "awarded": awarded}
