"""Candidates and the award."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from fairbid.domain.award import Candidate
from fairbid.store.rows import (
    CandidateRow,
)

__all__ = ["CandidateRepository"]


class CandidateRepository:
    """Ranked winning candidates (中标候选人) and, once awarded, the award."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def replace(self, section_id: str, candidates: Sequence[Candidate]) -> None:
        for old in self.in_section(section_id):
            self.session.delete(old)
        self.session.flush()
        self.session.add_all(
            CandidateRow(
                section_id=section_id,
                rank=c.rank,
                bid_id=c.bid_id,
                bidder_id=c.bidder_id,
                price=c.price,
                awarded_at=None,
            )
            for c in candidates
        )

    def in_section(self, section_id: str) -> list[CandidateRow]:
        stmt = select(CandidateRow).where(CandidateRow.section_id == section_id).order_by(CandidateRow.rank)
        return list(self.session.scalars(stmt))

    def all(self) -> list[CandidateRow]:
        return list(self.session.scalars(select(CandidateRow)))
