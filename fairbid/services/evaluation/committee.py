"""The evaluation committee (评标委员会): the random draw of the composition the published terms state, answers,
replacements, the tenderee's representatives and check-in at a venue.

The draw is recomputable: its stream is ``BeaconStream(beacon, "experts:<section>:round:<n>")`` over the pool
sorted by expert ID (docs/evaluation.md §2). The composition — size, experts by specialty, representatives — is
the pinned terms'; the centre decides only how the drawn experts split over its venues. Names stay secret from
everyone but the centre's system until the evaluation starts, and from the public until the award (法 第三十七条).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from fairbid.crypto.digest import sm3_hex
from fairbid.crypto.draw import BeaconStream
from fairbid.domain.actor import Actor, Role
from fairbid.domain.errors import InvalidInput, InvalidTransition, NotPermitted
from fairbid.domain.evaluation.committee import (
    Committee,
    CommitteeSchedule,
    Representative,
    draw_label,
    member_check_in,
)
from fairbid.domain.expert import (
    CommitteeDraw,
    CommitteeSpec,
    DrawParties,
    DrawPlan,
    Period,
    VenueRole,
    draw_committee,
    draw_replacements,
    expire_unanswered,
    plan_quotas,
    record_answer,
)
from fairbid.domain.section import Section, SectionStatus
from fairbid.domain.terms import TenderTerms
from fairbid.ledger.chain import LedgerAction
from fairbid.ledger.snapshot import SubjectType, committee_snapshot
from fairbid.notify import DeliveryFailed, Notifier
from fairbid.ports import Clock, UnitOfWork
from fairbid.services.shared.participation import member_of, pool_id_of
from fairbid.services.shared.retry import retry_on_conflict
from fairbid.services.shared.terms import pinned_terms

__all__ = [
    "CheckIn",
    "DrawRequest",
    "answer_invitation",
    "check_in_member",
    "draw_committee_for_section",
    "name_representatives",
    "names_digest",
    "replace_vacancies",
]

log = logging.getLogger("fairbid.committee")

_SYSTEM = frozenset({Role.OPERATOR, Role.MACHINE})


@dataclass(frozen=True, slots=True)
class DrawRequest:
    """How the drawn experts split over the centre's venues, and when the committee sits.

    ``venues`` maps a venue ID to a number of experts; they add up to the experts the pinned terms draw. Size,
    specialties and representatives are the tender document's, never the operator's (条例 第四十九条).
    """

    section_id: str
    venues: Mapping[str, int]
    evaluation_start: datetime | None = None
    evaluation_hours: int = 8
    answer_minutes: int = 120
    min_secondary_share: Decimal | None = None


def _plan(uow: UnitOfWork, terms: TenderTerms, schedule: CommitteeSchedule) -> DrawPlan:
    return DrawPlan(
        committee=CommitteeSpec(terms.committee.size, terms.committee.representatives),
        quotas=schedule.quotas,
        venues=tuple(uow.venues.get(v) for v in sorted({q.venue_id for q in schedule.quotas})),
        evaluation=schedule.evaluation,
        min_secondary_share=schedule.min_secondary_share,
    )


def _parties(uow: UnitOfWork, section: Section) -> DrawParties:
    tenderee = uow.organisations.get(section.tenderee_id).credit_code
    agency = None if section.agency_id is None else uow.organisations.get(section.agency_id).credit_code
    bidder_ids = [b.bidder_id for b in uow.bids.in_section(section.id)]
    bidders = frozenset(o.credit_code for o in uow.organisations.names(bidder_ids).values())
    return DrawParties(tenderee, agency, bidders)


def _beacon(section: Section) -> bytes:
    if not section.beacon:
        raise InvalidTransition(f"Section {section.code} has no beacon yet: the draw follows the opening.")
    return bytes.fromhex(section.beacon)


def names_digest(draw: CommitteeDraw) -> str:
    """SM3 over the drawn expert IDs in seat order: commits to the names without revealing them."""
    return sm3_hex("\n".join(s.expert_id for s in draw.seats).encode())


def _invite(uow: UnitOfWork, section: Section, seats: Sequence[tuple[str, str]]) -> list[tuple[str, str, str]]:
    emails = uow.experts.emails(e for e, _ in seats)
    return [
        (
            emails[expert_id],
            f"评标邀请 Evaluation invitation: {section.code}",
            f"You are drawn to evaluate section {section.code} at venue {venue_id}. Answer on the platform "
            "(accept or decline). Keep this invitation confidential (法 第三十七条).",
        )
        for expert_id, venue_id in seats
        if expert_id in emails
    ]


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


def _record(
    uow: UnitOfWork, committee: Committee, actor: Actor, action: LedgerAction, payload: dict[str, object], now: datetime
) -> None:
    uow.record(
        actor=actor,
        action=action,
        subject_type=SubjectType.COMMITTEE,
        subject_id=committee.section_id,
        payload=payload,
        snapshot=committee_snapshot(committee),
        now=now,
    )


def draw_committee_for_section(
    cmd: DrawRequest, *, uow: UnitOfWork, clock: Clock, actor: Actor, notifier: Notifier | None = None
) -> CommitteeDraw:
    """Draw the experts the pinned terms ask for, from the pool at random, with avoidance (法 第三十七条;
    条例 第四十六条).

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
        if uow.committees.find(section.id) is not None:
            raise InvalidTransition(f"Section {section.code} already has a committee; replace vacancies instead.")
        beacon = _beacon(section)
        terms = pinned_terms(uow, section)
        if sum(cmd.venues.values()) != terms.committee.drawn:
            raise InvalidInput(
                f"The published terms draw {terms.committee.drawn} experts; the venues given seat "
                f"{sum(cmd.venues.values())}. Split exactly {terms.committee.drawn} over the venues.",
                field="venues",
            )
        start = cmd.evaluation_start or now + timedelta(hours=2)
        venues = [uow.venues.get(v) for v in sorted(cmd.venues)]
        main = next((v.venue_id for v in venues if v.role is VenueRole.MAIN), None)
        schedule = CommitteeSchedule(
            quotas=plan_quotas(dict(terms.committee.experts), dict(cmd.venues)),
            evaluation=Period(start, start + timedelta(hours=cmd.evaluation_hours)),
            answer_minutes=cmd.answer_minutes,
            main_venue=main,
            min_secondary_share=cmd.min_secondary_share,
        )
        plan = _plan(uow, terms, schedule)
        parties = _parties(uow, section)
        stream = BeaconStream(beacon, draw_label(section.id, 0))
        draw = draw_committee(uow.experts.pool(), plan, parties, stream, now=now)
        committee = Committee(section.id, beacon.hex(), schedule, draw, created_at=now)
        uow.committees.add(committee, now=now)
        uow.experts.add_history((s.expert_id for s in draw.seats), tenderee=parties.tenderee, at=now)
        _record(
            uow,
            committee,
            actor,
            LedgerAction.COMMITTEE_DRAWN,
            {
                "beacon": section.beacon,
                "label": stream.label,
                "terms_digest": section.terms_digest,
                "composition": {
                    "size": terms.committee.size,
                    "experts": [[s, n] for s, n in terms.committee.experts],
                    "representatives": terms.committee.representatives,
                },
                "venues": dict(sorted(cmd.venues.items())),
                "eligible": [list(c) for c in draw.eligible_counts],
                "seats": [[s.venue_id, s.specialty] for s in draw.seats],
                "names_digest": names_digest(draw),
            },
            now,
        )
        notices = _invite(uow, section, [(s.expert_id, s.venue_id) for s in draw.seats])
        uow.commit()
    _send(notifier, notices)
    return draw


