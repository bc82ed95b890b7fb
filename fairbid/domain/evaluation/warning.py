"""Warnings on expert scores (评分预警) and the warned expert's answer.

1117号 (五) asks for checks on inconsistent and abnormal scoring; 195号 第九项 names arithmetic errors and
excessive deviation. A warned expert must confirm the score or revise it, with a written reason either
way; the report is not final while a warning is unanswered.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Context, Decimal

from fairbid.domain.errors import InvalidInput, NotPermitted, RuleViolation
from fairbid.domain.evaluation.model import Rubric, RubricItem, ScoreSheet, ScoreWarning, WarningAnswer, WarningKind

__all__ = [
    "WARNING_CITATION",
    "answer_warning",
    "arithmetic_slips",
    "ensure_warnings_resolved",
    "identical_sheets",
    "item_deviations",
    "score_warnings",
    "unresolved_warnings",
]

WARNING_CITATION = "1117号 (五); 195号 第九项"
_CTX = Context(prec=28, rounding=ROUND_HALF_EVEN)


def item_deviations(
    rubric: Rubric, bid_id: str, item: RubricItem, experts: Sequence[str], values: Sequence[Decimal], total: Decimal
) -> list[ScoreWarning]:
    """Deviation warnings on one item of one bid: |score − mean of the others| > threshold × item maximum."""
    n = len(values)
    if n < 2:
        return []
    others = Decimal(n - 1)
    allowed = rubric.deviation_threshold * item.max_score
    # |v − mean(others)| > t·max  ⇔  |n·v − total| > t·max·(n − 1)  ⇔  v outside [lo, hi]: two divisions
    # per item, then only comparisons per score (scores have few decimals, so the 28-digit quotient
    # cannot land on the wrong side of one)
    limit = allowed * others
    hi = _CTX.divide(total + limit, Decimal(n))
    lo = _CTX.divide(total - limit, Decimal(n))
    if lo <= min(values) and max(values) <= hi:
        return []
    return [
        ScoreWarning(
            WarningKind.DEVIATION,
            bid_id,
            (expert_id,),
            item.item_id,
            value,
            _CTX.divide(total - value, others),
            allowed,
        )
        for expert_id, value in zip(experts, values, strict=True)
        if value > hi or value < lo
    ]


def identical_sheets(bid_id: str, experts: Sequence[str], columns: Sequence[Sequence[Decimal]]) -> list[ScoreWarning]:
    """Experts whose scores on every subjective item of a bid are identical (needs ≥ 2 items)."""
    if len(columns) < 2:
        return []  # one item alike is ordinary agreement, not a copied sheet
    groups: dict[tuple[Decimal, ...], list[str]] = {}
    for expert_id, row in zip(experts, zip(*columns, strict=True), strict=True):
        groups.setdefault(row, []).append(expert_id)
    if len(groups) == len(experts):
        return []
    return [
        ScoreWarning(WarningKind.IDENTICAL_SHEETS, bid_id, tuple(group)) for group in groups.values() if len(group) > 1
    ]


def arithmetic_slips(bid_id: str, ordered: Sequence[ScoreSheet]) -> list[ScoreWarning]:
    """Sheets whose written total differs from the sum of their items."""
    found = []
    for sheet in ordered:
        if sheet.stated_total is None:
            continue
        actual = sum(sheet.scores.values(), Decimal(0))
        if actual != sheet.stated_total:
            found.append(
                ScoreWarning(
                    WarningKind.ARITHMETIC, bid_id, (sheet.expert_id,), value=sheet.stated_total, reference=actual
                )
            )
    return found


def score_warnings(
    rubric: Rubric, by_bid: Mapping[str, Mapping[str, ScoreSheet]], committee: Sequence[str]
) -> tuple[ScoreWarning, ...]:
    """Every warning over all bids, in bid order, then deviations (item, expert order), identical sheets and
    arithmetic slips (1117号 (五); 195号 第九项). ``aggregate_scores`` computes the same while it aggregates.
    """
    subjective = rubric.subjective
    warnings: list[ScoreWarning] = []
    for bid_id, sheets in by_bid.items():
        ordered = [sheets[e] for e in committee]
        maps = [s.scores for s in ordered]
        columns = []
        for item in subjective:
            values = [m[item.item_id] for m in maps]
            columns.append(values)
            warnings += item_deviations(rubric, bid_id, item, committee, values, sum(values, Decimal(0)))
        warnings += identical_sheets(bid_id, committee, columns)
        warnings += arithmetic_slips(bid_id, ordered)
    return tuple(warnings)


def answer_warning(warning: ScoreWarning, *, expert_id: str, revised: bool, reason: str, at: datetime) -> WarningAnswer:
    """A warned expert confirms or revises, always with a written reason (条例 第五十三条)."""
    if expert_id not in warning.experts:
        raise NotPermitted(f"Warning {warning.warning_id} is not addressed to {expert_id}.", field="expert_id")
    if not reason.strip():
        raise InvalidInput("Confirming or revising a warned score needs a written reason.", field="reason")
    return WarningAnswer(warning.warning_id, expert_id, revised, reason.strip(), at)


def unresolved_warnings(warnings: Iterable[ScoreWarning], answers: Iterable[WarningAnswer]) -> tuple[ScoreWarning, ...]:
    """Warnings that some addressed expert has not answered yet."""
    answered = {(a.warning_id, a.expert_id) for a in answers}
    return tuple(w for w in warnings if any((w.warning_id, e) not in answered for e in w.experts))


def ensure_warnings_resolved(warnings: Iterable[ScoreWarning], answers: Iterable[WarningAnswer]) -> None:
    """Raise ``RuleViolation`` while any warning is unanswered: the result cannot be finalised yet."""
    open_ = unresolved_warnings(warnings, answers)
    if open_:
        raise RuleViolation(
            f"{len(open_)} scoring warnings are unanswered (first: {open_[0].detail}); each warned expert "
            "must confirm or revise with a reason.",
            rule="score-warning",
            citation=WARNING_CITATION,
        )
