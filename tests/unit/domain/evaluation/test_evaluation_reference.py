"""The machine's price scores and ranking against a reference written from the tender document's own words.

The reference below is a second, plain implementation of what ``fairbid.domain.terms.wording`` prints into the
tender document (评标办法前附表): which bids enter the benchmark, the exclusion, the trim, A × K or A × (1 − K),
the deduction per percentage point, the floor, and the ranking with the stated tie-breaks — never by lot. Hypothesis
draws prices, K sets, trims and exclusions; the machine and the reference must agree on every score and rank.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext

from hypothesis import given, settings
from hypothesis import strategies as st

from fairbid.domain.errors import RuleViolation
from fairbid.domain.evaluation import EvaluationMethod, KMode, RankEntry, TieBreak, rank_bids
from fairbid.domain.evaluation.machine import price_summary
from fairbid.domain.evaluation.price import BenchmarkTrim
from fairbid.domain.terms import PriceRule

CENT = Decimal("0.01")


def reference_benchmark(prices: dict[str, Decimal], rule: PriceRule, k: Decimal | None) -> Decimal:
    """评标基准价 as the document says it: exclusion from the plain mean, then the trim for the count, then A × K."""
    with localcontext() as ctx:
        ctx.prec = 60
        bids = sorted(prices.items(), key=lambda item: (item[1], item[0]))
        if rule.exclude_beyond is not None and len(bids) > 1:
            plain = sum(p for _, p in bids) / len(bids)
            kept = [(b, p) for b, p in bids if abs(p - plain) <= plain * rule.exclude_beyond]
            bids = kept or bids  # a rule that would leave nothing sets nobody apart
        applicable = [t for t in rule.trims if len(bids) >= t.min_bids]
        if applicable:
            trim = max(applicable, key=lambda t: t.min_bids)
            if trim.drop_low + trim.drop_high < len(bids):
                bids = bids[trim.drop_low : len(bids) - trim.drop_high]
        mean = sum(p for _, p in bids) / len(bids)
        if rule.k_mode is KMode.TIMES_K:
            assert k is not None
            mean *= k
        elif rule.k_mode is KMode.ONE_MINUS_K:
            assert k is not None
            mean *= 1 - k
        return mean.quantize(CENT, rounding=ROUND_HALF_UP)


def reference_score(price: Decimal, benchmark: Decimal, rule: PriceRule) -> Decimal:
    """F − a × (points above) or F − b × (points below), never under the floor, to the cent."""
    with localcontext() as ctx:
        ctx.prec = 60
        points = abs(price - benchmark) * 100 / benchmark
        per_point = rule.above_per_point if price > benchmark else rule.below_per_point
        score = max(rule.floor, rule.full_score - per_point * points)
        return score.quantize(CENT, rounding=ROUND_HALF_UP)


money = st.integers(min_value=5_000_000_00, max_value=9_999_999_99).map(lambda cents: Decimal(cents) / 100)
rules = st.builds(
    PriceRule,
    full_score=st.sampled_from([Decimal(30), Decimal(50), Decimal(60)]),
    k_mode=st.sampled_from(list(KMode)),
    k_values=st.just((Decimal("0.95"), Decimal("0.97"), Decimal("0.99"))),
    above_per_point=st.sampled_from([Decimal(1), Decimal(2)]),
    below_per_point=st.sampled_from([Decimal("0.5"), Decimal("0.8")]),
    floor=st.sampled_from([Decimal(0), Decimal(10)]),
    trims=st.sampled_from([(), (BenchmarkTrim(5, 1, 1),), (BenchmarkTrim(5, 1, 1), BenchmarkTrim(9, 2, 2))]),
    exclude_beyond=st.sampled_from([None, Decimal("0.1"), Decimal("0.25")]),
)


@settings(max_examples=300, deadline=None)
@given(prices=st.lists(money, min_size=1, max_size=14), rule=rules, pick=st.integers(0, 2))
def test_price_scores_equal_the_reference(prices: list[Decimal], rule: PriceRule, pick: int) -> None:
    bids = {f"b{n:02d}": p for n, p in enumerate(prices)}
    k = (
        None
        if rule.k_mode is KMode.NONE
        else (rule.k_values[pick] if rule.k_mode is KMode.TIMES_K else Decimal("0.03"))
    )
    summary = price_summary(rule, bids, k=k)
    benchmark = reference_benchmark(bids, rule, k)
    assert summary.benchmark.value == benchmark
    assert dict(summary.scores) == {b: reference_score(p, benchmark, rule) for b, p in bids.items()}


def reference_ranking(entries: list[RankEntry], method: EvaluationMethod) -> list[str] | None:
    """Highest total first (or lowest evaluated price), then the lower price, then the higher technical score;
    ``None`` where two bids stay equal on every stated tie-break (the tender must then be decided otherwise)."""
    if method is EvaluationMethod.COMPREHENSIVE:
        key = [(-e.total, e.price, -e.technical) for e in entries]
    else:
        key = [(e.price, e.price, -e.technical) for e in entries]
    if len(set(key)) < len(key):
        return None
    return [e.bid_id for _, e in sorted(zip(key, entries, strict=True), key=lambda pair: pair[0])]


entries = st.lists(
    st.builds(
        RankEntry,
        bid_id=st.just(""),
        price=st.integers(90, 99).map(Decimal),
        total=st.integers(80, 84).map(Decimal),
        technical=st.integers(20, 21).map(Decimal),
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=300, deadline=None)
@given(drawn=entries, method=st.sampled_from(list(EvaluationMethod)))
def test_ranking_equals_the_reference_and_never_breaks_a_tie_by_lot(
    drawn: list[RankEntry], method: EvaluationMethod
) -> None:
    named = [RankEntry(f"b{n}", e.price, e.total, e.technical) for n, e in enumerate(drawn)]
    expected = reference_ranking(named, method)
    tie_breaks = (TieBreak.LOWER_PRICE, TieBreak.HIGHER_TECHNICAL)
    if expected is None:
        try:
            rank_bids(named, method=method, tie_breaks=tie_breaks)
        except RuleViolation:
            return
        raise AssertionError("a tie surviving every stated tie-break must not be ranked")
    ranking = rank_bids(named, method=method, tie_breaks=tie_breaks)
    assert [r.bid_id for r in ranking.rows] == expected
    assert ranking.candidates == tuple(expected[:3])  # 条例 第五十三条: at most three, in order
