"""The evaluation session (评标): the machine executes the pinned terms — review, objective items, price scores with
K from the beacon — then ranks from the members' sheets, and the candidates are publicised.

``start_evaluation`` opens the session once every seat is accepted, the representatives are named and every member
has checked in; ``evaluate_section`` finalises it once every sheet is in and every warning answered.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from fairbid.domain.actor import Actor, Role
from fairbid.domain.award import Candidate
from fairbid.domain.bid import Bid, BidStatus
from fairbid.domain.errors import InvalidTransition, NotFound, NotPermitted
from fairbid.domain.evaluation import all_submitted, ensure_warnings_resolved, score_warnings
from fairbid.domain.evaluation.committee import Committee
from fairbid.domain.evaluation.machine import evaluation_outcome, machine_review, rubric_of
from fairbid.domain.evaluation.model import ScoreSheet
from fairbid.domain.section import Action, Section, SectionStatus, apply_transition
from fairbid.domain.terms import PRICE_ITEM, TenderTerms
from fairbid.ledger.chain import LedgerAction
from fairbid.ledger.snapshot import SubjectType, candidate_snapshot, committee_snapshot, section_snapshot
from fairbid.ports import Clock, UnitOfWork
from fairbid.services.shared.standing import standings
from fairbid.services.shared.terms import drawn_k, pinned_terms

__all__ = [
    "EVALUATION_SESSION",
    "EvaluationResult",
    "evaluate_section",
    "not_ready",
    "start_due_sessions",
    "start_evaluation",
]

_SYSTEM = frozenset({Role.OPERATOR, Role.MACHINE})
EVALUATION_SESSION = Actor(role=Role.MACHINE, job="evaluation-session")


@dataclass(frozen=True, slots=True)
class EvaluationResult:
    section_id: str
    status: str
    candidates: tuple[Candidate, ...]
    reason: str | None = None


def _in_evaluation(uow: UnitOfWork, section_id: str, actor: Actor) -> tuple[Section, Committee | None]:
    if actor.role not in _SYSTEM:
        raise NotPermitted("Only the trading centre's machine runs the evaluation.")
    section = uow.sections.get(section_id)
    if section.status is not SectionStatus.EVALUATION:
        raise InvalidTransition(f"Section {section.code} is {section.status}, not in evaluation.")
    return section, uow.committees.find(section_id)


def not_ready(uow: UnitOfWork, section: Section, committee: Committee) -> str | None:
    """Why the session cannot start yet, or None: every seat accepted, the representatives named, every member
    checked in."""
    if committee.started:
        return "The evaluation session has already started."
    draw = committee.draw
    if not draw.is_complete:
        return (
            "Every drawn expert must accept (or be replaced) before the evaluation starts: "
            f"{sum(1 for s in draw.active if s.status.value != 'accepted')} pending, {len(draw.vacant)} vacant."
        )
    seats = pinned_terms(uow, section).committee.representatives
    if len(committee.representatives) != seats:
        return f"The tenderee has named {len(committee.representatives)} of its {seats} representative(s)."
    checked = {a.expert_id for a in uow.session_actions.for_section(section.id) if a.action == "check_in"}
    missing = [m for m in committee.members if m not in checked]
    if missing:
        return f"{len(missing)} committee members have not checked in at their venue yet."
    return None


def _machine_scores(committee: Committee) -> dict[str, dict[str, Decimal]]:
    review = committee.review
    out: dict[str, dict[str, Decimal]] = {}
    if review is None:
        return out
    price = committee.outcome.price if committee.outcome is not None and committee.outcome.price else review.price
    for bid_id in review.scored:
        items = {PRICE_ITEM: price.scores[bid_id]} if price is not None and bid_id in price.scores else {}
        items.update({s.item_id: s.score for s in review.objective.get(bid_id, ())})
        out[bid_id] = items
    return out


def _open_session(uow: UnitOfWork, section: Section, committee: Committee, actor: Actor, now: datetime) -> None:
    """The machine reviews every decrypted bid (条例 第五十一条), scores the objective items and the prices by the
    pinned terms with K from the beacon (条例 第四十九条); the session is open from here. The caller commits."""
    terms = pinned_terms(uow, section)
    bids = uow.bids.in_section(section.id)
    review = machine_review(
        terms,
        bids,
        standings(uow, bids),
        ceiling=section.ceiling_price,
        deadline=section.schedule.bid_deadline,
        k=drawn_k(section, terms.k_values),
        now=now,
    )
    committee.review = review
    uow.committees.save(committee, now=now)
    uow.scores.replace_machine(section.id, _machine_scores(committee), now=now)
    uow.record(
        actor=actor,
        action=LedgerAction.EVALUATION_STARTED,
        subject_type=SubjectType.COMMITTEE,
        subject_id=section.id,
        payload={
            "members": len(committee.members),
            "terms_digest": section.terms_digest,
            "reviews": {b: [r.check_id for r in rv.failures] for b, rv in sorted(review.reviews.items())},
            "k": None if review.price is None or review.price.k is None else str(review.price.k),
            "benchmark": None if review.price is None else str(review.price.benchmark.value),
        },
        snapshot=committee_snapshot(committee),
        now=now,
    )


def start_evaluation(section_id: str, *, uow: UnitOfWork, clock: Clock, actor: Actor) -> Committee:
    """Open the session now: every seat accepted, the representatives named, every member checked in; the machine
    runs the pinned terms over every decrypted bid."""
    now = clock.now()
    with uow:
        section, committee = _in_evaluation(uow, section_id, actor)
        if committee is None:
            raise NotFound(
                f"Section {section.code} has no evaluation committee yet: draw one first.", field="section_id"
            )
        reason = not_ready(uow, section, committee)
        if reason is not None:
            raise InvalidTransition(reason)
        _open_session(uow, section, committee, actor, now)
        uow.commit()
    return committee


def start_due_sessions(*, uow: UnitOfWork, clock: Clock) -> list[str]:
    """The machine opens every session whose scheduled start has come and that is ready (机器管: nobody has to
    press start); returns the sections started. A session not ready waits for the next pass."""
    now = clock.now()
    with uow:
        due = [c.section_id for c in uow.committees.not_started() if c.schedule.evaluation.start <= now]
    started = []
    for section_id in due:
        with uow:
            section = uow.sections.get(section_id)
            committee = uow.committees.get(section_id)
            if section.status is not SectionStatus.EVALUATION or not_ready(uow, section, committee) is not None:
                continue
            _open_session(uow, section, committee, EVALUATION_SESSION, now)
            uow.commit()
        started.append(section_id)
    return started


def _fail(uow: UnitOfWork, section: Section, actor: Actor, now: datetime, reason: str) -> EvaluationResult:
    apply_transition(section, Action.FAIL_EVALUATION, actor=actor, now=now, reason=reason)
    uow.sections.save(section)
    uow.record(
        actor=actor,
        action=LedgerAction.SECTION_FAILED,
        subject_type=SubjectType.SECTION,
        subject_id=section.id,
        payload={"reason": reason},
        snapshot=section_snapshot(section),
        now=now,
    )
    uow.commit()
    return EvaluationResult(section.id, section.status.value, (), reason)


def _sheets(uow: UnitOfWork, section_id: str) -> list[ScoreSheet]:
    return [s for sheet in uow.sheets.for_section(section_id) for s in sheet.bids.values()]


def _check_warnings(uow: UnitOfWork, terms: TenderTerms, committee: Committee, sheets: list[ScoreSheet]) -> None:
    """Every member has scored every bid, and every warning their scores raise has its answers (1117号 (五)),
    before the ranking."""
    if terms.scoring is None or committee.review is None:
        return
    if not all_submitted(sheets, committee.members, committee.review.scored):
        have = {(s.expert_id, s.bid_id) for s in sheets}
        missing = sum(1 for m in committee.members for b in committee.review.scored if (m, b) not in have)
        raise InvalidTransition(
            f"{missing} score sheet(s) are still missing: every member scores every bid before the ranking "
            "(条例 第四十九条)."
        )
    by_bid: dict[str, dict[str, ScoreSheet]] = {}
    for s in sheets:
        by_bid.setdefault(s.bid_id, {})[s.expert_id] = s
    scored = {b: by_bid.get(b, {}) for b in committee.review.scored}
    warnings = score_warnings(rubric_of(terms.scoring), scored, committee.members)
    answers = [a for raised in uow.score_warnings.for_section(committee.section_id) for a in raised.answers]
    ensure_warnings_resolved(tuple(warnings), answers)


def evaluate_section(section_id: str, *, uow: UnitOfWork, clock: Clock, actor: Actor) -> EvaluationResult:
    """Finalise by the pinned terms: the committee's review outcome, price scores over the valid bids with the drawn
    K, the objective items, the members' sheets aggregated with every warning answered (1117号 (五)), ranking by the
    stated method and tie-breaks — never by lot (审查规则 第八条) —, at most three candidates (条例 第五十三条), then
    publicity of ``publicity_days`` (条例 第五十四条). No valid bid fails the section (条例 第五十一条).
    """
    now = clock.now()
    with uow:
        section, committee = _in_evaluation(uow, section_id, actor)
        if committee is None:
            if not any(b.status is BidStatus.DECRYPTED for b in uow.bids.in_section(section.id)):
                reason = "No bid was validly decrypted, so no candidate can be ranked (条例 第五十一条)."
                return _fail(uow, section, actor, now, reason)
            raise NotFound(
                f"Section {section.code} has no evaluation committee yet: draw one first.", field="section_id"
            )
        review = committee.ensure_open()
        terms = pinned_terms(uow, section)
        bids = {b.id: b for b in uow.bids.in_section(section.id)}
        sheets = _sheets(uow, section_id)
        _check_warnings(uow, terms, committee, sheets)
        outcome = evaluation_outcome(
            terms,
            review,
            bids,
            standings(uow, list(bids.values())),
            members=committee.members,
            sheets=sheets,
            k=drawn_k(section, terms.k_values),
            deadline=section.schedule.bid_deadline,
            now=now,
        )
        if not outcome.valid:
            return _fail(
                uow, section, actor, now, "No bid passed the review, so no candidate can be ranked (条例 第五十一条)."
            )
        committee.outcome = outcome
        uow.committees.save(committee, now=now)
        uow.scores.replace_machine(section.id, _machine_scores(committee), now=now)
        candidates = _candidates(outcome.ranking[:3], bids, outcome.totals)
        apply_transition(section, Action.FINISH_EVALUATION, actor=actor, now=now)
        section.publicity_ends = now + timedelta(days=section.schedule.publicity_days)
        uow.candidates.replace(section.id, candidates)
        uow.record(
            actor=actor,
            action=LedgerAction.EVALUATION_COMPLETED,
            subject_type=SubjectType.COMMITTEE,
            subject_id=section.id,
            payload={
                "method": terms.method.value,
                "terms_digest": section.terms_digest,
                "ranking": [[r.rank, r.bid_id, str(r.total), r.decided_by] for r in outcome.ranking],
            },
            snapshot=committee_snapshot(committee),
            now=now,
        )
        for c in candidates:
            uow.record(
                actor=actor,
                action=LedgerAction.EVALUATION_COMPLETED,
                subject_type=SubjectType.CANDIDATE,
                subject_id=f"{section.id}:{c.rank}",
                payload={
                    "method": terms.method.value,
                    "rank": c.rank,
                    "bidder_id": c.bidder_id,
                    "price": str(c.price),
                    "score": None if c.score is None else str(c.score),
                },
                snapshot=candidate_snapshot(c.rank, c.bid_id, c.bidder_id, str(c.price), False),
                now=now,
            )
        uow.sections.save(section)
        uow.record(
            actor=actor,
            action=LedgerAction.SECTION_PUBLICISED,
            subject_type=SubjectType.SECTION,
            subject_id=section.id,
            payload={"publicity_ends": section.publicity_ends.isoformat(), "candidates": len(candidates)},
            snapshot=section_snapshot(section),
            now=now,
        )
        uow.commit()
    return EvaluationResult(section.id, section.status.value, candidates)


def _candidates(rows: tuple, bids: Mapping[str, Bid], totals: Mapping) -> tuple[Candidate, ...]:  # type: ignore[type-arg]
    return tuple(
        Candidate(
            rank=r.rank,
            bid_id=r.bid_id,
            bidder_id=bids[r.bid_id].bidder_id,
            price=bids[r.bid_id].data.price,  # type: ignore[union-attr]
            score=totals[r.bid_id].total if r.bid_id in totals else None,
        )
        for r in rows
    )
