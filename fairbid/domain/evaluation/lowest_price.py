"""The lowest evaluated price method's price comparison table (经评审的最低投标价法 标价比较表).

For each valid bid, from the opening price (开标价):

1. **Corrections** (算术错误修正, ``correction.correct_bill``): the price in words prevails over the figures;
   in each bill line the unit price prevails over the line total unless the unit price's decimal point is
   obviously misplaced, in which case the total prevails (12号令 第十九条); the corrected lines then prevail
   over a stated total that does not add up (the standard documents' practice [S]). The corrected price
   binds the bidder once confirmed in writing, and a bidder who refuses it is rejected (标准施工招标文件
   评标办法 3.1.3 [S]; 30号令 第五十三条 [U]); the service asks for that confirmation as a clarification
   (``clarification``), whose answer is compared with the corrected terms.
2. **Adjustments** (偏差折价): each deviation the committee found is priced by the rule the tender document
   states for it (12号令 第三十二条: the committee adjusts the prices "根据招标文件中规定的评标价格调整
   方法"; 第二十六条: minor deviations quantified by the document's standard). A rule is ``per_unit``
   (rate × quantity, e.g. per day of a longer delivery), ``percent_of_price`` (rate % of the corrected
   price × quantity), or ``highest_other_line`` (a missing bill line priced at the highest amount any other
   valid bid gives that line — a common template rule [S]).
3. **Evaluated price** (评标价) = opening price + corrections + adjustments; the table orders by it
   (``price.lowest_price_table``; ties share a position, ``ranking.rank_bids`` breaks them by the tender's
   stated rules, never by lot).

12号令 第三十三条: the 标价比较表 states each bid's price, the price adjustments for commercial deviations with
their explanation, and the final evaluated price; the committee hands it to the tenderee with the report.
No price conversion of the technical part (12号令 第三十二条第二款).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from fairbid.domain.errors import InvalidInput
from fairbid.domain.evaluation.correction import BillLine, Correction, correct_bill, correct_line
from fairbid.domain.evaluation.price import Adjustment, PricedBid, lowest_price_table

__all__ = [
    "TABLE_CITATION",
    "Deviation",
    "DeviationBasis",
    "DeviationRule",
    "PriceSheet",
    "PriceTableRow",
    "price_comparison_table",
]

TABLE_CITATION = "12号令 第十九条、第三十二条、第三十三条"
_CENT = Decimal("0.01")
_HUNDRED = Decimal(100)


class DeviationBasis(StrEnum):
    """How the tender document prices one kind of deviation."""

    PER_UNIT = "per_unit"  # rate (yuan) × quantity
    PERCENT_OF_PRICE = "percent_of_price"  # rate (%) of the corrected price × quantity
    HIGHEST_OTHER_LINE = "highest_other_line"  # the highest amount for the missing line among the other bids


@dataclass(frozen=True, slots=True)
class DeviationRule:
    """One pricing rule of the tender document's 评标价格调整方法, with where the document states it."""

    rule_id: str
    title: str
    basis: DeviationBasis
    rate: Decimal = Decimal(0)
    source: str = ""  # e.g. "评标办法前附表 2.2.4(3)"


@dataclass(frozen=True, slots=True)
class Deviation:
    """A deviation the committee found in one bid, priced by ``rule_id``."""

    rule_id: str
    quantity: Decimal = Decimal(1)
    line_code: str | None = None  # for ``highest_other_line``
    note: str = ""


