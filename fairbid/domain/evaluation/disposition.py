"""The committee's decision on every warning (评标委员会对预警和争议的处置), before the ranking.

A **concern** is something the committee must decide on, bid by bid:

- a collusion signal (``CollusionSignalRaised``, 条例 第四十条 or 第三十四条; 1117号): the signal is a
  clue, never proof (195号 (十一)), so the committee rejects the bids it finds colluding under
  条例 第五十一条第（七）项 (or holds them void under 条例 第三十四条第三款 when the signal is a 第三十四条
  one), or keeps them, with reasons;
- a machine-review result that some member disputed (``CheckResult.disputed_by``): reject under the
  check's own citation, or keep;
- a closed below-cost inquiry (``clarification.concerns_from_inquiries``): reject under 条例 第五十一条第（五）项
  and 12号令 第二十一条, or keep; an unanswered one cannot be kept.

A **disposition** records the decision: which of the concern's bids are rejected (all, or some), the
ground, the written reason, and the vote (``vote.check_vote``). ``clearance.clear_for_ranking`` then says
whether ranking may proceed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from fairbid.domain.collusion.model import CollusionSignalRaised
from fairbid.domain.errors import Duplicate, InvalidInput, RuleViolation
from fairbid.domain.evaluation.review import BidReview
from fairbid.domain.evaluation.vote import Vote, check_vote

__all__ = [
    "COLLUSION_GROUND",
    "VOID_GROUND",
    "Concern",
    "ConcernKind",
    "Decision",
    "Disposition",
    "concerns_from_reviews",
    "concerns_from_signals",
    "dispose",
]

COLLUSION_GROUND = "条例 第五十一条 (七)"  # 投标人有串通投标、弄虚作假、行贿等违法行为
VOID_GROUND = "条例 第三十四条第三款"  # 违反前两款规定的，相关投标均无效


class ConcernKind(StrEnum):
    """What the committee must decide on."""

    COLLUSION = "collusion"  # a collusion signal (条例 第四十条; 第三十四条)
    REVIEW_DISPUTE = "review_dispute"  # a machine-review result disputed by a member
    BELOW_COST = "below_cost"  # a closed below-cost inquiry (12号令 第二十一条)


class Decision(StrEnum):
    """The committee's decision on a concern."""

    REJECT = "reject"  # 否决 the named bids under the ground
    KEEP = "keep"  # keep every bid of the concern, with reasons


@dataclass(frozen=True, slots=True)
class Concern:
    """One thing the committee must decide on, about ``bid_ids``, before the ranking."""

    concern_id: str
    kind: ConcernKind
    bid_ids: tuple[str, ...]
    summary: str
    citation: str  # the rule the concern is raised under
    ground: str  # the citation a rejection is made under
    keep_allowed: bool = True  # False where the law leaves no choice (an unanswered below-cost inquiry)


@dataclass(frozen=True, slots=True)
class Disposition:
    """The committee's recorded decision on one concern (past tense: it is an event for the ledger)."""

    concern_id: str
    kind: ConcernKind
    decision: Decision
    rejected: tuple[str, ...]  # bids rejected (empty when kept)
    ground: str  # the citation of the rejection, or of the concern when kept
    reason: str
    vote: Vote
    at: datetime


def _ground_of(signal: CollusionSignalRaised) -> str:
    return VOID_GROUND if "第三十四条" in signal.citation else COLLUSION_GROUND


def concerns_from_signals(
    signals: Mapping[str, CollusionSignalRaised], *, bid_of: Mapping[str, str]
) -> tuple[Concern, ...]:
    """A concern per stored collusion signal, keyed by its warning id; ``bid_of`` maps bidder → bid id.

    Every signal needs a disposition, weak ones included: the committee, not the machine, weighs it.
    """
    out = []
    for warning_id, signal in sorted(signals.items()):
        missing = sorted(b for b in signal.bidders if b not in bid_of)
        if missing:
            raise InvalidInput(f"No bid of bidder(s) {', '.join(missing)} in this section.", field="signals")
        bids = tuple(sorted(bid_of[b] for b in signal.bidders))
        summary = f"{signal.code.value} ({signal.strength.value}): " + "; ".join(signal.evidence)
        out.append(Concern(warning_id, ConcernKind.COLLUSION, bids, summary, signal.citation, _ground_of(signal)))
    return tuple(out)


def concerns_from_reviews(reviews: Iterable[BidReview]) -> tuple[Concern, ...]:
    """A concern per machine-review result that at least one member disputed (``review:<bid>:<check>``)."""
    out = []
    for review in reviews:
        for result in review.results:
            if not result.disputed_by:
                continue
            machine = "passed" if result.passed else "failed"
            reasons = "; ".join(f"{v.expert_id}: {v.reason}" for v in result.verdicts if not v.agrees)
            out.append(
                Concern(
                    f"review:{review.bid_id}:{result.check_id}",
                    ConcernKind.REVIEW_DISPUTE,
                    (review.bid_id,),
                    f"The machine {machine} check {result.check_id} ({result.reason}); disputed by {reasons}.",
                    result.citation,
                    result.citation,
                )
            )
    return tuple(out)


def dispose(
    concern: Concern,
    *,
    decision: Decision,
    reason: str,
    vote: Vote,
    committee: Sequence[str],
    at: datetime,
    reject: Sequence[str] | None = None,
    recorded: Iterable[Disposition] = (),
) -> Disposition:
    """Record the committee's decision on ``concern``: reject some or all of its bids, or keep them.

    ``reject`` names the bids rejected (default: all of the concern's). A written reason is needed either
    way, and the vote must carry (``check_vote``). A concern is decided once: a second disposition raises
    ``Duplicate``. Keeping a concern the law does not let the committee keep raises ``RuleViolation``.
    """
    if any(d.concern_id == concern.concern_id for d in recorded):
        raise Duplicate(f"The committee has already decided on {concern.concern_id}.", field="concern_id")
    if not reason.strip():
        raise InvalidInput("A disposition needs its reasons in writing.", field="reason")
    check_vote(vote, committee)
    if decision is Decision.KEEP:
        if reject:
            raise InvalidInput("Keeping the bids rejects none of them.", field="reject")
        if not concern.keep_allowed:
            raise RuleViolation(
                f"{concern.summary} The bid cannot be kept: {concern.ground} requires its rejection.",
                rule="disposition-keep-refused",
                citation=concern.ground,
            )
        return Disposition(concern.concern_id, concern.kind, decision, (), concern.citation, reason.strip(), vote, at)
    chosen = tuple(sorted(set(reject))) if reject else concern.bid_ids
    outside = sorted(set(chosen) - set(concern.bid_ids))
    if outside:
        raise InvalidInput(f"Bid(s) {', '.join(outside)} are not part of {concern.concern_id}.", field="reject")
    return Disposition(concern.concern_id, concern.kind, decision, chosen, concern.ground, reason.strip(), vote, at)
