"""What each role may see of a committee (法 第三十七条: names secret until the award).

The centre's system sees everything; the session's participants see names once the evaluation has
started; bidders and the public only after the award. A drawn expert always sees their own seat.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fairbid.domain.actor import Actor, Role
from fairbid.domain.expert import committee_names_visible
from fairbid.domain.section import Section, SectionStatus
from fairbid.services.evaluation.committee import accepted_members, load_draw
from fairbid.store.rows import CommitteeRow
from fairbid.store.uow import SqlUnitOfWork

__all__ = ["CommitteeView", "SeatView", "committee_view", "expert_names_visible", "is_session_participant"]

_SYSTEM = frozenset({Role.OPERATOR, Role.MACHINE})


@dataclass(frozen=True, slots=True)
class SeatView:
    venue_id: str
    specialty: str
    round: int
    status: str
    checked_in: bool
    expert_id: str | None  # None while the names are secret to the viewer
    name: str | None


@dataclass(frozen=True, slots=True)
class CommitteeView:
    section_id: str
    names_visible: bool
    evaluation_started: bool
    rounds: int
    labels: tuple[str, ...]
    beacon: str
    seats: tuple[SeatView, ...]
    eligible: tuple[tuple[str, str, int], ...]
    plan: dict[str, Any]


def _pool_id(uow: SqlUnitOfWork, actor: Actor) -> str | None:
    if actor.role is not Role.EXPERT or not actor.user_id:
        return None
    mine = uow.experts.by_user(actor.user_id)
    return None if mine is None else mine.id


def is_session_participant(uow: SqlUnitOfWork, section: Section, row: CommitteeRow | None, actor: Actor) -> bool:
    """Whether ``actor`` takes part in *this* section's evaluation session: its own tenderee or agency, one of
    its committee's members, or the supervisor."""
    if actor.role in (Role.TENDEREE, Role.AGENCY):
        return actor.organisation_id is not None and actor.organisation_id in (section.tenderee_id, section.agency_id)
    if actor.role is Role.EXPERT:
        return row is not None and _pool_id(uow, actor) in accepted_members(load_draw(row))
    return actor.role is Role.SUPERVISOR


def expert_names_visible(uow: SqlUnitOfWork, section: Section, row: CommitteeRow | None, actor: Actor) -> bool:
    """Whether ``actor`` may see who sits on ``section``'s committee now (法 第三十七条): participation is
    checked against this section (``is_session_participant``)."""
    started = row is not None and row.evaluation_started_at is not None
    awarded = section.status in (SectionStatus.AWARDED, SectionStatus.CONTRACTED)
    participant = is_session_participant(uow, section, row, actor)
    return committee_names_visible(actor.role, participant=participant, evaluation_started=started, awarded=awarded)


def committee_view(section_id: str, *, uow: SqlUnitOfWork, actor: Actor) -> CommitteeView:
    """The committee as ``actor`` may see it: names per ``committee_names_visible`` (法 第三十七条); an
    expert always sees their own seat."""
    with uow:
        section = uow.sections.get(section_id)
        row = uow.committees.get(section_id)
        started = row.evaluation_started_at is not None
        visible = expert_names_visible(uow, section, row, actor)
        me = _pool_id(uow, actor)
        draw = load_draw(row)
        names = uow.experts.rows(s.expert_id for s in draw.seats) if visible or me else {}
        checked = {a.expert_id for a in uow.session_actions.for_section(section_id) if a.action == "check_in"}
        seats = []
        for s in draw.seats:
            show = visible or s.expert_id == me
            seats.append(
                SeatView(
                    s.venue_id,
                    s.specialty,
                    s.round,
                    s.status.value,
                    s.expert_id in checked,
                    s.expert_id if show else None,
                    names[s.expert_id].name if show and s.expert_id in names else None,
                )
            )
        plan = {k: v for k, v in row.plan.items() if k != "terms"}
        return CommitteeView(
            section_id,
            visible,
            started,
            draw.rounds,
            tuple(row.draw.get("labels", [])),
            str(row.draw.get("beacon", "")),
            tuple(seats),
            draw.eligible_counts if actor.role in _SYSTEM or visible else (),
            plan,
        )
