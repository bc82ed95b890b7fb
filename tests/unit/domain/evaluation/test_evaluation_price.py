"""Benchmark price, deviation rate, price score, lowest evaluated price table, corrections, 大写金额."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fairbid.domain.errors import InvalidInput
from fairbid.domain.evaluation import (
    Adjustment,
    BenchmarkRule,
    BenchmarkTrim,
    BillLine,
    KMode,
    PricedBid,
    PriceScoreRule,
    benchmark_price,
    correct_bill,
    correct_line,
    correct_words,
    deviation_rate,
    format_chinese_amount,
    lowest_price_table,
    parse_chinese_amount,
    price_score,
    score_prices,
)

D = Decimal
RULE = PriceScoreRule(full=D(30), above_per_point=D(1), below_per_point=D("0.5"))


BANDS = BenchmarkRule(trims=(BenchmarkTrim(6, 1, 1), BenchmarkTrim(11, 2, 2), BenchmarkTrim(21, 3, 3)))
"""A common local formula: from 6 bids drop one at each end, from 11 two, from 21 three."""


@pytest.mark.parametrize(("n", "drop"), [(1, 0), (5, 0), (6, 1), (10, 1), (11, 2), (20, 2), (21, 3), (99, 3)])
def test_the_trim_with_the_largest_threshold_met_applies(n: int, drop: int) -> None:
    trim = BANDS.trim_for(n)
    assert (0 if trim is None else trim.drop_low) == drop


def test_a_trim_that_would_drop_every_bid_does_not_apply() -> None:
    rule = BenchmarkRule(trims=(BenchmarkTrim(2, 1, 1),))
    bench = benchmark_price({"a": D(100), "b": D(300)}, rule)
    assert bench.value == D("200.00") and bench.removed_low == bench.removed_high == ()


def test_bids_far_from_the_plain_mean_are_excluded_before_the_trim() -> None:
    prices = {"a": D(100), "b": D(102), "c": D(98), "d": D(200)}  # plain mean 125: d is 60 % above
    bench = benchmark_price(prices, BenchmarkRule(exclude_beyond=D("0.3")))
    assert bench.excluded == ("d",) and bench.value == D("100.00")


def test_benchmark_price_plain_mean() -> None:
    bench = benchmark_price({"a": D(100), "b": D(200), "c": D(300)}, BenchmarkRule())
    assert bench.value == D("200.00")
    assert bench.removed_low == bench.removed_high == ()


def test_benchmark_price_trimmed_drops_one_each_end_for_six_bids() -> None:
    prices = {f"b{i}": D(100 + 10 * i) for i in range(6)}  # 100 … 150
    bench = benchmark_price(prices, BANDS)
    assert bench.removed_low == ("b0",)
    assert bench.removed_high == ("b5",)
    assert bench.value == D("125.00")


def test_benchmark_price_equal_extremes_removed_by_bid_id() -> None:
    prices = {"z": D(100), "a": D(100), "m": D(120), "n": D(130), "o": D(140), "p": D(140)}
    bench = benchmark_price(prices, BANDS)
    assert bench.removed_low == ("a",)
    assert bench.removed_high == ("p",)


def test_benchmark_price_applies_k_both_ways() -> None:
    prices = {"a": D(1000), "b": D(1000)}
    assert benchmark_price(prices, BenchmarkRule(k_mode=KMode.ONE_MINUS_K), k=D("0.03")).value == D("970.00")
    assert benchmark_price(prices, BenchmarkRule(k_mode=KMode.TIMES_K), k=D("0.95")).value == D("950.00")


def test_benchmark_price_rounds_half_up_to_the_cent() -> None:
    bench = benchmark_price({"a": D("100.00"), "b": D("100.01")}, BenchmarkRule())
    assert bench.value == D("100.01")


def test_benchmark_price_refuses_k_mismatch_and_empty_input() -> None:
    with pytest.raises(InvalidInput, match="K is needed"):
        benchmark_price({"a": D(1)}, BenchmarkRule(k_mode=KMode.TIMES_K))
    with pytest.raises(InvalidInput, match="K is needed"):
        benchmark_price({"a": D(1)}, BenchmarkRule(), k=D("0.9"))
    with pytest.raises(InvalidInput):
        benchmark_price({}, BenchmarkRule())
    with pytest.raises(InvalidInput, match="coefficient"):
        benchmark_price({"a": D(1)}, BenchmarkRule(k_mode=KMode.TIMES_K), k=D("1.2"))
    with pytest.raises(InvalidInput, match="downward rate"):
        benchmark_price({"a": D(1)}, BenchmarkRule(k_mode=KMode.ONE_MINUS_K), k=D("1"))
    assert benchmark_price({"a": D(5)}, BenchmarkRule(k_mode=KMode.ONE_MINUS_K), k=D(0)).value == D("5.00")


def test_deviation_rate_in_percent() -> None:
    assert deviation_rate(D(105), D(100)) == D(5)
    assert deviation_rate(D("97.5"), D(100)) == D("-2.5")


def test_price_score_deducts_above_and_below_with_interpolation() -> None:
    assert price_score(D(100), D(100), RULE) == D("30.00")
    assert price_score(D("102.5"), D(100), RULE) == D("27.50")  # 2.5 points above × 1
    assert price_score(D("97.5"), D(100), RULE) == D("28.75")  # 2.5 points below × 0.5


def test_price_score_never_below_floor() -> None:
    assert price_score(D(200), D(100), RULE) == D("0.00")
    floored = PriceScoreRule(D(30), D(1), D("0.5"), floor=D(10))
    assert price_score(D(200), D(100), floored) == D("10.00")


@given(
    price=st.decimals(min_value=1, max_value=10**9, places=2),
    benchmark=st.decimals(min_value=1, max_value=10**9, places=2),
)
def test_price_score_stays_within_bounds(price: Decimal, benchmark: Decimal) -> None:
    assert D(0) <= price_score(price, benchmark, RULE) <= D(30)


def test_lowest_price_table_orders_by_evaluated_price_with_shared_positions() -> None:
    rows = lowest_price_table(
        [
            PricedBid("a", D(100), (Adjustment("工期偏差加价", D(15)),)),
            PricedBid("b", D(110)),
            PricedBid("c", D(105), (Adjustment("付款条件", D(5)),)),
        ]
    )
    assert [(r.position, r.bid_id, r.evaluated_price) for r in rows] == [
        (1, "b", D(110)),
        (1, "c", D(110)),
        (3, "a", D(115)),
    ]


def test_lowest_price_table_needs_reasons() -> None:
    with pytest.raises(InvalidInput, match="reason"):
        lowest_price_table([PricedBid("a", D(1), (Adjustment(" ", D(1)),))])


def test_parse_chinese_amount_reads_full_form() -> None:
    assert parse_chinese_amount("壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分") == D("1234567.89")
    assert parse_chinese_amount("人民币叁亿零伍万元整") == D("300050000.00")
    assert parse_chinese_amount("拾万元整") == D("100000.00")
    assert parse_chinese_amount("壹万零壹元零伍分") == D("10001.05")
    assert parse_chinese_amount("伍角") == D("0.50")


@pytest.mark.parametrize("text", ["", "壹贰元", "元元", "壹佰元叁", "一百零X元", "佰元", "壹亿壹亿元"])
def test_parse_chinese_amount_rejects_malformed(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_chinese_amount(text)


@given(st.integers(min_value=0, max_value=10**14 - 1))
def test_format_then_parse_round_trips(cents: int) -> None:
    amount = D(cents) / 100
    assert parse_chinese_amount(format_chinese_amount(amount)) == amount


def test_correct_words_prefers_words() -> None:
    fix = correct_words(D("1234567.98"), "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分")
    assert fix is not None
    assert fix.corrected == D("1234567.89")
    assert "第十九条" in fix.citation
    assert correct_words(D("1234567.89"), "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分") is None


def test_correct_line_unit_price_prevails() -> None:
    fixed, found = correct_line(BillLine("1", D(10), D("12.50"), D(130)))
    assert fixed.total == D("125.00")
    assert found[0].field == "bill.1.total"


def test_correct_line_obvious_decimal_error_keeps_total() -> None:
    fixed, found = correct_line(BillLine("2", D(10), D("1250.00"), D(125)))
    assert fixed.unit_price == D("12.50")
    assert found[0].field == "bill.2.unit_price"


def test_correct_bill_words_then_lines_then_sum() -> None:
    lines = [BillLine("1", D(2), D(50), D(100)), BillLine("2", D(10), D("12.50"), D(130))]
    total, found = correct_bill(lines, D(230), words="贰佰叁拾元整")
    assert total == D("225.00")
    assert [c.field for c in found] == ["bill.2.total", "price"]


def test_score_prices_scores_every_bid_against_one_benchmark() -> None:
    prices = {"a": D(95), "b": D(100), "c": D(105)}
    bench, scores = score_prices(prices, BenchmarkRule(), RULE)
    assert bench.value == D("100.00")
    assert scores == {"a": D("27.50"), "b": D("30.00"), "c": D("25.00")}
