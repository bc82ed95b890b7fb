"""The tenderee's decision (定标): who wins among the committee's candidates, and why, on the record.

- 招标投标法实施条例 第五十五条: in a project where state funds hold control or a leading position
  (国有资金占控股或者主导地位), the first-ranked candidate wins. Only when it gives up, cannot perform because
  of force majeure, fails to provide the performance security the tender requires, or is found to have
  broken the law in a way that affects the result, may the tenderee take the next candidates in order
  (or re-tender).
- 招标投标法 第四十条第二款: otherwise the tenderee determines the winner from the committee's report and
  recommended candidates; the platform asks for the written reason whenever it is not the first.
- 招标投标法 第五十七条: a winner outside the recommended candidates is void; the platform refuses it.

``select_winner`` (moved here from ``domain.evaluation.ranking``, which re-exports it) is the bare rule;
``decide_award`` applies it to the stored candidates and returns the decision with its reasons.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from fairbid.domain.award.candidate import MAX_CANDIDATES, Candidate
from fairbid.domain.errors import InvalidInput, RuleViolation

__all__ = [
    "CAUSE_TEXT",
    "AwardDecision",
    "PassOver",
    "Rank1Exception",
    "RankedCandidates",
    "decide_award",
    "select_winner",
]

STATE_FUNDED_CITATION = "招标投标法实施条例 第五十五条"
CHOICE_CITATION = "招标投标法 第四十条第二款"
OUTSIDE_CITATION = "招标投标法 第五十七条"
_MIN_REASON = 4  # characters: a reason is a sentence, not a tick


class Rank1Exception(StrEnum):
    """Reasons a state-funded project may pass over the first candidate (条例 第五十五条)."""

    GAVE_UP = "gave_up"  # 放弃中标
    CANNOT_PERFORM = "cannot_perform"  # 因不可抗力不能履行合同
    NO_PERFORMANCE_SECURITY = "no_performance_security"  # 不按照招标文件要求提交履约保证金
    VIOLATION_FOUND = "violation_found"  # 被查实存在影响中标结果的违法行为


CAUSE_TEXT: Mapping[Rank1Exception, str] = {
    Rank1Exception.GAVE_UP: "放弃中标",
    Rank1Exception.CANNOT_PERFORM: "因不可抗力不能履行合同",
    Rank1Exception.NO_PERFORMANCE_SECURITY: "不按照招标文件要求提交履约保证金",
    Rank1Exception.VIOLATION_FOUND: "被查实存在影响中标结果的违法行为",
}


class RankedCandidates(Protocol):
    """Anything with the candidates' ids in ranking order (``evaluation.Ranking`` is one)."""

    @property
    def candidates(self) -> tuple[str, ...]: ...


def select_winner(
    ranking: RankedCandidates,
    *,
    state_funded: bool,
    chosen: str | None = None,
    passed_over: Mapping[str, Rank1Exception] | None = None,
) -> str:
    """The winner among the candidates (定标).

    State-funded (国有资金占控股或者主导地位): the first candidate not passed over for a listed reason
    wins, in ranking order (条例 第五十五条). Otherwise the tenderee picks ``chosen`` among the candidates
    (法 第四十条); it defaults to the first.
    """
    passed_over = passed_over or {}
    unknown = set(passed_over) - set(ranking.candidates)
    if unknown:
        raise InvalidInput(f"{', '.join(sorted(unknown))} are not candidates.", field="passed_over")
    remaining = [c for c in ranking.candidates if c not in passed_over]
    if not remaining:
        raise RuleViolation(
            "Every candidate has been passed over; re-tender (条例 第五十五条).",
            rule="T18",
            citation="条例 第五十五条",
        )
    if state_funded:
        if chosen is not None and chosen != remaining[0]:
            raise RuleViolation(
                f"In a state-funded project the first remaining candidate ({remaining[0]}) wins, not {chosen}.",
                rule="T18",
                citation="条例 第五十五条",
            )
        return remaining[0]
    if chosen is None:
        return remaining[0]
    if chosen not in remaining:
        raise InvalidInput(f"{chosen} is not an available candidate.", field="chosen")
    return chosen


@dataclass(frozen=True, slots=True)
class PassOver:
    """A candidate set aside, with the 条例 第五十五条 cause and the facts behind it in writing."""

    bid_id: str
    cause: Rank1Exception
    facts: str  # e.g. "中标候选人于2026年3月20日书面放弃中标（附件：放弃函）"


@dataclass(frozen=True, slots=True)
class _Ids:
    candidates: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AwardDecision:
    """定标结果: the winner, who was set aside and why, the written reason, and the rule applied."""

    section_id: str
    winner: Candidate
    state_funded: bool
    passed_over: tuple[PassOver, ...]
    reason: str
    decided_at: datetime
    citation: str


