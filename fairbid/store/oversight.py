"""Collusion warnings (围标串标预警) and what the collusion screen reads: bid authoring facts, committee seats.

Rows stay here; the services get plain values. Warnings of the evaluation (``source="evaluation"``) are the
evaluation store's business; this module only touches ``source="collusion"`` rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fairbid.domain.records import CollusionWarningRecord
from fairbid.store.rows import (
    WarningRow,
)

__all__ = ["COLLUSION_SOURCE", "CollusionWarningRepository"]


COLLUSION_SOURCE = "collusion"

COMMITTEE_AND_SUPERVISOR = "committee+supervisor"


def _stored(row: WarningRow) -> CollusionWarningRecord:
    return CollusionWarningRecord(
        id=row.id,
        section_id=row.section_id,
        code=row.code,
        audience=row.audience,
        payload=dict(row.payload),
        created_at=row.created_at,
        resolved_at=row.resolved_at,
    )


class CollusionWarningRepository:
    """Collusion warnings (围标串标预警) raised at the opening."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def for_section(self, section_id: str) -> list[CollusionWarningRecord]:
        stmt = (
            select(WarningRow)
            .where(WarningRow.section_id == section_id, WarningRow.source == COLLUSION_SOURCE)
            .order_by(WarningRow.created_at, WarningRow.code, WarningRow.id)
        )
        return [_stored(r) for r in self._s.scalars(stmt)]

    def all(self) -> list[CollusionWarningRecord]:
        stmt = (
            select(WarningRow)
            .where(WarningRow.source == COLLUSION_SOURCE)
            .order_by(WarningRow.section_id, WarningRow.created_at, WarningRow.code, WarningRow.id)
        )
        return [_stored(r) for r in self._s.scalars(stmt)]

    def known_ids(self, section_id: str) -> set[str]:
        stmt = select(WarningRow.id).where(WarningRow.section_id == section_id, WarningRow.source == COLLUSION_SOURCE)
        return set(self._s.scalars(stmt))

    def add(self, warning_id: str, section_id: str, code: str, payload: dict[str, Any], *, now: datetime) -> None:
        self._s.add(
            WarningRow(
                id=warning_id,
                section_id=section_id,
                source=COLLUSION_SOURCE,
                code=code,
                audience=COMMITTEE_AND_SUPERVISOR,
                payload=payload,
                created_at=now,
                resolved_at=None,
                resolution=None,
            )
        )
