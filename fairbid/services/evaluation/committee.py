"""The evaluation committee (评标委员会): the random draw, answers, replacements and check-in at a venue.

The draw is recomputable: its stream is ``BeaconStream(beacon, "experts:<section>:round:<n>")`` over the
pool sorted by expert ID (docs/evaluation.md §2). Names stay secret from everyone but the centre's system
until the evaluation starts, and from the public until the award (法 第三十七条).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from fairbid.crypto.digest import sm3_hex
from fairbid.crypto.draw import BeaconStream
from fairbid.domain.actor import Actor, Role
from fairbid.domain.errors import InvalidInput, InvalidTransition, NotPermitted
from fairbid.domain.expert import (
    CommitteeDraw,
    CommitteeSpec,
    DrawParties,
    DrawPlan,
    Period,
    SeatQuota,
    SeatStatus,
    check_in,
    draw_committee,
    draw_replacements,
    expire_unanswered,
    plan_quotas,
    record_answer,
)
from fairbid.domain.section import Section, SectionStatus
from fairbid.ledger.chain import LedgerAction
from fairbid.ledger.snapshot import SubjectType
from fairbid.notify import DeliveryFailed, Notifier
from fairbid.ports import Clock
from fairbid.services.evaluation.terms import default_terms, validate_terms
from fairbid.store.evaluation import draw_from_json, draw_to_json
from fairbid.store.expert_pool import VenueRepository, iso, parse_iso
from fairbid.store.rows import CommitteeRow
from fairbid.store.uow import SqlUnitOfWork

__all__ = [
    "CheckIn",
    "DrawRequest",
    "accepted_members",
    "answer_invitation",
    "check_in_expert",
    "draw_committee_for_section",
    "draw_label",
    "expert_of",
    "load_draw",
    "names_digest",
    "replace_vacancies",
    "seat_no",
]

log = logging.getLogger("fairbid.committee")

_SYSTEM = frozenset({Role.OPERATOR, Role.MACHINE})


def draw_label(section_id: str, round_no: int) -> str:
    """The beacon stream label of one draw round (docs/evaluation.md §1)."""
    return f"experts:{section_id}:round:{round_no}"


@dataclass(frozen=True, slots=True)
class DrawRequest:
    """The committee the tender asks for and how its seats split over specialties and venues.

    ``specialties`` and ``venues`` map a specialty code / venue ID to a number of experts; both add up
    to the expert seats. ``terms`` are the tender's evaluation terms (rubric, price rule, requirements),
    see ``fairbid.services.evaluation.session.default_terms``.
    """

    section_id: str
    specialties: Mapping[str, int]
    venues: Mapping[str, int]
    size: int = 5
    tenderee_representatives: int = 0
    evaluation_start: datetime | None = None
    evaluation_hours: int = 8
    answer_minutes: int = 120
    min_secondary_share: Decimal | None = None
    terms: Mapping[str, Any] = field(default_factory=dict)


def _plan(p: Mapping[str, Any], venues: VenueRepository) -> DrawPlan:
    quotas = tuple(SeatQuota(q["venue_id"], q["specialty"], int(q["count"])) for q in p["quotas"])
    return DrawPlan(
        committee=CommitteeSpec(int(p["size"]), int(p["tenderee_representatives"])),
        quotas=quotas,
        venues=tuple(venues.get(v) for v in sorted({q.venue_id for q in quotas})),
        evaluation=Period(parse_iso(p["evaluation_start"]), parse_iso(p["evaluation_end"])),
        min_secondary_share=None if p.get("min_secondary_share") is None else Decimal(p["min_secondary_share"]),
    )


def _parties(uow: SqlUnitOfWork, section: Section) -> DrawParties:
    tenderee = uow.organisations.get(section.tenderee_id).credit_code
    agency = None if section.agency_id is None else uow.organisations.get(section.agency_id).credit_code
    bidder_ids = [b.bidder_id for b in uow.bids.in_section(section.id)]
    bidders = frozenset(o.credit_code for o in uow.organisations.names(bidder_ids).values())
    return DrawParties(tenderee, agency, bidders)


def _beacon(section: Section) -> bytes:
    if not section.beacon:
        raise InvalidTransition(f"Section {section.code} has no beacon yet: the draw follows the opening.")
    return bytes.fromhex(section.beacon)


def seat_no(draw: CommitteeDraw, expert_id: str) -> int:
    """The seat number (draw order) of an expert: what the public ledger names instead of the expert."""
    for n, seat in enumerate(draw.seats):
        if seat.expert_id == expert_id:
            return n
    raise InvalidInput(f"Expert {expert_id} was not drawn for this section.", field="expert_id")


def names_digest(draw: CommitteeDraw) -> str:
    """SM3 over the drawn expert IDs in seat order: commits to the names without revealing them."""
    return sm3_hex("\n".join(s.expert_id for s in draw.seats).encode())


def load_draw(row: CommitteeRow) -> CommitteeDraw:
    """The committee's draw state."""
    return draw_from_json(row.draw)


