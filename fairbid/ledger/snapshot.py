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
from fairbid.domain.evaluation.codec import committee_to_json, sheet_bids_to_json
from fairbid.domain.evaluation.committee import Committee, MemberSheet, RaisedWarning
from fairbid.domain.section import Section
from fairbid.domain.terms import TenderTerms, terms_to_json

__all__ = [
    "ObjectionFacts",
    "SubjectType",
    "bid_snapshot",
    "candidate_snapshot",
    "collusion_warning_snapshot",
    "committee_snapshot",
    "objection_snapshot",
    "score_sheet_snapshot",
    "score_warning_snapshot",
    "section_snapshot",
    "terms_digest",
    "terms_snapshot",
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
    CANDIDATE = "candidate"  # ``<section>:<rank>``
    OBJECTION = "objection"
    COLLUSION_WARNING = "collusion_warning"
    TERMS = "terms"  # the executable terms pinned at publication, by section
    SCORE_WARNING = "score_warning"  # by the warning's id


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
        "terms_digest": s.terms_digest,
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


def score_sheet_snapshot(sheet: MemberSheet) -> dict[str, Any]:
    """A member's whole sheet (every bid's scores, 条例 第四十九条), with its revision."""
    return {
        "sheet_sm3": sm3_hex(canonical_json(sheet_bids_to_json(sheet))),
        "revision": sheet.revision,
        "revision_reason": sheet.revision_reason,
    }


def committee_snapshot(committee: Committee) -> dict[str, Any]:
    """The whole committee: the draw, the representatives, the machine's review with the members' verdicts, the
    outcome and the report (a flipped verdict or an edited total would change who is valid or who wins)."""
    return {"committee_sm3": sm3_hex(canonical_json(committee_to_json(committee)))}


def score_warning_snapshot(raised: RaisedWarning) -> dict[str, Any]:
    """A warning on the members' scores and every answer to it (1117号 (五))."""
    w = raised.warning
    answers = [[a.expert_id, a.revised, a.reason, a.at.isoformat()] for a in raised.answers]
    return {"warning": w.warning_id, "answers_sm3": sm3_hex(canonical_json(answers))}


def terms_snapshot(terms: TenderTerms) -> dict[str, Any]:
    """The executable terms a publication pins (评标办法固化): their SM3, the section's ``terms_digest``."""
    return {"terms_sm3": terms_digest(terms)}


def terms_digest(terms: TenderTerms) -> str:
    """SM3 of the terms' canonical JSON (``fairbid-terms/1``)."""
    return sm3_hex(canonical_json(terms_to_json(terms)))


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
