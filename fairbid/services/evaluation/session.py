"""Evaluation (评标): machine review first, price scores with K from the beacon, then the committee's
scores, ranking with the tender's tie-breaks, at most three candidates and their publicity.

``start_evaluation`` opens the session once the whole committee has accepted and checked in;
``evaluate_section`` finalises it once every sheet is in and every warning answered. The tender's
evaluation terms (rubric, price formula, requirements) live in the committee's plan (``terms``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from fairbid.crypto.draw import K_LABEL, draw_k
from fairbid.domain.actor import Actor, Role
from fairbid.domain.award import Candidate
from fairbid.domain.bid import BidStatus
from fairbid.domain.errors import InvalidTransition, NotFound, NotPermitted
from fairbid.domain.evaluation import KMode, RankEntry, RankMethod, TieBreak, rank_bids, review_bid, score_prices
from fairbid.domain.section import Action, Section, SectionStatus, apply_transition
from fairbid.ledger.chain import LedgerAction
from fairbid.ledger.snapshot import SubjectType, candidate_snapshot, review_snapshot, section_snapshot
from fairbid.ports import Clock
from fairbid.services.evaluation.committee import accepted_members, load_draw
from fairbid.services.evaluation.terms import (
    PRICE_ITEM,
    bid_facts,
    machine_state,
    price_rules,
    rank_method,
    requirements,
    review_json,
    rubric_of,
    valid_bid_ids,
)
from fairbid.store.expert_pool import parse_iso
from fairbid.store.rows import CommitteeRow
from fairbid.store.uow import SqlUnitOfWork

__all__ = ["EVALUATION_SESSION", "EvaluationResult", "evaluate_section", "start_due_sessions", "start_evaluation"]

_SYSTEM = frozenset({Role.OPERATOR, Role.MACHINE})


@dataclass(frozen=True, slots=True)
class EvaluationResult:
    section_id: str
    status: str
    candidates: tuple[Candidate, ...]
    reason: str | None = None


def _in_evaluation(uow: SqlUnitOfWork, section_id: str, actor: Actor) -> tuple[Section, CommitteeRow | None]:
    if actor.role not in _SYSTEM:
        raise NotPermitted("Only the trading centre's machine runs the evaluation.")
    section = uow.sections.get(section_id)
    if section.status is not SectionStatus.EVALUATION:
        raise InvalidTransition(f"Section {section.code} is {section.status}, not in evaluation.")
    return section, uow.committees.find(section_id)


def _no_committee(section: Section) -> NotFound:
    return NotFound(f"Section {section.code} has no evaluation committee yet: draw one first.", field="section_id")


def _price_scores(
    section: Section, terms: Mapping[str, Any], prices: Mapping[str, Decimal]
) -> tuple[dict[str, Any], dict[str, Decimal]]:
    rubric = rubric_of(terms)
    bench_rule, score_rule = price_rules(terms, rubric)
    k = draw_k(bytes.fromhex(section.beacon or ""), section.k_values) if bench_rule.k_mode is not KMode.NONE else None
    benchmark, scores = score_prices(prices, bench_rule, score_rule, k=k)
    summary = {
        "k": None if k is None else str(k),
        "k_label": K_LABEL,
        "k_values": [str(v) for v in section.k_values],
        "benchmark": str(benchmark.value),
        "mean": str(benchmark.mean),
        "used": list(benchmark.used),
        "removed_low": list(benchmark.removed_low),
        "removed_high": list(benchmark.removed_high),
        "scores": {b: str(s) for b, s in sorted(scores.items())},
    }
    return summary, scores


def _not_ready(uow: SqlUnitOfWork, section_id: str, row: CommitteeRow) -> str | None:
    """Why the session cannot start yet, or None: every seat accepted (or replaced) and checked in."""
    if row.evaluation_started_at is not None:
        return "The evaluation session has already started."
    draw = load_draw(row)
    if not draw.is_complete:
        return (
            "Every drawn expert must accept (or be replaced) before the evaluation starts: "
            f"{sum(1 for s in draw.active if s.status.value != 'accepted')} pending, {len(draw.vacant)} vacant."
        )
    checked = {a.expert_id for a in uow.session_actions.for_section(section_id) if a.action == "check_in"}
    missing = [m for m in accepted_members(draw) if m not in checked]
    if missing:
        return f"{len(missing)} committee members have not checked in at their venue yet."
    return None


def _open_session(
    uow: SqlUnitOfWork, section: Section, row: CommitteeRow, actor: Actor, now: datetime
) -> dict[str, Any]:
    """The machine reviews every decrypted bid (条例 第五十一条) and scores prices by the tender's formula with
    K from the beacon (条例 第四十九条); the session is open from here. The caller commits."""
    members = accepted_members(load_draw(row))
    terms = row.plan["terms"]
    req = requirements(section, terms)
    bids = [b for b in uow.bids.in_section(section.id) if b.status is BidStatus.DECRYPTED and b.data is not None]
    codes = {o_id: o.credit_code for o_id, o in uow.organisations.names([b.bidder_id for b in bids]).items()}
    reviews = {b.id: review_bid(bid_facts(b, codes[b.bidder_id], req), req, now=now) for b in bids}
    passed = {b.id: b.data.price for b in bids if b.data is not None and reviews[b.id].passed}
    price: dict[str, Any] = {}
    if passed:
        price, scores = _price_scores(section, terms, passed)
        uow.scores.replace_machine(section.id, {b: {PRICE_ITEM: s} for b, s in scores.items()}, now=now)
    reviewed: dict[str, Any] = {bid_id: review_json(r) for bid_id, r in sorted(reviews.items())}
    state = {
        "reviews": reviewed,
        "scored": sorted(passed),
        "price": price,
        "started_at": now.isoformat(),
    }
    row.draw = {**row.draw, "machine": state}
    row.evaluation_started_at = now
    row.updated_at = now
    uow.record(
        actor=actor,
        action=LedgerAction.EVALUATION_STARTED,
        subject_type=SubjectType.COMMITTEE,
        subject_id=section.id,
        payload={
            "members": len(members),
            "reviews": {b: [r.check_id for r in rv.failures] for b, rv in sorted(reviews.items())},
            "k": price.get("k"),
            "benchmark": price.get("benchmark"),
        },
        snapshot=review_snapshot(reviewed),
        now=now,
    )
    return state


def start_evaluation(section_id: str, *, uow: SqlUnitOfWork, clock: Clock, actor: Actor) -> dict[str, Any]:
    """Open the session now: every seat accepted and checked in; the machine reviews every decrypted bid
    (条例 第五十一条) and scores prices by the tender's formula with K from the beacon (条例 第四十九条)."""
    now = clock.now()
    with uow:
        section, row = _in_evaluation(uow, section_id, actor)
        if row is None:
            raise _no_committee(section)
        reason = _not_ready(uow, section_id, row)
        if reason is not None:
            raise InvalidTransition(reason)
        state = _open_session(uow, section, row, actor, now)
        uow.commit()
    return state


