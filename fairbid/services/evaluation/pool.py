"""The expert pool (评标专家库): import from CSV, list, suspend, retire; evaluation venues.

Only the trading centre's operator manages the pool (条例 第四十五条: experts come from the pools the
government builds; the centre runs the draw system). Every change is ledgered.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from fairbid.domain.actor import Actor, Role
from fairbid.domain.errors import InvalidInput, NotPermitted
from fairbid.domain.expert import Expert, ExpertStatus, Venue, VenueRole, parse_expert_csv
from fairbid.ledger.chain import LedgerAction
from fairbid.ledger.snapshot import SubjectType
from fairbid.ports import Clock, UnitOfWork

__all__ = [
    "ExpertLine",
    "ExpertPage",
    "ImportResult",
    "SaveVenue",
    "import_experts",
    "link_expert_account",
    "list_experts",
    "list_venues",
    "save_venue",
    "set_expert_status",
]

_MANAGERS = frozenset({Role.OPERATOR, Role.MACHINE})


def _manager(actor: Actor) -> None:
    if actor.role not in _MANAGERS:
        raise NotPermitted("Only the trading centre's operator manages the expert pool.")


@dataclass(frozen=True, slots=True)
class ImportResult:
    added: int
    updated: int
    linked: int  # experts linked to a user account through the optional ``username`` column


def _usernames(text: str) -> dict[str, str]:
    """The optional ``username`` column (expert_id → username); the domain parser ignores extra columns."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if "username" not in (reader.fieldnames or []):
        return {}
    return {
        (row.get("expert_id") or "").strip(): (row.get("username") or "").strip()
        for row in reader
        if (row.get("username") or "").strip()
    }


def import_experts(csv_text: str, *, uow: UnitOfWork, clock: Clock, actor: Actor) -> ImportResult:
    """Add or update experts from CSV (columns: ``fairbid.domain.expert.roster``; optional ``username``).

    The whole file is refused, naming line and column, if any row is wrong; nothing is stored then.
    """
    now = clock.now()
    _manager(actor)
    experts = parse_expert_csv(csv_text)
    if not experts:
        raise InvalidInput("The CSV holds no expert.", field="csv")
    for e in experts:
        for column, value, most in (("expert_id", e.expert_id, 36), ("name", e.name, 80), ("region", e.region, 12)):
            if len(value) > most:
                raise InvalidInput(
                    f"Expert {e.expert_id[:36]}: {column} is longer than {most} characters.", field=column
                )
    usernames = _usernames(csv_text)
    with uow:
        repo = uow.experts
        users: dict[str, str] = {}
        for expert_id, username in usernames.items():
            found = uow.users.by_username(username)
            if found is None or found[0].role is not Role.EXPERT:
                raise InvalidInput(
                    f"Expert {expert_id}: {username!r} is not an expert's user account.", field="username"
                )
            users[expert_id] = found[0].id
        added = sum(repo.upsert(e, user_id=users.get(e.expert_id)) for e in experts)
        uow.record(
            actor=actor,
            action=LedgerAction.EXPERTS_IMPORTED,
            subject_type=SubjectType.EXPERT_POOL,
            subject_id="pool",
            payload={"added": added, "updated": len(experts) - added, "ids": sorted(e.expert_id for e in experts)},
            now=now,
        )
        uow.commit()
    return ImportResult(added, len(experts) - added, len(users))


@dataclass(frozen=True, slots=True)
class ExpertLine:
    expert_id: str
    name: str
    region: str
    specialties: tuple[str, ...]
    title: str
    years: int
    status: str
    draws: int


@dataclass(frozen=True, slots=True)
class ExpertPage:
    experts: tuple[ExpertLine, ...]
    total: int


def _line(expert: Expert) -> ExpertLine:
    return ExpertLine(
        expert.expert_id,
        expert.name,
        expert.region,
        tuple(sorted(expert.specialties)),
        expert.title.value,
        expert.years,
        expert.status.value,
        len(expert.history),
    )


