"""Expert scoring (专家评分): subjective items only, independent, within the rubric; machine aggregation
with warnings on deviations, identical sheets and arithmetic (1117号 (五); 195号 第九项).

Objective items are the machine's and the same for every expert; experts score only subjective items,
independently (条例 第四十九条), without seeing the others until all have submitted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal

from fairbid.domain.errors import (
    Conflict,
    DeadlinePassed,
    InvalidInput,
    InvalidTransition,
    NotPermitted,
    RuleViolation,
)
from fairbid.domain.evaluation.model import (
    Aggregation,
    BidScore,
    Rubric,
    ScoreSheet,
    ScoreWarning,
    ScoringResult,
)
from fairbid.domain.evaluation.warning import arithmetic_slips, identical_sheets, item_deviations

__all__ = [
    "aggregate_scores",
    "all_submitted",
    "check_sheet",
    "require_no_unknown_items",
    "visible_sheets",
]

_CTX = Context(prec=28, rounding=ROUND_HALF_EVEN)
_ZERO = Decimal(0)


def _bounds_error(sheet: ScoreSheet, rubric: Rubric) -> InvalidInput | None:
    items = {i.item_id: i for i in rubric.items}
    for item_id, value in sheet.scores.items():
        item = items.get(item_id)
        if item is None:
            return InvalidInput(f"Item {item_id!r} is not in the rubric.", field=f"scores.{item_id}")
        if not item.subjective:
            return InvalidInput(
                f"Item {item_id!r} is objective: the machine scores it, the same for every expert.",
                field=f"scores.{item_id}",
            )
        if not isinstance(value, Decimal) or not value.is_finite():
            return InvalidInput(f"The score for {item_id!r} must be a finite decimal.", field=f"scores.{item_id}")
        if not item.min_score <= value <= item.max_score:
            return InvalidInput(
                f"The score {value} for {item_id!r} is outside [{item.min_score}, {item.max_score}].",
                field=f"scores.{item_id}",
            )
    missing = [i.item_id for i in rubric.subjective if i.item_id not in sheet.scores]
    if missing:
        return InvalidInput(f"Items not scored: {', '.join(missing)}.", field="scores")
    return None


def check_sheet(
    sheet: ScoreSheet,
    rubric: Rubric,
    *,
    committee: frozenset[str],
    bids: frozenset[str],
    deadline: datetime,
    previous: ScoreSheet | None = None,
) -> ScoreSheet:
    """Accept a score sheet or say exactly what is wrong with it (条例 第四十九条: independent scoring).

    Raises ``NotPermitted`` (not on the committee), ``InvalidInput`` (unknown bid, objective item, out of
    bounds, missing item), ``DeadlinePassed`` (late first submission) and ``Conflict`` (changed after
    submission without a reason: a submitted sheet changes only as a revision answering a warning).
    Resubmitting the same scores is harmless and returns the stored sheet.
    """
    if sheet.expert_id not in committee:
        raise NotPermitted(f"{sheet.expert_id} is not on this committee.", field="expert_id")
    if sheet.bid_id not in bids:
        raise InvalidInput(f"Bid {sheet.bid_id} is not under evaluation.", field="bid_id")
    error = _bounds_error(sheet, rubric)
    if error is not None:
        raise error
    if previous is None:
        if sheet.submitted_at > deadline:
            raise DeadlinePassed(
                f"Scores were due by {deadline:%Y-%m-%d %H:%M} UTC; this sheet arrived at "
                f"{sheet.submitted_at:%Y-%m-%d %H:%M} UTC.",
                field="submitted_at",
            )
        return sheet
    if (previous.expert_id, previous.bid_id) != (sheet.expert_id, sheet.bid_id):
        raise ValueError("previous must be the same expert's sheet for the same bid")
    if dict(previous.scores) == dict(sheet.scores) and previous.stated_total == sheet.stated_total:
        return previous
    if not sheet.revision_reason.strip():
        raise Conflict(
            f"{sheet.expert_id} already submitted scores for bid {sheet.bid_id}; a change needs a written "
            "reason answering a warning.",
            field="scores",
        )
    return sheet


def all_submitted(sheets: Iterable[ScoreSheet], committee: Iterable[str], bids: Iterable[str]) -> bool:
    """True once every committee member has a sheet for every bid."""
    have = {(s.expert_id, s.bid_id) for s in sheets}
    return all((e, b) in have for e in committee for b in bids)


def visible_sheets(
    sheets: Sequence[ScoreSheet], *, viewer: str, committee: Iterable[str], bids: Iterable[str]
) -> tuple[ScoreSheet, ...]:
    """What an expert may see: their own sheets until everyone has submitted, then all (条例 第四十九条)."""
    if all_submitted(sheets, committee, bids):
        return tuple(sheets)
    return tuple(s for s in sheets if s.expert_id == viewer)


def _item_score(values: list[Decimal], total: Decimal, trim: bool, quantum: Decimal) -> Decimal:
    count = len(values)
    if trim:
        # drop one highest and one lowest score
        total = total - max(values) - min(values)
        count -= 2
    return _CTX.divide(total, Decimal(count)).quantize(quantum, rounding=ROUND_HALF_UP)


def aggregate_scores(
    rubric: Rubric,
    sheets: Iterable[ScoreSheet],
    objective: Mapping[str, Mapping[str, Decimal]],
    *,
    committee: Sequence[str],
) -> ScoringResult:
    """Combine the experts' sheets and the machine's objective scores into each bid's total, with warnings.

    Per subjective item: the mean, or the trimmed mean (drop one highest and one lowest) when the rubric
    says so and at least ``trim_from`` experts scored (catalog §4); item scores are rounded half-up to the
    rubric's quantum, the total is their sum. Warnings are those of ``score_warnings``, computed in the same pass.
    ``objective`` maps bid ID → objective item ID → the machine's score. Raises ``InvalidInput`` when a
    sheet is missing, so nothing is aggregated from a partial committee.
    """
    if not committee or len(set(committee)) != len(committee):
        raise InvalidInput("The committee must list distinct experts.", field="committee")
    subjective = rubric.subjective
    objective_items = rubric.objective
    by_bid: dict[str, dict[str, ScoreSheet]] = {bid: {} for bid in objective}
    members = set(committee)
    for sheet in sheets:
        if sheet.expert_id not in members:
            raise NotPermitted(f"{sheet.expert_id} is not on this committee.", field="expert_id")
        bucket = by_bid.get(sheet.bid_id)
        if bucket is None:
            raise InvalidInput(f"Bid {sheet.bid_id} has no objective scores.", field="objective")
        bucket[sheet.expert_id] = sheet
    missing = sum(len(committee) - len(v) for v in by_bid.values())
    if missing:
        # a state the committee has not reached yet, not a wrong input: 409 like any early transition
        raise InvalidTransition(f"{missing} score sheets are still missing; aggregate once all are in.", field="sheets")
    trim = rubric.aggregation is Aggregation.TRIMMED_MEAN and len(committee) >= rubric.trim_from
    scores: dict[str, BidScore] = {}
    warnings: list[ScoreWarning] = []
    for bid_id, bid_sheets in by_bid.items():
        ordered = [bid_sheets[e] for e in committee]
        maps = [s.scores for s in ordered]
        items: dict[str, Decimal] = {}
        columns = []
        for item in subjective:
            values = [m[item.item_id] for m in maps]
            total = sum(values, _ZERO)
            items[item.item_id] = _item_score(values, total, trim, rubric.quantum)
            columns.append(values)
            warnings += item_deviations(rubric, bid_id, item, committee, values, total)
        warnings += identical_sheets(bid_id, committee, columns)
        warnings += arithmetic_slips(bid_id, ordered)
        machine = objective[bid_id]
        for item in objective_items:
            value = machine.get(item.item_id)
            if value is None or not item.min_score <= value <= item.max_score:
                raise InvalidInput(
                    f"The machine's score for {item.item_id} of bid {bid_id} is missing or out of bounds.",
                    field="objective",
                )
            items[item.item_id] = value
        subjective_total = sum((items[i.item_id] for i in subjective), Decimal(0))
        objective_total = sum((items[i.item_id] for i in objective_items), Decimal(0))
        scores[bid_id] = BidScore(bid_id, items, subjective_total, objective_total, subjective_total + objective_total)
    return ScoringResult(scores=scores, warnings=tuple(warnings))


def require_no_unknown_items(rubric: Rubric, machine: Mapping[str, Decimal]) -> None:
    """Objective scores may name only objective items (a safety check for the service)."""
    known = {i.item_id for i in rubric.objective}
    extra = sorted(set(machine) - known)
    if extra:
        raise RuleViolation(
            f"Objective scores name items that are not objective: {', '.join(extra)}.",
            rule="objective-items",
            citation="1117号 (五)",
        )
