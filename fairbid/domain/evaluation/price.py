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
    "BenchmarkMethod",
    "BenchmarkRule",
    "ComparisonRow",
    "KMode",
    "PriceScoreRule",
    "PricedBid",
    "benchmark_price",
    "deviation_rate",
    "extremes_per_end",
    "lowest_price_table",
    "price_score",
    "score_prices",
]

_CENT = Decimal("0.01")
_HUNDRED = Decimal(100)
_CTX = Context(prec=28, rounding=ROUND_HALF_EVEN)  # fixed, whatever the caller's decimal context is


class BenchmarkMethod(StrEnum):
    """How the base B is taken from the valid evaluated prices."""

    MEAN = "mean"  # (a) arithmetic mean of all valid bids
    TRIMMED_BY_COUNT = "trimmed_by_count"  # (c) drop 0/1/2/3 per end for n ≤ 5 / 6–10 / 11–20 / > 20


class KMode(StrEnum):
    """How the publicly drawn coefficient K enters (d)."""

    NONE = "none"
    ONE_MINUS_K = "one_minus_k"  # B × (1 − K), K a downward rate (下浮率), e.g. 0.01–0.05
    TIMES_K = "times_k"  # B × K, K a coefficient (下浮系数), e.g. 0.90–0.99


@dataclass(frozen=True, slots=True)
class BenchmarkRule:
    """The tender document's benchmark formula."""

    method: BenchmarkMethod = BenchmarkMethod.MEAN
    k_mode: KMode = KMode.NONE
    quantum: Decimal = _CENT  # B is rounded half-up to this, then fixed (the committee re-checks it)


@dataclass(frozen=True, slots=True)
class Benchmark:
    """The benchmark price and how it was reached, for the report."""

    value: Decimal
    mean: Decimal  # before K
    used: tuple[str, ...]  # bid IDs averaged
    removed_low: tuple[str, ...]
    removed_high: tuple[str, ...]
    k: Decimal | None


def extremes_per_end(n: int) -> int:
    """How many bids to drop at each end: 0/1/2/3 for n ≤ 5 / 6–10 / 11–20 / > 20 (catalog §4 (c))."""
    if n <= 5:
        return 0
    if n <= 10:
        return 1
    if n <= 20:
        return 2
    return 3


def benchmark_price(prices: Mapping[str, Decimal], rule: BenchmarkRule, *, k: Decimal | None = None) -> Benchmark:
    """The benchmark price B (评标基准价) over the valid bids' evaluated prices, keyed by bid ID.

    Extremes are removed by count in (price, bid ID) order, so equal prices are removed deterministically.
    With a K mode, ``k`` is the value drawn at the opening (``fairbid.crypto.draw.draw_k``).
    Template formula [S] (rules-catalog §4), under 条例 第四十九条 (the tender's own method).
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
    drop = extremes_per_end(len(ordered)) if rule.method is BenchmarkMethod.TRIMMED_BY_COUNT else 0
    kept = ordered[drop : len(ordered) - drop]
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
        removed_low=tuple(bid for bid, _ in ordered[:drop]),
        removed_high=tuple(bid for bid, _ in ordered[len(ordered) - drop :]),
        k=k,
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