def _check_candidates(candidates: Sequence[Candidate]) -> None:
    if not 1 <= len(candidates) <= MAX_CANDIDATES:
        raise RuleViolation(
            f"There are {len(candidates)} candidates; the committee recommends 1 to {MAX_CANDIDATES}.",
            rule="T16",
            citation="招标投标法实施条例 第五十三条",
        )
    if [c.rank for c in candidates] != list(range(1, len(candidates) + 1)):
        raise InvalidInput("Candidates must come in rank order 1, 2, 3.", field="candidates")
    if len({c.bid_id for c in candidates}) != len(candidates):
        raise InvalidInput("A bid appears twice among the candidates.", field="candidates")


def _check_pass_overs(candidates: Sequence[Candidate], passed_over: Sequence[PassOver]) -> None:
    ids = {c.bid_id for c in candidates}
    for p in passed_over:
        if p.bid_id not in ids:
            raise InvalidInput(f"{p.bid_id} is not a candidate.", field="passed_over")
        if len(p.facts.strip()) < _MIN_REASON:
            raise InvalidInput(
                f"Write the facts behind setting {p.bid_id} aside ({CAUSE_TEXT[p.cause]}).", field="passed_over"
            )
    if len({p.bid_id for p in passed_over}) != len(passed_over):
        raise InvalidInput("A candidate is set aside twice.", field="passed_over")


def decide_award(
    candidates: Sequence[Candidate],
    *,
    section_id: str,
    state_funded: bool,
    decided_at: datetime,
    chosen: str | None = None,
    passed_over: Sequence[PassOver] = (),
    reason: str | None = None,
) -> AwardDecision:
    """The award decision among ``candidates`` (bid ids identify them), or the rule that refuses it.

    State-funded: the first candidate not set aside for a 条例 第五十五条 cause wins; choosing another
    raises ``RuleViolation`` citing 第五十五条. Otherwise the tenderee may choose any remaining candidate
    (招标投标法 第四十条第二款), with a written ``reason`` when it is not the first. A ``chosen`` bid that is
    not a candidate raises ``RuleViolation`` (招标投标法 第五十七条). With every candidate set aside the
    section must be re-tendered (or the tenderee re-tenders by choice, 条例 第五十五条): ``RuleViolation``.
    """
    if decided_at.tzinfo is None:
        raise ValueError("decided_at must be timezone-aware")
    _check_candidates(candidates)
    _check_pass_overs(candidates, passed_over)
    if chosen is not None and chosen not in {c.bid_id for c in candidates}:
        raise RuleViolation(
            f"{chosen} is not among the committee's recommended candidates; a winner chosen outside them is void.",
            rule="award-outside-candidates",
            citation=OUTSIDE_CITATION,
            field="chosen",
        )
    causes = {p.bid_id: p.cause for p in passed_over}
    try:
        winner_id = select_winner(
            _Ids(tuple(c.bid_id for c in candidates)), state_funded=state_funded, chosen=chosen, passed_over=causes
        )
    except RuleViolation as refused:
        # the same rule, said whole: which candidate wins and which causes would allow another
        citation = STATE_FUNDED_CITATION
        if "re-tender" in refused.detail:
            raise RuleViolation(
                "Every candidate has been set aside: re-tender the section (招标投标法实施条例 第五十五条).",
                rule="T18",
                citation=citation,
            ) from refused
        first = next(c for c in candidates if c.bid_id not in causes)
        raise RuleViolation(
            f"This project is state-funded: candidate ranked {first.rank} ({first.bid_id}) wins. Another may be "
            f"chosen only when the ones above are set aside for a cause of {citation} "
            f"({'、'.join(CAUSE_TEXT.values())}), recorded with the facts.",
            rule="T18",
            citation=citation,
            field="chosen",
        ) from refused
    winner = next(c for c in candidates if c.bid_id == winner_id)
    first_remaining = next(c for c in candidates if c.bid_id not in causes)
    written = (reason or "").strip()
    if not state_funded and winner != first_remaining and len(written) < _MIN_REASON:
        raise InvalidInput(
            f"Say in writing why candidate ranked {winner.rank} is chosen over rank {first_remaining.rank} "
            f"({CHOICE_CITATION}).",
            field="reason",
        )
    return AwardDecision(
        section_id,
        winner,
        state_funded,
        tuple(sorted(passed_over, key=lambda p: [c.bid_id for c in candidates].index(p.bid_id))),
        written or _default_reason(winner, passed_over, candidates, state_funded=state_funded),
        decided_at,
        STATE_FUNDED_CITATION if state_funded else CHOICE_CITATION,
    )


def _default_reason(
    winner: Candidate, passed_over: Sequence[PassOver], candidates: Sequence[Candidate], *, state_funded: bool
) -> str:
    rank = {c.bid_id: c.rank for c in candidates}
    above = sorted((p for p in passed_over if rank[p.bid_id] < winner.rank), key=lambda p: rank[p.bid_id])
    basis = "国有资金占控股或者主导地位，" if state_funded else ""
    if not above:
        return f"{basis}确定排名第一的中标候选人为中标人。"
    set_aside = "；".join(f"排名第{rank[p.bid_id]}的中标候选人{CAUSE_TEXT[p.cause]}（{p.facts}）" for p in above)
    return f"{basis}{set_aside}，不符合中标条件，依次确定排名第{winner.rank}的中标候选人为中标人。"
