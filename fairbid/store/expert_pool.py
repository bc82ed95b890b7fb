"""The expert pool (评标专家库) and the venues (主场, 副场)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fairbid.domain.errors import NotFound
from fairbid.domain.expert import (
    Employment,
    Expert,
    ExpertStatus,
    PastDraw,
    Period,
    Relationship,
    Title,
    Venue,
    VenueRole,
)
from fairbid.store.rows import (
    ExpertRow,
    VenueRow,
)

__all__ = ["ExpertRepository", "VenueRepository", "iso", "parse_iso"]


def iso(moment: datetime) -> str:
    return moment.isoformat()


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text)


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

    def _row(self, expert_id: str) -> ExpertRow:
        row = self._s.get(ExpertRow, expert_id)
        if row is None:
            raise NotFound(f"No expert {expert_id}.", field="expert_id")
        return row

    def get(self, expert_id: str) -> Expert:
        return _expert(self._row(expert_id))

    def pool_id_of_user(self, user_id: str) -> str | None:
        """The pool ID of the expert linked to this user account, if any."""
        return self._s.scalars(select(ExpertRow.id).where(ExpertRow.user_id == user_id)).first()

    def user_of(self, expert_id: str) -> str | None:
        """The user account linked to this expert, if any."""
        return self._row(expert_id).user_id

    def link_user(self, expert_id: str, user_id: str) -> None:
        self._row(expert_id).user_id = user_id

    def names(self, ids: Iterable[str]) -> dict[str, str]:
        """Experts' names by pool ID (only the centre's system and those who may see names read them)."""
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        return {r.id: r.name for r in self._s.scalars(select(ExpertRow).where(ExpertRow.id.in_(wanted)))}

    def emails(self, ids: Iterable[str]) -> dict[str, str]:
        """Where to send invitations, by pool ID (experts without an address are left out)."""
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        rows = self._s.scalars(select(ExpertRow).where(ExpertRow.id.in_(wanted)))
        return {r.id: (r.profile or {}).get("email", "") for r in rows if (r.profile or {}).get("email")}

    def signing_key(self, expert_id: str) -> str | None:
        """The public key the expert signs evaluation reports with (text form), if registered."""
        key = (self._row(expert_id).profile or {}).get("public_key")
        return str(key) if key else None

    def set_signing_key(self, expert_id: str, public_key: str) -> None:
        row = self._row(expert_id)
        row.profile = {**(row.profile or {}), "public_key": public_key}

    def page(self, *, status: str | None = None, limit: int = 100, offset: int = 0) -> tuple[list[Expert], int]:
        query = select(ExpertRow)
        counted = select(func.count()).select_from(ExpertRow)
        if status is not None:
            query = query.where(ExpertRow.status == status)
            counted = counted.where(ExpertRow.status == status)
        rows = list(self._s.scalars(query.order_by(ExpertRow.id).limit(limit).offset(offset)))
        return [_expert(r) for r in rows], int(self._s.scalar(counted) or 0)

    def pool(self) -> list[Expert]:
        """Every expert, as the draw reads them."""
        return [_expert(r) for r in self._s.scalars(select(ExpertRow).order_by(ExpertRow.id))]

    def set_status(self, expert_id: str, status: ExpertStatus) -> None:
        self._row(expert_id).status = status.value

    def add_history(self, expert_ids: Iterable[str], *, tenderee: str, at: datetime) -> None:
        """Remember a draw for the frequency cap (draws for the same tenderee in a period)."""
        wanted = sorted(set(expert_ids))
        for row in self._s.scalars(select(ExpertRow).where(ExpertRow.id.in_(wanted))) if wanted else []:
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
