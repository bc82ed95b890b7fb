"""Repositories for the expert pool, venues, committees, score sheets, session actions, warnings and scores.

Rows are translated to the pure domain (``fairbid.domain.expert`` / ``evaluation``) explicitly. JSON
columns hold only JSON-native values: Decimals as strings, datetimes as ISO 8601 (aware UTC).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from fairbid.domain.errors import NotFound
from fairbid.domain.expert import (
    CommitteeDraw,
    DrawnSeat,
    Employment,
    Expert,
    ExpertStatus,
    PastDraw,
    Period,
    Relationship,
    SeatStatus,
    SessionAction,
    Title,
    Venue,
    VenueRole,
)
from fairbid.store.rows import (
    CommitteeRow,
    ExpertRow,
    ScoreRow,
    ScoreSheetRow,
    SessionActionRow,
    VenueRow,
    WarningRow,
)

__all__ = [
    "CommitteeRepository",
    "ExpertRepository",
    "ScoreRepository",
    "SessionRepository",
    "SheetRepository",
    "VenueRepository",
    "WarningRepository",
    "draw_from_json",
    "draw_to_json",
    "iso",
    "parse_iso",
]


def iso(moment: datetime) -> str:
    return moment.isoformat()


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _aware(moment: datetime) -> datetime:  # SQLite hands back naive datetimes; the platform stores UTC
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _profile(expert: Expert) -> dict[str, Any]:
    return {
        "email": expert.email,
        "former_employers": [
            {"employer": e.employer, "start": iso(e.start), "end": iso(e.end)} for e in expert.former_employers
        ],
        "relationships": [{"organisation": r.organisation, "kind": r.kind} for r in expert.relationships],
        "unavailable": [{"start": iso(p.start), "end": iso(p.end)} for p in expert.unavailable],
        "history": [{"tenderee": d.tenderee, "at": iso(d.at)} for d in expert.history],
    }


def _expert(row: ExpertRow) -> Expert:
    p = row.profile or {}
    return Expert(
        expert_id=row.id,
        name=row.name,
        specialties=frozenset(row.specialties),
        region=row.region,
        employer=row.employer_credit_code or "",
        title=Title(row.title),
        years=row.years,
        status=ExpertStatus(row.status),
        unavailable=tuple(Period(parse_iso(u["start"]), parse_iso(u["end"])) for u in p.get("unavailable", [])),
        history=tuple(PastDraw(h["tenderee"], parse_iso(h["at"])) for h in p.get("history", [])),
        relationships=tuple(Relationship(r["organisation"], r["kind"]) for r in p.get("relationships", [])),
        former_employers=tuple(
            Employment(e["employer"], parse_iso(e["start"]), parse_iso(e["end"])) for e in p.get("former_employers", [])
        ),
        email=p.get("email", ""),
    )


class ExpertRepository:
    """The expert pool (评标专家库)."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def upsert(self, expert: Expert, *, user_id: str | None = None) -> bool:
        """Insert or update by ID; keeps the draw history and the user link. True when new."""
        row = self._s.get(ExpertRow, expert.expert_id)
        profile = _profile(expert)
        if row is None:
            self._s.add(
                ExpertRow(
                    id=expert.expert_id,
                    user_id=user_id,
                    name=expert.name,
                    region=expert.region,
                    employer_credit_code=expert.employer,
                    specialties=sorted(expert.specialties),
                    title=expert.title.value,
                    years=expert.years,
                    status=expert.status.value,
                    profile=profile,
                )
            )
            return True
        profile["history"] = (row.profile or {}).get("history", [])
        row.name, row.region, row.employer_credit_code = expert.name, expert.region, expert.employer
        row.specialties, row.title, row.years = sorted(expert.specialties), expert.title.value, expert.years
        row.status, row.profile = expert.status.value, profile
        if user_id is not None:
            row.user_id = user_id
        return False

    def row(self, expert_id: str) -> ExpertRow:
        row = self._s.get(ExpertRow, expert_id)
        if row is None:
            raise NotFound(f"No expert {expert_id}.", field="expert_id")
        return row

    def by_user(self, user_id: str) -> ExpertRow | None:
        return self._s.scalars(select(ExpertRow).where(ExpertRow.user_id == user_id)).first()

    def rows(self, ids: Iterable[str]) -> dict[str, ExpertRow]:
        wanted = list(set(ids))
        if not wanted:
            return {}
        return {r.id: r for r in self._s.scalars(select(ExpertRow).where(ExpertRow.id.in_(wanted)))}

    def page(self, *, status: str | None = None, limit: int = 100, offset: int = 0) -> tuple[list[ExpertRow], int]:
        query = select(ExpertRow)
        counted = select(func.count()).select_from(ExpertRow)
        if status is not None:
            query = query.where(ExpertRow.status == status)
            counted = counted.where(ExpertRow.status == status)
        rows = list(self._s.scalars(query.order_by(ExpertRow.id).limit(limit).offset(offset)))
        return rows, int(self._s.scalar(counted) or 0)

    def pool(self) -> list[Expert]:
        """Every expert, as the draw reads them."""
        return [_expert(r) for r in self._s.scalars(select(ExpertRow).order_by(ExpertRow.id))]

    def set_status(self, expert_id: str, status: ExpertStatus) -> None:
        self.row(expert_id).status = status.value

    def add_history(self, expert_ids: Iterable[str], *, tenderee: str, at: datetime) -> None:
        """Remember a draw for the frequency cap (draws for the same tenderee in a period)."""
        for row in self.rows(expert_ids).values():
            profile = dict(row.profile or {})
            profile["history"] = [*profile.get("history", []), {"tenderee": tenderee, "at": iso(at)}]
            row.profile = profile


class VenueRepository:
    """Evaluation venues: the main venue (主场) and partner centres' secondary venues (副场)."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def save(self, venue: Venue) -> None:
        row = self._s.get(VenueRow, venue.venue_id)
        if row is None:
            self._s.add(
                VenueRow(id=venue.venue_id, name=venue.name, role=venue.role.value, regions=sorted(venue.regions))
            )
        else:
            row.name, row.role, row.regions = venue.name, venue.role.value, sorted(venue.regions)

    def get(self, venue_id: str) -> Venue:
        row = self._s.get(VenueRow, venue_id)
        if row is None:
            raise NotFound(f"No venue {venue_id}.", field="venue_id")
        return Venue(row.id, row.name, VenueRole(row.role), frozenset(row.regions))

    def all(self) -> list[Venue]:
        rows = self._s.scalars(select(VenueRow).order_by(VenueRow.id))
        return [Venue(r.id, r.name, VenueRole(r.role), frozenset(r.regions)) for r in rows]


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