def list_experts(
    *, uow: UnitOfWork, actor: Actor, status: str | None = None, limit: int = 100, offset: int = 0
) -> ExpertPage:
    """The pool, page by page (operator and supervisor: the pool itself is not public)."""
    if actor.role not in (*_MANAGERS, Role.SUPERVISOR):
        raise NotPermitted("Only the centre and the supervisor see the expert pool.")
    if status is not None and status not in {s.value for s in ExpertStatus}:
        raise InvalidInput(f"Unknown status {status!r}.", field="status")
    if not 1 <= limit <= 1000 or offset < 0:
        raise InvalidInput("limit is 1–1000 and offset ≥ 0.", field="limit")
    with uow:
        experts, total = uow.experts.page(status=status, limit=limit, offset=offset)
        return ExpertPage(tuple(_line(e) for e in experts), total)


def set_expert_status(
    expert_id: str, status: ExpertStatus, reason: str, *, uow: UnitOfWork, clock: Clock, actor: Actor
) -> ExpertLine:
    """Suspend (暂停), retire (退出) or reinstate an expert, with a reason on the record."""
    now = clock.now()
    _manager(actor)
    if not reason.strip():
        raise InvalidInput("Changing an expert's status needs a reason.", field="reason")
    with uow:
        before = uow.experts.get(expert_id).status.value
        uow.experts.set_status(expert_id, status)
        uow.record(
            actor=actor,
            action=LedgerAction.EXPERT_STATUS_CHANGED,
            subject_type=SubjectType.EXPERT,
            subject_id=expert_id,
            payload={"from": before, "to": status.value, "reason": reason.strip()},
            now=now,
        )
        expert = uow.experts.get(expert_id)
        uow.commit()
        return _line(expert)


@dataclass(frozen=True, slots=True)
class SaveVenue:
    venue_id: str
    name: str
    role: VenueRole
    regions: tuple[str, ...]


def save_venue(cmd: SaveVenue, *, uow: UnitOfWork, clock: Clock, actor: Actor) -> Venue:
    """Add or change a venue: the main venue (主场) or a partner centre's secondary venue (副场)."""
    now = clock.now()
    _manager(actor)
    venue = Venue(cmd.venue_id.strip(), cmd.name.strip(), cmd.role, frozenset(r.strip() for r in cmd.regions))
    if not venue.venue_id or not venue.name or len(venue.venue_id) > 36 or len(venue.name) > 120:
        raise InvalidInput("A venue needs an ID (≤ 36 characters) and a name (≤ 120).", field="venue_id")
    with uow:
        uow.venues.save(venue)
        uow.record(
            actor=actor,
            action=LedgerAction.VENUE_SAVED,
            subject_type=SubjectType.VENUE,
            subject_id=venue.venue_id,
            payload={"name": venue.name, "role": venue.role.value, "regions": sorted(venue.regions)},
            now=now,
        )
        uow.commit()
    return venue


def list_venues(*, uow: UnitOfWork, actor: Actor) -> list[Venue]:
    """Every venue (the arrangement is not secret)."""
    with uow:
        return uow.venues.all()


def link_expert_account(expert_id: str, username: str, *, uow: UnitOfWork, clock: Clock, actor: Actor) -> None:
    """Link a pool expert to their expert user account, so they can answer, check in and score."""
    now = clock.now()
    _manager(actor)
    with uow:
        found = uow.users.by_username(username)
        if found is None or found[0].role is not Role.EXPERT:
            raise InvalidInput(f"{username!r} is not an expert's user account.", field="username")
        if uow.experts.pool_id_of_user(found[0].id) is not None:
            raise InvalidInput(f"{username!r} is already linked to an expert.", field="username")
        uow.experts.link_user(expert_id, found[0].id)
        uow.record(
            actor=actor,
            action=LedgerAction.EXPERT_STATUS_CHANGED,
            subject_type=SubjectType.EXPERT,
            subject_id=expert_id,
            payload={"linked_user": found[0].id},
            now=now,
        )
        uow.commit()