EVALUATION_SESSION = Actor(role=Role.MACHINE, job="evaluation-session")


def start_due_sessions(*, uow: SqlUnitOfWork, clock: Clock) -> list[str]:
    """The machine opens every session whose scheduled start has come and whose seats are all accepted and
    checked in (机器管: nobody has to press start); returns the sections started. A session not ready at its
    time waits for the next pass, or for the operator's ``start_evaluation``."""
    now = clock.now()
    with uow:
        due = [row.section_id for row in uow.committees.not_started() if parse_iso(row.plan["evaluation_start"]) <= now]
    started = []
    for section_id in due:
        with uow:
            section = uow.sections.get(section_id)
            row = uow.committees.get(section_id)
            if section.status is not SectionStatus.EVALUATION or _not_ready(uow, section_id, row) is not None:
                continue
            _open_session(uow, section, row, EVALUATION_SESSION, now)
            uow.commit()
        started.append(section_id)
    return started


def _fail(uow: SqlUnitOfWork, section: Section, actor: Actor, now: datetime, reason: str) -> EvaluationResult:
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


def evaluate_section(section_id: str, *, uow: SqlUnitOfWork, clock: Clock, actor: Actor) -> EvaluationResult:
    """Finalise: the committee's review outcome, price scores, aggregated sheets with every warning
    answered (1117号 (五)), ranking by the tender's method and tie-breaks — never by lot (审查规则 第八条) —,
    at most three candidates (条例 第五十三条), then publicity of ``publicity_days`` (条例 第五十四条).
    No valid bid fails the section (条例 第五十一条).
    """
    from fairbid.services.evaluation.scoring import aggregate_section

    now = clock.now()
    with uow:
        section, row = _in_evaluation(uow, section_id, actor)
        if row is None:
            if not any(b.status is BidStatus.DECRYPTED for b in uow.bids.in_section(section.id)):
                reason = "No bid was validly decrypted, so no candidate can be ranked (条例 第五十一条)."
                return _fail(uow, section, actor, now, reason)
            raise _no_committee(section)
        draw = load_draw(row)
        members = accepted_members(draw)
        machine_state(row)
        terms = row.plan["terms"]
        valid = valid_bid_ids(row, len(members))
        if not valid:
            return _fail(
                uow, section, actor, now, "No bid passed the review, so no candidate can be ranked (条例 第五十一条)."
            )
        bids = {b.id: b for b in uow.bids.in_section(section.id)}
        prices = {b: bids[b].data.price for b in valid if bids[b].data is not None}  # type: ignore[union-attr]
        price, scores = _price_scores(section, terms, prices)
        uow.scores.replace_machine(section.id, {b: {PRICE_ITEM: s} for b, s in scores.items()}, now=now)
        method = rank_method(terms)
        totals = aggregate_section(uow, row, members, valid, scores) if method is RankMethod.COMPREHENSIVE else {}
        entries = [
            RankEntry(
                b,
                prices[b],
                total=totals[b].total if b in totals else Decimal(0),
                technical=totals[b].subjective_total if b in totals else Decimal(0),
            )
            for b in valid
        ]
        ranking = rank_bids(entries, method=method, tie_breaks=[TieBreak(t) for t in terms["tie_breaks"]])
        candidates = tuple(
            Candidate(
                rank=i + 1,
                bid_id=b,
                bidder_id=bids[b].bidder_id,
                price=prices[b],
                score=totals[b].total if b in totals else None,
            )
            for i, b in enumerate(ranking.candidates)
        )
        row.draw = {
            **row.draw,
            "result": {
                "price": price,
                "valid": valid,
                "ranking": [
                    {"rank": r.rank, "bid_id": r.bid_id, "decided_by": r.decided_by, "total": str(r.entry.total)}
                    for r in ranking.rows
                ],
                "totals": {
                    b: {"items": {k: str(v) for k, v in t.items.items()}, "total": str(t.total)}
                    for b, t in totals.items()
                },
                "finished_at": now.isoformat(),
            },
        }
        apply_transition(section, Action.FINISH_EVALUATION, actor=actor, now=now)
        section.publicity_ends = now + timedelta(days=section.schedule.publicity_days)
        uow.candidates.replace(section.id, candidates)
        for c in candidates:
            uow.record(
                actor=actor,
                action=LedgerAction.EVALUATION_COMPLETED,
                subject_type=SubjectType.CANDIDATE,
                subject_id=f"{section.id}:{c.rank}",
                payload={
                    "method": method.value,
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
