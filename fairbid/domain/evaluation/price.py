"""Price scores: the benchmark price (评标基准价), deviation rate (偏差率) and deductions, and the
lowest evaluated price method's comparison table (经评审的最低投标价法, 12号令 第三十条至第三十二条).

The formulas come from the standard tender documents (标准施工招标文件 前附表 2.2.3) and project
templates, not from the law; only a method written in the tender document may be used (条例 第四十九条).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal
from enum import StrEnum

from fairbid.domain.errors import InvalidInput

__all__ = [
    "Adjustment",
    "Benchmark",
    "BenchmarkRule",
    "BenchmarkTrim",
    "ComparisonRow",
    "KMode",
    "PriceScoreRule",
    "PricedBid",
    "benchmark_price",
    "deviation_rate",
    "lowest_price_table",
    "price_score",
    "score_prices",
]

_CENT = Decimal("0.01")
_HUNDRED = Decimal(100)
_CTX = Context(prec=28, rounding=ROUND_HALF_EVEN)  # fixed, whatever the caller's decimal context is


class KMode(StrEnum):
    """How the publicly drawn coefficient K enters (d)."""

    NONE = "none"
    ONE_MINUS_K = "one_minus_k"  # B × (1 − K), K a downward rate (下浮率), e.g. 0.01–0.05
    TIMES_K = "times_k"  # B × K, K a coefficient (下浮系数), e.g. 0.90–0.99


@dataclass(frozen=True, slots=True)
class BenchmarkTrim:
    """With at least ``min_bids`` entering, drop the ``drop_high`` highest and ``drop_low`` lowest prices."""

    min_bids: int
    drop_high: int
    drop_low: int


@dataclass(frozen=True, slots=True)
class BenchmarkRule:
    """The tender document's benchmark formula (评标基准价): exclusion, trims, K."""

    k_mode: KMode = KMode.NONE
    trims: tuple[BenchmarkTrim, ...] = ()
    exclude_beyond: Decimal | None = None  # leave out bids deviating from the plain mean by more than this share
    quantum: Decimal = _CENT  # B is rounded half-up to this, then fixed (the committee re-checks it)

    def trim_for(self, entering: int) -> BenchmarkTrim | None:
        """The trim for ``entering`` prices: the one with the largest ``min_bids`` that is met."""
        met = [t for t in self.trims if entering >= t.min_bids]
        return max(met, key=lambda t: t.min_bids) if met else None


@dataclass(frozen=True, slots=True)
class Benchmark:
    """The benchmark price and how it was reached, for the report."""

    value: Decimal
    mean: Decimal  # before K
    used: tuple[str, ...]  # bid IDs averaged
    removed_low: tuple[str, ...]
    removed_high: tuple[str, ...]
    k: Decimal | None
    excluded: tuple[str, ...] = ()  # left out for deviating from the plain mean by more than the stated share


def benchmark_price(prices: Mapping[str, Decimal], rule: BenchmarkRule, *, k: Decimal | None = None) -> Benchmark:
    """The benchmark price B (评标基准价) over the entering bids' evaluated prices, keyed by bid ID.

    Bids deviating from the plain mean by more than ``rule.exclude_beyond`` are left out first; then the trim for
    the number left applies, in (price, bid ID) order so equal prices are dropped deterministically; the mean of
    the rest is B0, and B = B0 × K or B0 × (1 − K). With a K mode, ``k`` is the value drawn at the opening
    (``fairbid.crypto.draw.draw_k``). Template formula [S] (rules-catalog §4), executed as the tender document
    states it (招标投标法实施条例 第四十九条).
    """
    if not prices:
        raise InvalidInput("A benchmark price needs at least one valid bid.", field="prices")
    if any(p <= 0 for p in prices.values()):
        raise InvalidInput("Evaluated prices must be positive.", field="prices")
    if (rule.k_mode is KMode.NONE) != (k is None):
        raise InvalidInput(
            "K is needed exactly when the tender's formula uses it "
            f"(formula {rule.k_mode.value}, K {'given' if k is not None else 'missing'}).",
            field="k",
        )
    ordered = sorted(prices.items(), key=lambda item: (item[1], item[0]))
    excluded: list[str] = []
    if rule.exclude_beyond is not None and len(ordered) > 1:
        plain = _CTX.divide(sum((p for _, p in ordered), Decimal(0)), Decimal(len(ordered)))
        excluded = [bid for bid, p in ordered if abs(p - plain) > plain * rule.exclude_beyond]
        if len(excluded) == len(ordered):
            excluded = []  # the rule cannot leave nothing: every bid deviates alike, so none is set apart
        ordered = [(bid, p) for bid, p in ordered if bid not in excluded]
    trim = rule.trim_for(len(ordered))
    low, high = (trim.drop_low, trim.drop_high) if trim else (0, 0)
    if low + high >= len(ordered):
        low = high = 0  # a trim that would drop every bid does not apply (the rule catalog refuses such terms)
    kept = ordered[low : len(ordered) - high]
    mean = _CTX.divide(sum((p for _, p in kept), Decimal(0)), Decimal(len(kept)))
    value = mean
    if k is not None:
        if rule.k_mode is KMode.ONE_MINUS_K:
            if not Decimal(0) <= k < Decimal(1):
                raise InvalidInput(f"A downward rate K lies in [0, 1), got {k}.", field="k")
            value = mean * (1 - k)
        else:
            if not Decimal(0) < k <= Decimal(1):
                raise InvalidInput(f"A coefficient K lies in (0, 1], got {k}.", field="k")
            value = mean * k
    return Benchmark(
        value=value.quantize(rule.quantum, rounding=ROUND_HALF_UP),
        mean=mean,
        used=tuple(bid for bid, _ in kept),
        removed_low=tuple(bid for bid, _ in ordered[:low]),
        removed_high=tuple(bid for bid, _ in ordered[len(ordered) - high :]),
        k=k,
        excluded=tuple(excluded),
    )


