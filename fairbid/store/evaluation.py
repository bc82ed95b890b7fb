"""Repositories for committees, score sheets, session actions, warnings and scores.

Rows are translated to the pure domain (``fairbid.domain.expert`` / ``evaluation``) explicitly. JSON
columns hold only JSON-native values: Decimals as strings, datetimes as ISO 8601 (aware UTC)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from fairbid.domain.errors import NotFound
from fairbid.domain.expert import (
    CommitteeDraw,
    DrawnSeat,
    SeatStatus,
    SessionAction,
)
from fairbid.store.expert_pool import iso, parse_iso
from fairbid.store.rows import (
    CommitteeRow,
    ScoreRow,
    ScoreSheetRow,
    SessionActionRow,
    WarningRow,
)

__all__ = [
    "CommitteeRepository",
    "ScoreRepository",
    "SessionRepository",
    "SheetRepository",
    "WarningRepository",
    "draw_from_json",
    "draw_to_json",
]


def _aware(moment: datetime) -> datetime:  # SQLite hands back naive datetimes; the platform stores UTC
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def draw_to_json(draw: CommitteeDraw) -> dict[str, Any]:
    """The draw state as JSON (seats in draw order, rounds, round-0 eligible counts)."""
    return {
        "rounds": draw.rounds,
        "eligible_counts": [list(c) for c in draw.eligible_counts],
        "seats": [
            {
                "expert_id": s.expert_id,
                "venue_id": s.venue_id,
                "specialty": s.specialty,
                "round": s.round,
                "invited_at": iso(s.invited_at),
                "status": s.status.value,
                "answered_at": None if s.answered_at is None else iso(s.answered_at),
                "replaced": s.replaced,
            }
            for s in draw.seats
        ],
    }


def draw_from_json(data: dict[str, Any]) -> CommitteeDraw:
    """The inverse of ``draw_to_json``."""
    return CommitteeDraw(
        seats=tuple(
            DrawnSeat(
                s["expert_id"],
                s["venue_id"],
                s["specialty"],
                int(s["round"]),
                parse_iso(s["invited_at"]),
                SeatStatus(s["status"]),
                None if s["answered_at"] is None else parse_iso(s["answered_at"]),
                bool(s["replaced"]),
            )
            for s in data["seats"]
        ),
        rounds=int(data["rounds"]),
        eligible_counts=tuple((str(v), str(sp), int(n)) for v, sp, n in data["eligible_counts"]),
    )


class CommitteeRepository:
    """One committee per section: ``plan`` holds the evaluation terms, ``draw`` the draw and machine results."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def all_rows(self) -> list[CommitteeRow]:
        return list(self._s.scalars(select(CommitteeRow).order_by(CommitteeRow.section_id)))

    def not_started(self) -> list[CommitteeRow]:
        """Committees whose session has not started yet (the machine starts them when due)."""
        stmt = (
            select(CommitteeRow).where(CommitteeRow.evaluation_started_at.is_(None)).order_by(CommitteeRow.section_id)
        )
        return list(self._s.scalars(stmt))

    def find(self, section_id: str) -> CommitteeRow | None:
        return self._s.get(CommitteeRow, section_id)

    def get(self, section_id: str) -> CommitteeRow:
        row = self.find(section_id)
        if row is None:
            raise NotFound(f"Section {section_id} has no evaluation committee yet.", field="section_id")
        return row

    def add(self, section_id: str, *, plan: dict[str, Any], draw: dict[str, Any], now: datetime) -> CommitteeRow:
        row = CommitteeRow(
            section_id=section_id, plan=plan, draw=draw, created_at=now, updated_at=now, evaluation_started_at=None
        )
        self._s.add(row)
        return row


