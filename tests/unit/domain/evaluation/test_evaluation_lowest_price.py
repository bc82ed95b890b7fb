"""The 标价比较表 of the lowest evaluated price method: corrections, priced deviations, evaluated price."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairbid.domain.errors import InvalidInput
from fairbid.domain.evaluation import BillLine, format_chinese_amount
from fairbid.domain.evaluation.lowest_price import (
    Deviation,
    DeviationBasis,
    DeviationRule,
    PriceSheet,
    price_comparison_table,
)

RULES = (
    DeviationRule("late", "交货期每延后一天", DeviationBasis.PER_UNIT, Decimal("5000"), "评标办法前附表 2.2.4(1)"),
    DeviationRule("pay", "付款条件偏离", DeviationBasis.PERCENT_OF_PRICE, Decimal("0.5"), "评标办法前附表 2.2.4(2)"),
    DeviationRule("gap", "清单漏项", DeviationBasis.HIGHEST_OTHER_LINE, source="评标办法前附表 2.2.4(3)"),
)


def _lines(*items: tuple[str, str, str, str]) -> tuple[BillLine, ...]:
    return tuple(BillLine(c, Decimal(q), Decimal(p), Decimal(t)) for c, q, p, t in items)


def test_table_corrects_adjusts_and_orders() -> None:
    a = PriceSheet(
        "bid-a",
        Decimal("10500.00"),
        price_in_words=format_chinese_amount(Decimal("10500.00")),
        lines=_lines(("L1", "100", "50", "5000"), ("L2", "10", "550", "5500")),
        deviations=(Deviation("late", Decimal(2), note="承诺 32 天交货"),),
    )
    b = PriceSheet(
        "bid-b",
        Decimal("9000.00"),
        lines=_lines(("L1", "100", "40", "4000"), ("L2", "10", "5.00", "5000")),  # decimal slip: 5.00 → 500.00
        deviations=(Deviation("pay", Decimal(1)),),
    )
    c = PriceSheet(
        "bid-c",
        Decimal("5000.00"),
        lines=_lines(("L1", "100", "45", "4600")),  # 45 × 100 = 4500: the unit price prevails
        deviations=(Deviation("gap", line_code="L2"),),
    )
    rows = price_comparison_table([a, b, c], RULES)
    assert [(r.position, r.bid_id) for r in rows] == [(1, "bid-b"), (2, "bid-c"), (3, "bid-a")]
    by_id = {r.bid_id: r for r in rows}
    assert by_id["bid-b"].corrected_price == Decimal("9000.00") and by_id["bid-b"].corrections[0].field.endswith(
        "unit_price"
    )
    assert by_id["bid-b"].adjustments[0].amount == Decimal("45.00")  # 0.5 % of 9000
    assert by_id["bid-c"].corrected_price == Decimal("4500.00")
    assert by_id["bid-c"].adjustments[0].amount == Decimal("5500")  # the highest other amount for L2
    assert by_id["bid-c"].evaluated_price == Decimal("10000.00")
    assert "bid-a" not in by_id["bid-c"].adjustments[0].reason and "highest" in by_id["bid-c"].adjustments[0].reason
    assert by_id["bid-a"].adjustments[0].amount == Decimal("10000") and "32 天" in by_id["bid-a"].adjustments[0].reason
    assert by_id["bid-a"].evaluated_price == Decimal("20500.00")


def test_price_in_words_prevails_over_figures() -> None:
    sheet = PriceSheet("bid-a", Decimal("10000.00"), price_in_words="壹万零伍拾元整")
    (row,) = price_comparison_table([sheet], RULES)
    assert row.corrected_price == Decimal("10050.00") and row.correction_total == Decimal("50.00")
    assert row.corrections[0].citation == "12号令 第十九条"


@pytest.mark.parametrize(
    ("deviation", "message"),
    [
        (Deviation("unknown"), "does not state"),
        (Deviation("gap"), "name it"),
        (Deviation("gap", line_code="L1"), "not missing"),
        (Deviation("gap", line_code="L9"), "No other valid bid prices line L9"),
        (Deviation("late", Decimal(-1)), "negative"),
    ],
)
def test_unpriceable_deviations_are_refused(deviation: Deviation, message: str) -> None:
    a = PriceSheet("bid-a", Decimal(100), lines=_lines(("L1", "1", "100", "100")), deviations=(deviation,))
    b = PriceSheet("bid-b", Decimal(100), lines=_lines(("L1", "1", "100", "100")))
    with pytest.raises(InvalidInput, match=message):
        price_comparison_table([a, b], RULES)


def test_duplicate_bids_are_refused() -> None:
    sheet = PriceSheet("bid-a", Decimal(100))
    with pytest.raises(InvalidInput, match="twice"):
        price_comparison_table([sheet, sheet], RULES)


def test_equal_evaluated_prices_share_a_position() -> None:
    rows = price_comparison_table([PriceSheet("x", Decimal(100)), PriceSheet("y", Decimal(100))], RULES)
    assert [r.position for r in rows] == [1, 1]


_amount = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1e8"), places=2)
_qty = st.decimals(min_value=0, max_value=Decimal(10000), places=3)
_line = st.tuples(_qty, st.decimals(min_value=0, max_value=Decimal(100000), places=2), _amount)
_deviation = st.one_of(
    st.builds(Deviation, st.just("late"), st.decimals(min_value=0, max_value=60, places=0)),
    st.builds(Deviation, st.just("pay"), st.decimals(min_value=0, max_value=3, places=0)),
)
_sheet = st.tuples(_amount, st.lists(_line, max_size=6), st.lists(_deviation, max_size=3))


@settings(max_examples=150, deadline=None)
@given(st.lists(_sheet, min_size=1, max_size=5))
def test_evaluated_price_is_opening_plus_corrections_plus_adjustments(
    raw: list[tuple[Decimal, list[tuple[Decimal, Decimal, Decimal]], list[Deviation]]],
) -> None:
    sheets = [
        PriceSheet(
            f"bid-{n}",
            price,
            lines=tuple(BillLine(f"L{k}", q, p, t) for k, (q, p, t) in enumerate(lines)),
            deviations=tuple(deviations),
        )
        for n, (price, lines, deviations) in enumerate(raw)
    ]
    rows = price_comparison_table(sheets, RULES)
    assert sorted(r.bid_id for r in rows) == sorted(s.bid_id for s in sheets)
    for row in rows:
        assert row.evaluated_price == row.opening_price + row.correction_total + row.adjustment_total
        assert row.corrected_price == row.opening_price + sum(
            (c.corrected - c.stated for c in row.corrections if c.field == "price"), Decimal(0)
        )
    prices = [r.evaluated_price for r in rows]
    assert prices == sorted(prices)
    assert all(r.position == 1 + sum(1 for p in prices if p < r.evaluated_price) for r in rows)
