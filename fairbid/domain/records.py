"""Stored records of the award and disputes contexts (candidates, objections), as the services read them.

The award and disputes domains (定标, 异议, 投诉) are being built out; their rules will own these types.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

__all__ = ["CandidateRecord", "CollusionWarningRecord", "ObjectionRecord"]


@dataclass(frozen=True, slots=True)
class CandidateRecord:
    """A ranked winning candidate (中标候选人) as stored, and when it was awarded, if it was."""

    section_id: str
    rank: int
    bid_id: str
    bidder_id: str
    price: Decimal
    awarded_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ObjectionRecord:
    """An objection (异议) as stored: who raised what at which stage, and the answer once given."""

    id: str
    section_id: str
    stage: str  # opening | publicity
    raised_by: str  # the objecting organisation
    text: str
    raised_at: datetime
    answer: str | None = None
    answered_by: str | None = None  # the answering user
    answered_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class CollusionWarningRecord:
    """A collusion warning (围标串标预警) as stored: id, section, code, payload and when it was raised."""

    id: str
    section_id: str
    code: str
    audience: str
    payload: Mapping[str, Any]
    created_at: datetime
    resolved_at: datetime | None = None
