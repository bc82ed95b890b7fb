"""Objections (异议) at the opening and during the candidates' publicity, over the ``objections`` table.

Rows stay here; the services get plain values."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from fairbid.domain.records import ObjectionRecord
from fairbid.store.rows import (
    ObjectionRow,
)

__all__ = ["ObjectionRepository"]


def _stored(row: ObjectionRow) -> ObjectionRecord:
    return ObjectionRecord(
        id=row.id,
        section_id=row.section_id,
        stage=row.stage,
        raised_by=row.raised_by,
        text=row.text,
        raised_at=row.raised_at,
        answer=row.answer,
        answered_by=row.answered_by,
        answered_at=row.answered_at,
    )


class ObjectionRepository:
    """Add, answer and list objections; an answer is written once."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, objection: ObjectionRecord) -> None:
        self.session.add(
            ObjectionRow(
                id=objection.id,
                section_id=objection.section_id,
                stage=objection.stage,
                raised_by=objection.raised_by,
                text=objection.text,
                raised_at=objection.raised_at,
            )
        )
        self.session.flush()

    def get(self, objection_id: str) -> ObjectionRecord | None:
        row = self.session.get(ObjectionRow, objection_id)
        return None if row is None else _stored(row)

    def answer(self, objection_id: str, *, answer: str, answered_by: str, now: datetime) -> ObjectionRecord:
        """Write the answer; the caller has checked that there was none."""
        row = self.session.get(ObjectionRow, objection_id)
        if row is None:
            raise LookupError(objection_id)
        row.answer, row.answered_by, row.answered_at = answer, answered_by, now
        self.session.flush()
        return _stored(row)

    def in_section(self, section_id: str) -> list[ObjectionRecord]:
        stmt = (
            select(ObjectionRow)
            .where(ObjectionRow.section_id == section_id)
            .order_by(ObjectionRow.raised_at, ObjectionRow.id)
        )
        return [_stored(r) for r in self.session.scalars(stmt)]

    def open_count(self, section_id: str) -> int:
        return sum(1 for o in self.in_section(section_id) if o.answered_at is None)