def deviation_rate(price: Decimal, benchmark: Decimal) -> Decimal:
    """偏差率 = 100% × (评标价 − 基准价) / 基准价, in percent (标准施工招标文件 前附表 2.2.3)."""
    if benchmark <= 0:
        raise InvalidInput("The benchmark price must be positive.", field="benchmark")
    return _CTX.divide((price - benchmark) * _HUNDRED, benchmark)


@dataclass(frozen=True, slots=True)
class PriceScoreRule:
    """Full score F; deduction per percentage point above (a) and below (b) the benchmark; a floor.

    Deductions interpolate linearly for fractional points; the score never drops below ``floor``.
    """

    full: Decimal
    above_per_point: Decimal
    below_per_point: Decimal
    floor: Decimal = Decimal(0)
    quantum: Decimal = _CENT

    def __post_init__(self) -> None:
        if self.full <= 0 or self.above_per_point < 0 or self.below_per_point < 0:
            raise InvalidInput("The price score needs a positive full score and non-negative deductions.")
        if not Decimal(0) <= self.floor <= self.full:
            raise InvalidInput("The floor must lie between 0 and the full score.", field="floor")


def price_score(price: Decimal, benchmark: Decimal, rule: PriceScoreRule) -> Decimal:
    """Score = F − a·dev above B, F − b·|dev| below B, interpolated, floored; rounded half-up.

    Template formula [S] (rules-catalog §4); cited under 条例 第四十九条 (the tender's method only).
    """
    dev = deviation_rate(price, benchmark)
    per_point = rule.above_per_point if dev > 0 else rule.below_per_point
    score = rule.full - per_point * abs(dev)
    return max(rule.floor, score).quantize(rule.quantum, rounding=ROUND_HALF_UP)


def score_prices(
    prices: Mapping[str, Decimal],
    benchmark_rule: BenchmarkRule,
    score_rule: PriceScoreRule,
    *,
    k: Decimal | None = None,
) -> tuple[Benchmark, dict[str, Decimal]]:
    """The benchmark over the valid bids, and every bid's price score against it (条例 第四十九条)."""
    benchmark = benchmark_price(prices, benchmark_rule, k=k)
    return benchmark, {bid: price_score(price, benchmark.value, score_rule) for bid, price in prices.items()}


@dataclass(frozen=True, slots=True)
class Adjustment:
    """A priced deviation added to (or, if negative, taken from) the bid price (偏差折价), with its reason."""

    reason: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class PricedBid:
    """A bid under the lowest evaluated price method: its corrected price and the committee's adjustments."""

    bid_id: str
    bid_price: Decimal
    adjustments: tuple[Adjustment, ...] = field(default=())

    @property
    def evaluated_price(self) -> Decimal:
        """评标价 = bid price + adjustments."""
        return self.bid_price + sum((a.amount for a in self.adjustments), Decimal(0))


@dataclass(frozen=True, slots=True)
class ComparisonRow:
    """A row of the 标价比较表 (price comparison table)."""

    position: int
    bid_id: str
    bid_price: Decimal
    adjustments: tuple[Adjustment, ...]
    evaluated_price: Decimal


def lowest_price_table(bids: Sequence[PricedBid]) -> tuple[ComparisonRow, ...]:
    """The 标价比较表: bids by evaluated price ascending (12号令 第三十条至第三十二条).

    Ties keep equal positions here; ``rank_bids`` breaks them by the tender's stated rules (never by lot).
    """
    for bid in bids:
        if any(not a.reason.strip() for a in bid.adjustments):
            raise InvalidInput(f"Every price adjustment of bid {bid.bid_id} needs a reason.", field="adjustments")
    ordered = sorted(bids, key=lambda b: (b.evaluated_price, b.bid_id))
    rows: list[ComparisonRow] = []
    for bid in ordered:
        position = len(rows) + 1
        if rows and rows[-1].evaluated_price == bid.evaluated_price:
            position = rows[-1].position
        rows.append(ComparisonRow(position, bid.bid_id, bid.bid_price, bid.adjustments, bid.evaluated_price))
    return tuple(rows)
