"""Whether the ranking may proceed: every concern decided, and competition judged when bids are few.

Ranking is refused while any concern (collusion signal, disputed machine check, closed below-cost inquiry;
see ``disposition``) whose bids are still valid lacks a disposition. When fewer than three valid bids
remain, the committee records whether competition is lacking and whether it rejects them all
(法 第四十二条第一款; 12号令 第二十七条第一款: 因有效投标不足三个使得投标明显缺乏竞争的，评标委员会可以
否决全部投标). All bids rejected — by the committee's decisions or because none was valid — fails the
section (法 第四十二条第二款; 12号令 第二十七条第二款: 所有投标被否决的，招标人应当依法重新招标).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from fairbid.domain.errors import InvalidInput, InvalidTransition, RuleViolation
from fairbid.domain.evaluation.disposition import Concern, Disposition
from fairbid.domain.evaluation.vote import Vote, check_vote

__all__ = [
    "COMPETITION_CITATION",
    "DISPOSITION_CITATION",
    "FAILURE_CITATION",
    "CompetitionDecision",
    "EvaluationFailed",
    "FailureCause",
    "RankingClearance",
    "clear_for_ranking",
    "decide_competition",
    "ensure_ranking_allowed",
]

COMPETITION_CITATION = "法 第四十二条第一款; 12号令 第二十七条第一款"
FAILURE_CITATION = "法 第四十二条第二款; 12号令 第二十七条第二款"
DISPOSITION_CITATION = "条例 第四十九条; 条例 第五十一条; 195号 (十一)"  # the committee decides, not the machine
MIN_VALID = 3


class FailureCause(StrEnum):
    """Why the evaluation failed the section (流标)."""

    ALL_BIDS_REJECTED = "all_bids_rejected"  # no valid bid remains
    COMPETITION_LACKING = "competition_lacking"  # the committee rejected the remaining few bids


@dataclass(frozen=True, slots=True)
class EvaluationFailed:
    """The evaluation ends without candidates: the section fails with this cause (``Action.FAIL_EVALUATION``)."""

    cause: FailureCause
    detail: str
    citation: str


@dataclass(frozen=True, slots=True)
class CompetitionDecision:
    """The committee's decision, with fewer than three valid bids, on whether competition is lacking."""

    valid_bids: tuple[str, ...]  # the valid bids the decision was made on
    lacking: bool
    reject_all: bool
    reason: str
    vote: Vote
    at: datetime


def decide_competition(
    valid_bids: Sequence[str],
    *,
    lacking: bool,
    reject_all: bool,
    reason: str,
    vote: Vote,
    committee: Sequence[str],
    at: datetime,
) -> CompetitionDecision:
    """Record whether competition is lacking among fewer than three valid bids, and whether all are rejected.

    Only with one or two valid bids (12号令 第二十七条第一款). Rejecting all needs the finding that
    competition is lacking; a written reason and a carried vote are needed either way.
    """
    valid = tuple(sorted(set(valid_bids)))
    if not 0 < len(valid) < MIN_VALID:
        raise InvalidTransition(
            f"Competition is judged only when one or two valid bids remain, not {len(valid)}.", field="valid_bids"
        )
    if reject_all and not lacking:
        raise RuleViolation(
            "All bids may be rejected only when competition is found lacking.",
            rule="competition-lacking",
            citation=COMPETITION_CITATION,
            field="reject_all",
        )
    if not reason.strip():
        raise InvalidInput("The decision on competition needs its reasons in writing.", field="reason")
    check_vote(vote, committee)
    return CompetitionDecision(valid, lacking, reject_all, reason.strip(), vote, at)


@dataclass(frozen=True, slots=True)
class RankingClearance:
    """Where the evaluation stands before ranking: what is missing, what was rejected, what remains."""

    missing: tuple[Concern, ...]  # concerns on still-valid bids without a disposition
    rejected: tuple[tuple[str, str], ...]  # (bid id, ground), each bid once, by the first disposition
    valid: tuple[str, ...]  # bids left to rank
    competition_needed: bool  # one or two valid bids and no decision on competition for exactly them
    failure: EvaluationFailed | None

    @property
    def may_rank(self) -> bool:
        """True when the ranking may be computed now."""
        return not self.missing and not self.competition_needed and self.failure is None

    def explain(self) -> str:
        """One paragraph for the committee's page and for the refusal."""
        if self.failure is not None:
            return self.failure.detail
        parts = []
        if self.missing:
            listed = "; ".join(f"{c.concern_id} ({c.kind.value}, bids {', '.join(c.bid_ids)})" for c in self.missing)
            parts.append(f"{len(self.missing)} warning(s) await the committee's decision: {listed}.")
        if self.competition_needed:
            parts.append(
                f"Only {len(self.valid)} valid bid(s) remain: the committee must record whether competition is "
                f"lacking ({COMPETITION_CITATION})."
            )
        return " ".join(parts) or f"Ranking may proceed with {len(self.valid)} valid bid(s)."


def clear_for_ranking(
    bids: Sequence[str],
    concerns: Iterable[Concern],
    dispositions: Iterable[Disposition],
    *,
    competition: CompetitionDecision | None = None,
) -> RankingClearance:
    """Whether the ranking may proceed over ``bids`` (the bids valid after the machine review).

    A concern whose bids have all been rejected by other dispositions needs no decision of its own.
    """
    decided = {d.concern_id: d for d in dispositions}
    concern_list = list(concerns)
    stray = sorted(set(decided) - {c.concern_id for c in concern_list})
    if stray:
        raise InvalidInput(f"Dispositions of unknown concerns: {', '.join(stray)}.", field="dispositions")
    rejected: dict[str, str] = {}
    for disposition in sorted(decided.values(), key=lambda d: (d.at, d.concern_id)):
        for bid in disposition.rejected:
            rejected.setdefault(bid, disposition.ground)
    valid = tuple(sorted(b for b in set(bids) if b not in rejected))
    missing = tuple(c for c in concern_list if c.concern_id not in decided and any(b in valid for b in c.bid_ids))
    failure: EvaluationFailed | None = None
    competition_needed = False
    if not valid:
        failure = EvaluationFailed(
            FailureCause.ALL_BIDS_REJECTED,
            f"No valid bid remains ({len(rejected)} rejected by the committee): the section fails and must be "
            f"tendered again ({FAILURE_CITATION}).",
            FAILURE_CITATION,
        )
    elif len(valid) < MIN_VALID and not missing:
        if competition is None or competition.valid_bids != valid:
            competition_needed = True
        elif competition.reject_all:
            failure = EvaluationFailed(
                FailureCause.COMPETITION_LACKING,
                f"With {len(valid)} valid bid(s) the committee found competition lacking and rejected them all "
                f"({COMPETITION_CITATION}): the section fails and must be tendered again.",
                f"{COMPETITION_CITATION}; {FAILURE_CITATION}",
            )
    return RankingClearance(missing, tuple(sorted(rejected.items())), valid, competition_needed, failure)


def ensure_ranking_allowed(clearance: RankingClearance) -> tuple[str, ...]:
    """The bids to rank, or ``RuleViolation`` saying what the committee must still decide (or why it failed)."""
    if clearance.may_rank:
        return clearance.valid
    if clearance.failure is not None:
        rule, citation = "evaluation-failed", clearance.failure.citation
    elif clearance.missing:
        rule, citation = "committee-disposition", DISPOSITION_CITATION
    else:
        rule, citation = "competition-decision", COMPETITION_CITATION
    raise RuleViolation(clearance.explain(), rule=rule, citation=citation)