class SheetRepository:
    """Score sheets: one row per expert and section, ``sheet["bids"][bid_id]`` per bid."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def find(self, section_id: str, expert_id: str) -> ScoreSheetRow | None:
        return self._s.scalars(
            select(ScoreSheetRow).where(ScoreSheetRow.section_id == section_id, ScoreSheetRow.expert_id == expert_id)
        ).first()

    def for_section(self, section_id: str) -> list[ScoreSheetRow]:
        return list(
            self._s.scalars(
                select(ScoreSheetRow).where(ScoreSheetRow.section_id == section_id).order_by(ScoreSheetRow.expert_id)
            )
        )

    def put(
        self, section_id: str, expert_id: str, bids: dict[str, Any], *, at: datetime, revision_reason: str | None
    ) -> ScoreSheetRow:
        row = self.find(section_id, expert_id)
        if row is None:
            row = ScoreSheetRow(
                id=str(uuid.uuid4()),
                section_id=section_id,
                expert_id=expert_id,
                sheet={"bids": bids},
                submitted_at=at,
                revision=0,
                revision_reason=None,
            )
            self._s.add(row)
            return row
        row.sheet = {"bids": bids}
        row.submitted_at = at
        if revision_reason:
            row.revision = (row.revision or 0) + 1
            row.revision_reason = revision_reason
        return row


class SessionRepository:
    """Remote-evaluation session actions: who did what, where, when, on which device."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def add(self, section_id: str, action: SessionAction) -> None:
        self._s.add(
            SessionActionRow(
                id=str(uuid.uuid4()),
                section_id=section_id,
                expert_id=action.expert_id,
                venue_id=action.venue_id,
                action=action.action,
                device=action.device[:120],
                at=action.at,
            )
        )

    def for_section(self, section_id: str) -> list[SessionAction]:
        rows = self._s.scalars(
            select(SessionActionRow)
            .where(SessionActionRow.section_id == section_id)
            .order_by(SessionActionRow.at, SessionActionRow.id)
        )
        return [SessionAction(r.expert_id, r.action, r.venue_id, r.device, _aware(r.at)) for r in rows]


class WarningRepository:
    """Evaluation warnings (source ``evaluation``) and their answers."""

    SOURCE = "evaluation"

    def __init__(self, session: Session) -> None:
        self._s = session

    def for_section(self, section_id: str) -> list[WarningRow]:
        return list(
            self._s.scalars(
                select(WarningRow)
                .where(WarningRow.section_id == section_id, WarningRow.source == self.SOURCE)
                .order_by(WarningRow.created_at, WarningRow.id)
            )
        )

    def add(self, section_id: str, code: str, payload: dict[str, Any], *, now: datetime) -> WarningRow:
        row = WarningRow(
            id=str(uuid.uuid4()),
            section_id=section_id,
            source=self.SOURCE,
            code=code,
            audience="committee+supervisor",
            payload=payload,
            created_at=now,
            resolved_at=None,
            resolution=None,
        )
        self._s.add(row)
        return row


class ScoreRepository:
    """Scores: the machine's objective scores (``expert_id`` empty) and the final aggregated items."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def replace_machine(self, section_id: str, scores: dict[str, dict[str, Decimal]], *, now: datetime) -> None:
        self._s.execute(delete(ScoreRow).where(ScoreRow.section_id == section_id, ScoreRow.expert_id.is_(None)))
        for bid_id, items in sorted(scores.items()):
            for item, value in sorted(items.items()):
                self._s.add(
                    ScoreRow(
                        id=str(uuid.uuid4()),
                        section_id=section_id,
                        bid_id=bid_id,
                        expert_id=None,
                        item=item,
                        score=value,
                        recorded_at=now,
                    )
                )

    def machine(self, section_id: str) -> dict[str, dict[str, Decimal]]:
        out: dict[str, dict[str, Decimal]] = {}
        rows = self._s.scalars(select(ScoreRow).where(ScoreRow.section_id == section_id, ScoreRow.expert_id.is_(None)))
        for r in rows:
            out.setdefault(r.bid_id, {})[r.item] = Decimal(r.score)
        return out
