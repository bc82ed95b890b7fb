"""Who takes part in a section's evaluation, and what each role may see of its committee (法 第三十七条).

Shared by the evaluation and oversight contexts. The centre's system sees everything; the session's participants
see names once the evaluation has started; bidders and the public only after the award. A drawn expert always
sees their own seat. A member is an accepted drawn expert (by pool ID) or a representative of the tenderee
(``rep:<user id>``) whom the tenderee named.
"""

from __future__ import annotations

from dataclasses import dataclass

from fairbid.domain.actor import Actor, Role
from fairbid.domain.errors import NotPermitted
from fairbid.domain.evaluation.committee import REPRESENTATIVE_PREFIX, Committee
from fairbid.domain.expert import committee_names_visible
from fairbid.domain.section import Section, SectionStatus
from fairbid.ports import UnitOfWork

__all__ = [
    "REPRESENTATIVE_SPECIALTY",
    "CommitteeView",
    "SeatView",
    "committee_view",
    "expert_names_visible",
    "is_session_participant",
    "member_of",
    "pool_id_of",
]

_SYSTEM = frozenset({Role.OPERATOR, Role.MACHINE})


REPRESENTATIVE_SPECIALTY = "tenderee_representative"
"""The specialty shown for a seat of the tenderee's representatives (招标人代表)."""


@dataclass(frozen=True, slots=True)
class SeatView:
    seat: str
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
    representatives: int
    evaluation_start: str
    evaluation_end: str


def pool_id_of(uow: UnitOfWork, actor: Actor) -> str | None:
    """The pool ID of an expert's account, if any."""
    if actor.role is not Role.EXPERT or not actor.user_id:
        return None
    return uow.experts.pool_id_of_user(actor.user_id)


def member_of(uow: UnitOfWork, committee: Committee, actor: Actor) -> str:
    """The member ``actor`` is on ``committee``: an accepted expert, or a representative the tenderee named.

    Raises ``NotPermitted`` for anyone else (the caller decides whether that reads as "not found").
    """
    if actor.role is Role.EXPERT:
        pool_id = pool_id_of(uow, actor)
        if pool_id is None:
            raise NotPermitted("Your account is not linked to an expert in the pool.")
        member = pool_id
    elif actor.role is Role.TENDEREE and actor.user_id:
        member = REPRESENTATIVE_PREFIX + actor.user_id
    else:
        raise NotPermitted("Only a member of the evaluation committee may do this.")
    if member not in committee.members:
        raise NotPermitted("You are not a member of this evaluation committee.")
    return member


def is_session_participant(uow: UnitOfWork, section: Section, committee: Committee | None, actor: Actor) -> bool:
    """Whether ``actor`` takes part in *this* section's evaluation session: its own tenderee or agency, one of
    its committee's members, or the supervisor."""
    if actor.role in (Role.TENDEREE, Role.AGENCY):
        return actor.organisation_id is not None and actor.organisation_id in (section.tenderee_id, section.agency_id)
    if actor.role is Role.EXPERT:
        return committee is not None and pool_id_of(uow, actor) in committee.members
    return actor.role is Role.SUPERVISOR


def expert_names_visible(uow: UnitOfWork, section: Section, committee: Committee | None, actor: Actor) -> bool:
    """Whether ``actor`` may see who sits on ``section``'s committee now (法 第三十七条): participation is
    checked against this section (``is_session_participant``)."""
    started = committee is not None and committee.started
    awarded = section.status in (SectionStatus.AWARDED, SectionStatus.CONTRACTED)
    participant = is_session_participant(uow, section, committee, actor)
    return committee_names_visible(actor.role, participant=participant, evaluation_started=started, awarded=awarded)


def committee_view(section_id: str, *, uow: UnitOfWork, actor: Actor) -> CommitteeView:
    """The committee as ``actor`` may see it: names per ``committee_names_visible`` (法 第三十七条); an
    expert always sees their own seat."""
    with uow:
        section = uow.sections.get(section_id)
        committee = uow.committees.get(section_id)
        visible = expert_names_visible(uow, section, committee, actor)
        me = pool_id_of(uow, actor)
        draw = committee.draw
        names = uow.experts.names(s.expert_id for s in draw.seats) if visible or me else {}
        checked = {a.expert_id for a in uow.session_actions.for_section(section_id) if a.action == "check_in"}
        seats = []
        for n, s in enumerate(draw.seats):
            show = visible or s.expert_id == me
            seats.append(
                SeatView(
                    str(n),
                    s.venue_id,
                    s.specialty,
                    s.round,
                    s.status.value,
                    s.expert_id in checked,
                    s.expert_id if show else None,
                    names.get(s.expert_id) if show else None,
                )
            )
        for n, r in enumerate(committee.representatives):  # the tenderee's seats, at the main venue
            show = visible or actor.user_id == r.user_id
            seats.append(
                SeatView(
                    f"r{n}",
                    committee.schedule.main_venue or "",
                    REPRESENTATIVE_SPECIALTY,
                    0,
                    "named",
                    r.member_id in checked,
                    r.member_id if show else None,
                    r.name if show else None,
                )
            )
        return CommitteeView(
            section_id,
            visible,
            committee.started,
            draw.rounds,
            committee.labels,
            committee.beacon,
            tuple(seats),
            draw.eligible_counts if actor.role in _SYSTEM or visible else (),
            len(committee.representatives),
            committee.schedule.evaluation.start.isoformat(),
            committee.schedule.evaluation.end.isoformat(),
        )
