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
from fairbid.domain.evaluation.model import Rubric, ScoreSheet, ScoreWarning, WarningAnswer, WarningKind

__all__ = [
    "WARNING_CITATION",
    "answer_warning",
    "ensure_warnings_resolved",
    "score_warnings",
    "unresolved_warnings",
]

WARNING_CITATION = "1117号 (五); 195号 第九项"
_CTX = Context(prec=28, rounding=ROUND_HALF_EVEN)


def _deviations(rubric: Rubric, bid_id: str, ordered: Sequence[ScoreSheet]) -> list[ScoreWarning]:
    n = len(ordered)
    if n < 2:
        return []
    found = []
    big_n = Decimal(n)
    others = Decimal(n - 1)
    experts = [s.expert_id for s in ordered]
    for item in rubric.subjective:
        item_id = item.item_id
        values = [s.scores[item_id] for s in ordered]
        total = sum(values, Decimal(0))
        allowed = rubric.deviation_threshold * item.max_score
        # |v − mean(others)| > t·max  ⇔  |n·v − total| > t·max·(n − 1)  ⇔  v outside [lo, hi]:
        # two divisions per item, then only comparisons per score (scores have few decimals, so the
        # 28-digit quotient cannot land on the wrong side of one)
        limit = allowed * others
        hi = _CTX.divide(total + limit, big_n)
        lo = _CTX.divide(total - limit, big_n)
        for expert_id, value in zip(experts, values, strict=True):
            if value > hi or value < lo:
                found.append(
                    ScoreWarning(
                        WarningKind.DEVIATION,
                        bid_id,
                        (expert_id,),
                        item_id,
                        value,
                        _CTX.divide(total - value, others),
                        allowed,
                    )
                )
    return found


def _identical(rubric: Rubric, bid_id: str, ordered: Sequence[ScoreSheet]) -> list[ScoreWarning]:
    item_ids = [i.item_id for i in rubric.subjective]
    if len(item_ids) < 2:
        return []  # one item alike is ordinary agreement, not a copied sheet
    groups: dict[tuple[Decimal, ...], list[str]] = {}
    for sheet in ordered:
        key = tuple(sheet.scores[i] for i in item_ids)
        groups.setdefault(key, []).append(sheet.expert_id)
    return [
        ScoreWarning(WarningKind.IDENTICAL_SHEETS, bid_id, tuple(experts))
        for experts in groups.values()
        if len(experts) > 1
    ]


def _arithmetic(bid_id: str, ordered: Sequence[ScoreSheet]) -> list[ScoreWarning]:
    found = []
    for sheet in ordered:
        if sheet.stated_total is None:
            continue
        actual = sum(sheet.scores.values(), Decimal(0))
        if actual != sheet.stated_total:
            found.append(
                ScoreWarning(
                    WarningKind.ARITHMETIC,
                    bid_id,
                    (sheet.expert_id,),
                    value=sheet.stated_total,
                    reference=actual,
                )
            )
    return found


def score_warnings(
    rubric: Rubric, by_bid: Mapping[str, Mapping[str, ScoreSheet]], committee: Sequence[str]
) -> tuple[ScoreWarning, ...]:
    """Every warning over all bids, in bid order then committee order (1117号 (五); 195号 第九项).

    Deviation: |score − mean of the other experts| > threshold × the item's maximum. Identical sheets: two
    or more experts with the same scores on every subjective item of a bid (with ≥ 2 such items).
    Arithmetic: an expert's written total differs from the sum of the items.
    """
    warnings: list[ScoreWarning] = []
    for bid_id, sheets in by_bid.items():
        ordered = [sheets[e] for e in committee]
        warnings += _deviations(rubric, bid_id, ordered)
        warnings += _identical(rubric, bid_id, ordered)
        warnings += _arithmetic(bid_id, ordered)
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