@dataclass(frozen=True, slots=True)
class PriceSheet:
    """One valid bid's price inputs: the opening price (and in words), its bill, the deviations found."""

    bid_id: str
    opening_price: Decimal
    price_in_words: str | None = None
    lines: tuple[BillLine, ...] = ()
    deviations: tuple[Deviation, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class PriceTableRow:
    """A row of the 标价比较表 (12号令 第三十三条), ready for the report."""

    position: int
    bid_id: str
    opening_price: Decimal
    corrections: tuple[Correction, ...]
    corrected_price: Decimal
    adjustments: tuple[Adjustment, ...]
    evaluated_price: Decimal

    @property
    def correction_total(self) -> Decimal:
        """Corrected price − opening price."""
        return self.corrected_price - self.opening_price

    @property
    def adjustment_total(self) -> Decimal:
        """Sum of the priced deviations."""
        return sum((a.amount for a in self.adjustments), Decimal(0))


def _money(value: Decimal) -> Decimal:
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


def _corrected_lines(sheet: PriceSheet) -> dict[str, Decimal]:
    return {line.line_id: correct_line(line)[0].total for line in sheet.lines}


def _adjustment(
    sheet: PriceSheet,
    deviation: Deviation,
    rule: DeviationRule,
    corrected: Decimal,
    others: Mapping[str, Mapping[str, Decimal]],
) -> Adjustment:
    if deviation.quantity < 0:
        raise InvalidInput(f"Deviation {rule.rule_id} of bid {sheet.bid_id} has a negative quantity.", field="quantity")
    where = f" ({rule.source})" if rule.source else ""
    note = f"; {deviation.note}" if deviation.note else ""
    if rule.basis is DeviationBasis.PER_UNIT:
        amount = _money(rule.rate * deviation.quantity)
        reason = f"{rule.title}: {deviation.quantity} × {rule.rate}{where}{note}"
    elif rule.basis is DeviationBasis.PERCENT_OF_PRICE:
        amount = _money(corrected * rule.rate / _HUNDRED * deviation.quantity)
        reason = f"{rule.title}: {rule.rate}% of {corrected} × {deviation.quantity}{where}{note}"
    else:
        code = deviation.line_code
        if not code:
            raise InvalidInput(f"Rule {rule.rule_id} prices a missing bill line: name it.", field="line_code")
        if any(line.line_id == code for line in sheet.lines):
            raise InvalidInput(f"Bid {sheet.bid_id} prices line {code}; it is not missing.", field="line_code")
        priced = {bid: lines[code] for bid, lines in others.items() if bid != sheet.bid_id and code in lines}
        if not priced:
            raise InvalidInput(
                f"No other valid bid prices line {code}: the tender must state another rule for it.",
                field="line_code",
            )
        highest = max(priced.items(), key=lambda item: (item[1], item[0]))
        amount = _money(highest[1] * deviation.quantity)
        reason = f"{rule.title}: missing line {code} priced at {highest[1]}, the highest of the other bids{where}{note}"
    return Adjustment(reason, amount)


def price_comparison_table(sheets: Sequence[PriceSheet], rules: Sequence[DeviationRule]) -> tuple[PriceTableRow, ...]:
    """The 标价比较表 over the valid bids: corrections, adjustments, evaluated price, position.

    Raises ``InvalidInput`` for a deviation under a rule the tender does not state, a missing line that
    no other bid prices, or a duplicated bid. See the module for the rules applied.
    """
    ids = [s.bid_id for s in sheets]
    if len(set(ids)) != len(ids):
        raise InvalidInput("A bid appears twice in the price comparison.", field="sheets")
    by_rule = {r.rule_id: r for r in rules}
    if len(by_rule) != len(rules):
        raise InvalidInput("Two deviation rules share an id.", field="rules")
    corrected_lines = {s.bid_id: _corrected_lines(s) for s in sheets}
    corrected: dict[str, tuple[Decimal, tuple[Correction, ...]]] = {}
    for sheet in sheets:
        if sheet.opening_price <= 0:
            raise InvalidInput(f"The opening price of bid {sheet.bid_id} must be positive.", field="opening_price")
        corrected[sheet.bid_id] = correct_bill(sheet.lines, sheet.opening_price, words=sheet.price_in_words)
    priced: list[PricedBid] = []
    for sheet in sheets:
        adjustments = []
        for deviation in sheet.deviations:
            rule = by_rule.get(deviation.rule_id)
            if rule is None:
                raise InvalidInput(
                    f"Deviation of bid {sheet.bid_id} under {deviation.rule_id!r}, which the tender does not state.",
                    field="rule_id",
                )
            adjustments.append(_adjustment(sheet, deviation, rule, corrected[sheet.bid_id][0], corrected_lines))
        priced.append(PricedBid(sheet.bid_id, corrected[sheet.bid_id][0], tuple(adjustments)))
    opening = {s.bid_id: s.opening_price for s in sheets}
    return tuple(
        PriceTableRow(
            row.position,
            row.bid_id,
            opening[row.bid_id],
            corrected[row.bid_id][1],
            row.bid_price,
            row.adjustments,
            row.evaluated_price,
        )
        for row in lowest_price_table(priced)
    )
