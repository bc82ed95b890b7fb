"""Candidates and the award."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from fairbid.domain.award import Candidate
from fairbid.domain.errors import NotFound
from fairbid.domain.records import CandidateRecord
from fairbid.store.rows import (
    CandidateRow,
)

__all__ = ["CandidateRepository"]


class CandidateRepository:
    """Ranked winning candidates (中标候选人) and, once awarded, the award."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def replace(self, section_id: str, candidates: Sequence[Candidate]) -> None:
        for old in self.session.scalars(select(CandidateRow).where(CandidateRow.section_id == section_id)):
            self.session.delete(old)
        self.session.flush()
        self.session.add_all(
            CandidateRow(section_id=section_id, rank=c.rank, bid_id=c.bid_id, bidder_id=c.bidder_id, price=c.price)
            for c in candidates
        )

    def in_section(self, section_id: str) -> list[CandidateRecord]:
        stmt = select(CandidateRow).where(CandidateRow.section_id == section_id).order_by(CandidateRow.rank)
        return [_record(r) for r in self.session.scalars(stmt)]

    def all(self) -> list[CandidateRecord]:
        return [_record(r) for r in self.session.scalars(select(CandidateRow))]

    def mark_awarded(self, section_id: str, rank: int, *, at: datetime) -> CandidateRecord:
        row = self.session.get(CandidateRow, (section_id, rank))
        if row is None:
            raise NotFound(f"Section {section_id} has no candidate ranked {rank}.", field="rank")
        row.awarded_at = at
        return _record(row)


def _record(row: CandidateRow) -> CandidateRecord:
    return CandidateRecord(row.section_id, row.rank, row.bid_id, row.bidder_id, row.price, row.awarded_at)