def _save_draw(row: CommitteeRow, draw: CommitteeDraw, now: datetime) -> None:
    row.draw = {**row.draw, **draw_to_json(draw), "labels": [draw_label(row.section_id, n) for n in range(draw.rounds)]}
    row.updated_at = now


def _invite(uow: SqlUnitOfWork, section: Section, seats: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    rows = uow.experts.rows(e for e, _ in seats)
    out = []
    for expert_id, venue_id in seats:
        email = (rows[expert_id].profile or {}).get("email", "")
        if email:
            out.append(
                (
                    email,
                    f"评标邀请 Evaluation invitation: {section.code}",
                    f"You are drawn to evaluate section {section.code} at venue {venue_id}. Answer on the platform "
                    "(accept or decline). Keep this invitation confidential (法 第三十七条).",
                )
            )
    return out


def _send(notifier: Notifier | None, notices: list[tuple[str, str, str]]) -> None:
    """Send after the commit: the draw stands whatever the mail does. A failed invitation is logged; the seat
    stays pending and an unanswered one is replaced when its answer time runs out (条例 第四十六条)."""
    if notifier is None:
        return
    failed = 0
    for to, subject, body in notices:
        try:
            notifier.send(to, subject, body)
        except DeliveryFailed as error:
            failed += 1
            cause = error.__cause__ or error  # the cause names no address: who sits is secret (法 第三十七条)
            log.warning("invitation %d of %d not delivered: %s", failed, len(notices), type(cause).__name__)


def draw_committee_for_section(
    cmd: DrawRequest, *, uow: SqlUnitOfWork, clock: Clock, actor: Actor, notifier: Notifier | None = None
) -> CommitteeDraw:
    """Draw the committee's experts from the pool at random, with avoidance (法 第三十七条; 条例 第四十六条).

    A quota that cannot be filled raises the domain's ``RuleViolation`` (rule ``expert-quota``) naming the
    quota, how many were eligible and what would fill it; nothing is stored then.
    """
    now = clock.now()
    if actor.role not in _SYSTEM:
        raise NotPermitted("Only the trading centre's system draws evaluation experts (法 第三十七条).")
    if not 1 <= cmd.evaluation_hours <= 72 or not 1 <= cmd.answer_minutes <= 24 * 60:
        raise InvalidInput("evaluation_hours is 1–72 and answer_minutes 1–1440.", field="evaluation_hours")
    with uow:
        section = uow.sections.get(cmd.section_id)
        if section.status is not SectionStatus.EVALUATION:
            raise InvalidTransition(f"Section {section.code} is {section.status}; experts are drawn in evaluation.")
        committees = uow.committees
        if committees.find(section.id) is not None:
            raise InvalidTransition(f"Section {section.code} already has a committee; replace vacancies instead.")
        beacon = _beacon(section)
        start = cmd.evaluation_start or now + timedelta(hours=2)
        terms = validate_terms({**default_terms(section), **dict(cmd.terms)})
        plan_json: dict[str, Any] = {
            "size": cmd.size,
            "tenderee_representatives": cmd.tenderee_representatives,
            "quotas": [
                {"venue_id": q.venue_id, "specialty": q.specialty, "count": q.count}
                for q in plan_quotas(dict(cmd.specialties), dict(cmd.venues))
            ],
            "evaluation_start": iso(start),
            "evaluation_end": iso(start + timedelta(hours=cmd.evaluation_hours)),
            "answer_minutes": cmd.answer_minutes,
            "min_secondary_share": None if cmd.min_secondary_share is None else str(cmd.min_secondary_share),
            "terms": terms,
        }
        plan = _plan(plan_json, uow.venues)
        experts = uow.experts
        parties = _parties(uow, section)
        stream = BeaconStream(beacon, draw_label(section.id, 0))
        draw = draw_committee(experts.pool(), plan, parties, stream, now=now)
        row = committees.add(section.id, plan=plan_json, draw={"beacon": section.beacon}, now=now)
        _save_draw(row, draw, now)
        experts.add_history((s.expert_id for s in draw.seats), tenderee=parties.tenderee, at=now)
        uow.record(
            actor=actor,
            action=LedgerAction.COMMITTEE_DRAWN,
            subject_type=SubjectType.COMMITTEE,
            subject_id=section.id,
            payload={
                "beacon": section.beacon,
                "label": stream.label,
                "plan": {k: v for k, v in plan_json.items() if k != "terms"},
                "eligible": [list(c) for c in draw.eligible_counts],
                "seats": [[s.venue_id, s.specialty] for s in draw.seats],
                "names_digest": names_digest(draw),
            },
            now=now,
        )
        notices = _invite(uow, section, [(s.expert_id, s.venue_id) for s in draw.seats])
        uow.commit()
    _send(notifier, notices)
    return draw


def expert_of(uow: SqlUnitOfWork, actor: Actor) -> str:
    """The pool ID of the expert acting."""
    if actor.role is not Role.EXPERT or actor.user_id is None:
        raise NotPermitted("Only an evaluation expert may do this.")
    row = uow.experts.by_user(actor.user_id)
    if row is None:
        raise NotPermitted("Your account is not linked to an expert in the pool.")
    return row.id


def answer_invitation(
    section_id: str,
    accepted: bool,
    *,
    uow: SqlUnitOfWork,
    clock: Clock,
    actor: Actor,
    expert_id: str | None = None,
) -> CommitteeDraw:
    """An invited expert accepts or declines (a refusal frees the seat for a replacement draw)."""
    now = clock.now()
    with uow:
        if actor.role in _SYSTEM:
            if expert_id is None:
                raise InvalidInput("Name the expert whose answer is recorded.", field="expert_id")
            who = expert_id
        else:
            who = expert_of(uow, actor)
        row = uow.committees.get(section_id)
        if row.evaluation_started_at is not None:
            raise InvalidTransition("The evaluation has started; the committee is fixed.")
        draw = record_answer(load_draw(row), who, accepted=accepted, at=now)
        _save_draw(row, draw, now)
        uow.record(
            actor=actor,
            action=LedgerAction.COMMITTEE_ANSWERED,
            subject_type=SubjectType.COMMITTEE,
            subject_id=section_id,
            payload={"seat": seat_no(draw, who), "accepted": accepted},
            now=now,
        )
        uow.commit()
    return draw


def replace_vacancies(
    section_id: str, *, uow: SqlUnitOfWork, clock: Clock, actor: Actor, notifier: Notifier | None = None
) -> CommitteeDraw:
    """Expire unanswered invitations, then draw a replacement for every vacant seat from the next round's
    stream (条例 第四十六条). Raises ``InvalidTransition`` when nothing is vacant."""
    now = clock.now()
    if actor.role not in _SYSTEM:
        raise NotPermitted("Only the trading centre's system draws replacement experts.")
    with uow:
        section = uow.sections.get(section_id)
        committees = uow.committees
        row = committees.get(section_id)
        if row.evaluation_started_at is not None:
            raise InvalidTransition("The evaluation has started; the committee is fixed.")
        plan = _plan(row.plan, uow.venues)
        draw = expire_unanswered(load_draw(row), now=now, answer_within=timedelta(minutes=row.plan["answer_minutes"]))
        stream = BeaconStream(_beacon(section), draw_label(section_id, draw.rounds))
        experts = uow.experts
        parties = _parties(uow, section)
        new = draw_replacements(draw, experts.pool(), plan, parties, stream, now=now)
        fresh = new.seats[len(draw.seats) :]
        _save_draw(row, new, now)
        experts.add_history((s.expert_id for s in fresh), tenderee=parties.tenderee, at=now)
        uow.record(
            actor=actor,
            action=LedgerAction.COMMITTEE_REPLACED,
            subject_type=SubjectType.COMMITTEE,
            subject_id=section_id,
            payload={
                "label": stream.label,
                "vacant_seats": [seat_no(draw, s.expert_id) for s in draw.vacant],
                "seats": [[s.venue_id, s.specialty] for s in fresh],
                "names_digest": names_digest(new),
            },
            now=now,
        )
        notices = _invite(uow, section, [(s.expert_id, s.venue_id) for s in fresh])
        uow.commit()
    _send(notifier, notices)
    return new


@dataclass(frozen=True, slots=True)
class CheckIn:
    section_id: str
    venue_id: str
    device: str


def check_in_expert(cmd: CheckIn, *, uow: SqlUnitOfWork, clock: Clock, actor: Actor) -> None:
    """An accepted expert checks in at the assigned venue; venue, time and device are recorded
    (电子办法 第三十三条, 第四十九条)."""
    now = clock.now()
    with uow:
        who = expert_of(uow, actor)
        row = uow.committees.get(cmd.section_id)
        uow.venues.get(cmd.venue_id)
        sessions = uow.session_actions
        if any(a.expert_id == who and a.action == "check_in" for a in sessions.for_section(cmd.section_id)):
            raise InvalidTransition("You have already checked in.", field="venue_id")
        action = check_in(load_draw(row), who, venue_id=cmd.venue_id, device=cmd.device, at=now)
        sessions.add(cmd.section_id, action)
        uow.record(
            actor=actor,
            action=LedgerAction.EXPERT_CHECKED_IN,
            subject_type=SubjectType.COMMITTEE,
            subject_id=cmd.section_id,
            payload={"seat": seat_no(load_draw(row), who), "venue_id": action.venue_id, "device": action.device},
            now=now,
        )
        uow.commit()


def accepted_members(draw: CommitteeDraw) -> tuple[str, ...]:
    """The experts who sit on the committee, in seat order."""
    return tuple(s.expert_id for s in draw.active if s.status is SeatStatus.ACCEPTED)