@retry_on_conflict  # two experts answering at once: the second runs again on the first's result
def answer_invitation(
    section_id: str,
    accepted: bool,
    *,
    uow: UnitOfWork,
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
            who = pool_id_of(uow, actor) or ""
            if actor.role is not Role.EXPERT or not who:
                raise NotPermitted("Only an evaluation expert linked to the pool may answer an invitation.")
        committee = uow.committees.get(section_id)
        committee.ensure_not_started()
        committee.draw = record_answer(committee.draw, who, accepted=accepted, at=now)
        uow.committees.save(committee, now=now)
        _record(
            uow,
            committee,
            actor,
            LedgerAction.COMMITTEE_ANSWERED,
            {"seat": committee.seat_of(who), "accepted": accepted},
            now,
        )
        uow.commit()
    return committee.draw


def replace_vacancies(
    section_id: str, *, uow: UnitOfWork, clock: Clock, actor: Actor, notifier: Notifier | None = None
) -> CommitteeDraw:
    """Expire unanswered invitations, then draw a replacement for every vacant seat from the next round's
    stream (条例 第四十六条). Raises ``InvalidTransition`` when nothing is vacant."""
    now = clock.now()
    if actor.role not in _SYSTEM:
        raise NotPermitted("Only the trading centre's system draws replacement experts.")
    with uow:
        section = uow.sections.get(section_id)
        committee = uow.committees.get(section_id)
        committee.ensure_not_started()
        plan = _plan(uow, pinned_terms(uow, section), committee.schedule)
        answer_within = timedelta(minutes=committee.schedule.answer_minutes)
        draw = expire_unanswered(committee.draw, now=now, answer_within=answer_within)
        stream = BeaconStream(_beacon(section), draw_label(section_id, draw.rounds))
        parties = _parties(uow, section)
        new = draw_replacements(draw, uow.experts.pool(), plan, parties, stream, now=now)
        fresh = new.seats[len(draw.seats) :]
        committee.draw = new
        uow.committees.save(committee, now=now)
        uow.experts.add_history((s.expert_id for s in fresh), tenderee=parties.tenderee, at=now)
        _record(
            uow,
            committee,
            actor,
            LedgerAction.COMMITTEE_REPLACED,
            {
                "beacon": section.beacon,
                "label": stream.label,
                "vacant_seats": [committee.seat_of(s.expert_id) for s in draw.vacant],
                "seats": [[s.venue_id, s.specialty] for s in fresh],
                "names_digest": names_digest(new),
            },
            now,
        )
        notices = _invite(uow, section, [(s.expert_id, s.venue_id) for s in fresh])
        uow.commit()
    _send(notifier, notices)
    return new


def name_representatives(
    section_id: str, usernames: Sequence[str], *, uow: UnitOfWork, clock: Clock, actor: Actor
) -> int:
    """The tenderee names its representatives on the committee, as many as the pinned terms give seats
    (招标投标法 第三十七条: the committee is the tenderee's representatives and experts). Each must be a user of
    the tenderee; they score like the experts, independently. Returns the number named."""
    now = clock.now()
    with uow:
        section = uow.sections.get(section_id)
        if actor.role is not Role.TENDEREE or actor.organisation_id != section.tenderee_id:
            raise NotPermitted("Only this section's tenderee names its representatives.")
        committee = uow.committees.get(section_id)
        committee.ensure_not_started()
        seats = pinned_terms(uow, section).committee.representatives
        if len(usernames) != seats or len(set(usernames)) != len(usernames):
            raise InvalidInput(
                f"The tender document gives the tenderee {seats} seat(s) on the committee; name exactly that many "
                "distinct users.",
                field="usernames",
            )
        named = []
        for username in usernames:
            found = uow.users.by_username(username)
            if found is None or found[0].role is not Role.TENDEREE or found[0].organisation_id != section.tenderee_id:
                raise InvalidInput(f"{username!r} is not a user of the tenderee.", field="usernames")
            named.append(Representative(found[0].id, found[0].display_name))
        committee.representatives = tuple(named)
        uow.committees.save(committee, now=now)
        digest = sm3_hex("\n".join(r.member_id for r in named).encode())
        _record(
            uow,
            committee,
            actor,
            LedgerAction.REPRESENTATIVES_NAMED,
            {"seats": [committee.seat_of(r.member_id) for r in named], "names_digest": digest},
            now,
        )
        uow.commit()
    return len(named)


@dataclass(frozen=True, slots=True)
class CheckIn:
    section_id: str
    venue_id: str
    device: str


@retry_on_conflict
def check_in_member(cmd: CheckIn, *, uow: UnitOfWork, clock: Clock, actor: Actor) -> None:
    """A seated member checks in at the assigned venue (representatives at the main venue); venue, time and
    device are recorded (电子招标投标办法 第三十三条, 第四十九条)."""
    now = clock.now()
    with uow:
        committee = uow.committees.get(cmd.section_id)
        who = member_of(uow, committee, actor)
        uow.venues.get(cmd.venue_id)
        if any(a.expert_id == who and a.action == "check_in" for a in uow.session_actions.for_section(cmd.section_id)):
            raise InvalidTransition("You have already checked in.", field="venue_id")
        action = member_check_in(committee, who, venue_id=cmd.venue_id, device=cmd.device, at=now)
        uow.session_actions.add(cmd.section_id, action)
        uow.record(
            actor=actor,
            action=LedgerAction.EXPERT_CHECKED_IN,
            subject_type=SubjectType.COMMITTEE,
            subject_id=cmd.section_id,
            payload={"seat": committee.seat_of(who), "venue_id": action.venue_id, "device": action.device},
            now=now,
        )
        uow.commit()
