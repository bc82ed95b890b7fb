"""Ranking and winning candidates (推荐中标候选人): tie-breaks stated in the tender, never by lot.

条例 第五十三条: at most three candidates, ranked. 条例 第五十五条: in a state-funded project the
first-ranked candidate wins unless a listed reason applies (``Rank1Exception`` and ``select_winner`` live in
``domain.award.decision`` and are re-exported here). 审查规则 第八条 (四) and 1117号 (二):
no candidate or winner is chosen by drawing lots (抽签、摇号、抓阄).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from fairbid.domain.award.decision import Rank1Exception, select_winner
from fairbid.domain.errors import InvalidInput, RuleViolation

__all__ = [
    "MAX_CANDIDATES",
    "EvaluationMethod",
    "Rank1Exception",
    "RankEntry",
    "RankedBid",
    "Ranking",
    "TieBreak",
    "rank_bids",
    "select_winner",
]

MAX_CANDIDATES = 3


class EvaluationMethod(StrEnum):
    """The tender's evaluation method (条例 第四十九条: only the method written in the document; 12号令 第二十九条)."""

    COMPREHENSIVE = "comprehensive"  # 综合评估法: higher total first
    LOWEST_EVALUATED_PRICE = "lowest_evaluated_price"  # 经评审的最低投标价法: lower evaluated price first


class TieBreak(StrEnum):
    """Tie-breaks in the order the tender lists them; none of them is chance."""

    LOWER_PRICE = "lower_price"
    HIGHER_TECHNICAL = "higher_technical"
    STATED_RULE = "stated_rule"  # the tender's own rule, as a number where higher wins (e.g. credit score)


DEFAULT_TIE_BREAKS = (TieBreak.LOWER_PRICE, TieBreak.HIGHER_TECHNICAL, TieBreak.STATED_RULE)


@dataclass(frozen=True, slots=True)
class RankEntry:
    """A valid bid's numbers for ranking."""

    bid_id: str
    price: Decimal  # evaluated price (评标价)
    total: Decimal = Decimal(0)  # comprehensive score (unused for the lowest price method)
    technical: Decimal = Decimal(0)  # technical (subjective) score
    stated: Decimal | None = None  # value under the tender's stated rule, higher wins


@dataclass(frozen=True, slots=True)
class RankedBid:
    """A ranked bid and the tie-break that separated it from the one above, if any."""

    rank: int
    bid_id: str
    entry: RankEntry
    decided_by: str  # "total", "price", or the tie-break's value


@dataclass(frozen=True, slots=True)
class Ranking:
    """The full order and the (at most three) recommended candidates."""

    method: EvaluationMethod
    rows: tuple[RankedBid, ...]
    candidates: tuple[str, ...]


def _primary(entry: RankEntry, method: EvaluationMethod) -> Decimal:
    return -entry.total if method is EvaluationMethod.COMPREHENSIVE else entry.price


def _tie_value(entry: RankEntry, tie: TieBreak) -> Decimal:
    if tie is TieBreak.LOWER_PRICE:
        return entry.price
    if tie is TieBreak.HIGHER_TECHNICAL:
        return -entry.technical
    if entry.stated is None:
        raise InvalidInput(f"Bid {entry.bid_id} has no value under the tender's stated rule.", field="stated")
    return -entry.stated


def rank_bids(
    entries: Sequence[RankEntry],
    *,
    method: EvaluationMethod,
    tie_breaks: Sequence[TieBreak] = DEFAULT_TIE_BREAKS,
    candidates: int = MAX_CANDIDATES,
) -> Ranking:
    """Rank valid bids by the tender's method and tie-breaks; recommend at most three (条例 第五十三条).

    Ties: lower price, then higher technical score, then the tender's stated rule (catalog §4). A tie that
    survives every stated tie-break raises ``RuleViolation``: it is never broken by lot (审查规则 第八条).
    """
    if not 1 <= candidates <= MAX_CANDIDATES:
        raise RuleViolation(
            f"The committee recommends 1 to {MAX_CANDIDATES} candidates, not {candidates}.",
            rule="T16",
            citation="条例 第五十三条",
        )
    ids = [e.bid_id for e in entries]
    if len(set(ids)) != len(ids):
        raise InvalidInput("A bid appears twice in the ranking.", field="entries")
    rows: list[RankedBid] = []
    primary_name = "total" if method is EvaluationMethod.COMPREHENSIVE else "price"
    ordered = sorted(entries, key=lambda e: _primary(e, method))
    # group by the primary value, then break ties in the stated order
    groups: list[list[RankEntry]] = []
    for entry in ordered:
        if groups and _primary(groups[-1][0], method) == _primary(entry, method):
            groups[-1].append(entry)
        else:
            groups.append([entry])
    for group in groups:
        _order_tied(group, tie_breaks, rows, primary_name)
    return Ranking(method, tuple(rows), tuple(r.bid_id for r in rows[:candidates]))


def _order_tied(
    group: list[RankEntry], tie_breaks: Sequence[TieBreak], rows: list[RankedBid], primary_name: str
) -> None:
    if len(group) == 1:
        rows.append(RankedBid(len(rows) + 1, group[0].bid_id, group[0], primary_name))
        return
    for depth, tie in enumerate(tie_breaks):
        keys = {e.bid_id: tuple(_tie_value(e, t) for t in tie_breaks[: depth + 1]) for e in group}
        if len(set(keys.values())) == len(group):
            for entry in sorted(group, key=lambda e: keys[e.bid_id]):
                rows.append(RankedBid(len(rows) + 1, entry.bid_id, entry, tie.value))
            return
    raise RuleViolation(
        f"Bids {', '.join(sorted(e.bid_id for e in group))} stay tied after every stated tie-break "
        f"({', '.join(t.value for t in tie_breaks)}); the tender document must state a further rule — "
        "ties are never broken by lot.",
        rule="tie-break",
        citation="审查规则 第八条 (四); 1117号 (二)",
    )
