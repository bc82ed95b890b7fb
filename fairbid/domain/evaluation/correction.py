"""Arithmetic corrections of a bid's prices (算术错误修正), 12号令 第十九条.

Words prevail over figures; the unit price prevails over the line total, unless the unit price has an
obvious decimal-point error, in which case the total prevails and the unit price is corrected. A bidder
who does not confirm a correction is rejected (12号令 第十九条): the service asks, the domain computes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from fairbid.domain.errors import InvalidInput
from fairbid.domain.evaluation.amount import parse_chinese_amount

__all__ = ["CORRECTION_CITATION", "BillLine", "Correction", "correct_bill", "correct_line", "correct_words"]

CORRECTION_CITATION = "12号令 第十九条"
_CENT = Decimal("0.01")
_SHIFTS = tuple(Decimal(10) ** k for k in (-4, -3, -2, -1, 1, 2, 3, 4))


@dataclass(frozen=True, slots=True)
class Correction:
    """One correction: which field, what the bid stated, what it becomes, and why."""

    field: str
    stated: Decimal
    corrected: Decimal
    reason: str
    citation: str = CORRECTION_CITATION


@dataclass(frozen=True, slots=True)
class BillLine:
    """A line of the priced bill (工程量清单): quantity × unit price = total."""

    line_id: str
    quantity: Decimal
    unit_price: Decimal
    total: Decimal


def correct_words(figures: Decimal, words: str, *, field: str = "price") -> Correction | None:
    """Words prevail over figures (大写金额与小写金额不一致的，以大写金额为准), 12号令 第十九条.

    Returns the correction, or None when both agree.
    """
    in_words = parse_chinese_amount(words)
    if in_words == figures.quantize(_CENT):
        return None
    return Correction(
        field=field,
        stated=figures,
        corrected=in_words,
        reason=f"The amount in words ({words}) is {in_words}, the figures say {figures}: words prevail.",
    )


def _is_decimal_slip(line: BillLine) -> bool:
    # the unit price is the total's unit price with its decimal point moved by 1–4 places
    if line.quantity == 0 or line.unit_price == 0:
        return False
    implied = (line.total / line.quantity).quantize(_CENT)
    return any((line.unit_price * shift).quantize(_CENT) == implied for shift in _SHIFTS)


def correct_line(line: BillLine) -> tuple[BillLine, tuple[Correction, ...]]:
    """Reconcile one bill line: the unit price prevails unless its decimal point is obviously wrong.

    12号令 第十九条: 单价金额与总价金额不一致的，以单价金额为准，但单价金额小数点有明显错误的除外.
    """
    if line.quantity < 0 or line.unit_price < 0 or line.total < 0:
        raise InvalidInput(f"Bill line {line.line_id} has a negative number.", field="bill")
    expected = (line.quantity * line.unit_price).quantize(_CENT)
    if expected == line.total.quantize(_CENT):
        return line, ()
    if _is_decimal_slip(line):
        unit = (line.total / line.quantity).quantize(_CENT)
        fixed = BillLine(line.line_id, line.quantity, unit, line.total)
        return fixed, (
            Correction(
                field=f"bill.{line.line_id}.unit_price",
                stated=line.unit_price,
                corrected=unit,
                reason=(
                    f"Unit price {line.unit_price} has an obvious decimal-point error against the total "
                    f"{line.total} for quantity {line.quantity}: the total prevails."
                ),
            ),
        )
    fixed = BillLine(line.line_id, line.quantity, line.unit_price, expected)
    return fixed, (
        Correction(
            field=f"bill.{line.line_id}.total",
            stated=line.total,
            corrected=expected,
            reason=(
                f"{line.quantity} × {line.unit_price} = {expected}, the line states {line.total}: "
                "the unit price prevails."
            ),
        ),
    )


def correct_bill(
    lines: Sequence[BillLine], stated_total: Decimal, *, words: str | None = None
) -> tuple[Decimal, tuple[Correction, ...]]:
    """The corrected bid price and every correction made: words, then lines, then the sum.

    The price in words (if given) prevails over the stated figures; the lines, once reconciled, prevail
    over a sum that does not add up (12号令 第十九条). Returns ``(corrected price, corrections)``.
    """
    corrections: list[Correction] = []
    total = stated_total
    if words is not None:
        fixed_words = correct_words(stated_total, words)
        if fixed_words is not None:
            corrections.append(fixed_words)
            total = fixed_words.corrected
    if not lines:
        return total, tuple(corrections)
    line_sum = Decimal(0)
    for line in lines:
        fixed, found = correct_line(line)
        corrections.extend(found)
        line_sum += fixed.total
    if line_sum.quantize(_CENT) != total.quantize(_CENT):
        corrections.append(
            Correction(
                field="price",
                stated=total,
                corrected=line_sum,
                reason=f"The corrected bill lines add up to {line_sum}, the bid states {total}.",
            )
        )
        total = line_sum
    return total, tuple(corrections)
