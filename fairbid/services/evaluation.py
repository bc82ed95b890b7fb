"""Evaluation (评标): the machine ranks valid bids and starts the candidates' publicity."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from fairbid.domain.actor import Actor, Role
from fairbid.domain.award import Candidate, rank_lowest_price
from fairbid.domain.errors import NotPermitted
from fairbid.domain.section import Action, apply_transition, next_check
from fairbid.ledger.chain import LedgerAction
from fairbid.ports import Clock
from fairbid.services.trace import candidate_snapshot, record, section_snapshot
from fairbid.store.rows import CandidateRow
from fairbid.store.uow import SqlUnitOfWork

__all__ = ["EvaluationResult", "evaluate_section"]


@dataclass(frozen=True, slots=True)
class EvaluationResult:
    section_id: str
    status: str
    candidates: tuple[Candidate, ...]
    reason: str | None = None


def evaluate_section(section_id: str, *, uow: SqlUnitOfWork, clock: Clock, actor: Actor) -> EvaluationResult:
    """Rank by the lowest evaluated price (经评审的最低投标价法), keep ≤ 3 candidates, start publicity.

    Publicity lasts the section's ``publicity_days`` (≥ 3, 条例 第五十四条). No valid bid fails the section.
    """
    now = clock.now()
    with uow:
        if actor.role not in (Role.OPERATOR, Role.MACHINE):
            raise NotPermitted("Only the trading centre's machine runs the evaluation.")
        section = uow.sections.get(section_id)
        candidates = rank_lowest_price(uow.bids.in_section(section.id))
        if not candidates:
            reason = "No bid was validly decrypted, so no candidate can be ranked (条例 第五十一条)."
            apply_transition(section, Action.FAIL_EVALUATION, actor=actor, now=now, reason=reason)
            uow.sections.save(section, next_check=None)
            record(
                uow,
                actor=actor,
                action=LedgerAction.SECTION_FAILED,
                subject_type="section",
                subject_id=section.id,
                payload={"reason": reason},
                snapshot=section_snapshot(section),
                now=now,
            )
            uow.commit()
            return EvaluationResult(section.id, section.status.value, (), reason)
        apply_transition(section, Action.FINISH_EVALUATION, actor=actor, now=now)
        section.publicity_ends = now + timedelta(days=section.schedule.publicity_days)
        uow.records.set_candidates(
            section.id,
            [
                CandidateRow(
                    section_id=section.id,
                    rank=c.rank,
                    bid_id=c.bid_id,
                    bidder_id=c.bidder_id,
                    price=c.price,
                    awarded_at=None,
                )
                for c in candidates
            ],
        )
        for c in candidates:
            record(
                uow,
                actor=actor,
                action=LedgerAction.EVALUATION_COMPLETED,
                subject_type="candidate",
                subject_id=f"{section.id}:{c.rank}",
                payload={
                    "method": "lowest_evaluated_price",
                    "rank": c.rank,
                    "bidder_id": c.bidder_id,
                    "price": str(c.price),
                },
                snapshot=candidate_snapshot(c.rank, c.bid_id, c.bidder_id, str(c.price), False),
                now=now,
            )
        uow.sections.save(section, next_check=next_check(section))
        record(
            uow,
            actor=actor,
            action=LedgerAction.SECTION_PUBLICISED,
            subject_type="section",
            subject_id=section.id,
            payload={"publicity_ends": section.publicity_ends.isoformat(), "candidates": len(candidates)},
            snapshot=section_snapshot(section),
            now=now,
        )
        uow.commit()
    return EvaluationResult(section.id, section.status.value, tuple(candidates))
