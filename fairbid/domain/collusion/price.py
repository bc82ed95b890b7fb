"""Regular price patterns among the bids of one section (条例 第四十条第（四）项 投标报价呈规律性差异).

All arithmetic is exact ``Decimal`` arithmetic on prices quantised to the cent:

- **identical prices**: two or more bidders with the same price;
- **equal steps**: three or more bids in arithmetic progression (equal differences to the cent), found as
  the longest progression among all bids, not only among neighbours, so honest bids in between do not hide it;
- **equal ratios**: three or more bids in geometric progression (ratios equal within ``ratio_tolerance``);
- **same discount off the ceiling**: two or more bids that are each an exact round discount off the
  ceiling price (a multiple of ``discount_grain``, 0.5 % by default), a sign of prices set by one formula.

Chance matches are rare at cent precision but not impossible; every finding is a clue for review.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

__all__ = ["PricePattern", "find_price_patterns"]

_CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class PricePattern:
    """One regular pattern: its kind, the bidders in price order, and a sentence of evidence."""

    kind: str  # "identical" | "steps" | "ratios" | "ceiling-discount"
    bidders: tuple[str, ...]
    evidence: str


def _cents(p: Decimal) -> Decimal:
    return p.quantize(_CENT, rounding=ROUND_HALF_UP)


def _next_in_run(
    values: Sequence[Decimal], last: Decimal, step: Decimal, *, geometric: bool, tol: Decimal
) -> Decimal | None:
    expected = last * step if geometric else last + step
    i = bisect_left(values, expected * (1 - tol) if geometric else expected)
    if i < len(values):
        v = values[i]
        if (abs(v / expected - 1) <= tol) if geometric else v == expected:
            return v
    return None


def _longest_progression(
    prices: Sequence[tuple[Decimal, str]], *, geometric: bool, tolerance: Decimal
) -> tuple[list[tuple[Decimal, str]], Decimal]:
    """The longest arithmetic (or geometric) progression among distinct prices, with its step (or ratio)."""
    owner: dict[Decimal, str] = {}
    for price, bidder in sorted(prices):
        owner.setdefault(price, bidder)
    values = sorted(owner)
    best: list[Decimal] = []
    best_step = Decimal(0)
    for i, low in enumerate(values):
        for high in values[i + 1 :]:
            step = high / low if geometric else high - low
            run = [low, high]
            while (hit := _next_in_run(values, run[-1], step, geometric=geometric, tol=tolerance)) is not None:
                run.append(hit)
            if len(run) > len(best):
                best, best_step = run, step
    return [(p, owner[p]) for p in best], best_step


def find_price_patterns(
    prices: Sequence[tuple[str, Decimal]],
    *,
    ceiling_price: Decimal | None,
    min_run: int = 3,
    ratio_tolerance: Decimal = Decimal("1e-6"),
    discount_grain: Decimal = Decimal("0.005"),
) -> list[PricePattern]:
    """Regular patterns among ``(bidder_id, price)`` pairs; see the module docstring for the definitions."""
    quantised = [(_cents(p), b) for b, p in prices if p > 0]
    out: list[PricePattern] = []

    by_price: dict[Decimal, list[str]] = {}
    for p, b in quantised:
        by_price.setdefault(p, []).append(b)
    for p, who in sorted(by_price.items()):
        if len(set(who)) > 1:
            out.append(PricePattern("identical", tuple(sorted(set(who))), f"{len(set(who))} bids of exactly {p}"))

    run, step = _longest_progression(quantised, geometric=False, tolerance=Decimal(0))
    if len(run) >= min_run:
        shown = ", ".join(f"{b} {p}" for p, b in run)
        out.append(PricePattern("steps", tuple(b for _, b in run), f"{len(run)} bids {step} apart: {shown}"))

    steps_bidders = set(out[-1].bidders) if out and out[-1].kind == "steps" else set()
    run, ratio = _longest_progression(quantised, geometric=True, tolerance=ratio_tolerance)
    if len(run) >= min_run and {b for _, b in run} != steps_bidders:
        shown = ", ".join(f"{b} {p}" for p, b in run)
        out.append(PricePattern("ratios", tuple(b for _, b in run), f"{len(run)} bids in ratio {ratio:.6f}: {shown}"))

    if ceiling_price is not None and ceiling_price > 0:
        round_discounts = []
        for p, b in quantised:
            discount = (ceiling_price - p) / ceiling_price
            if discount > 0 and _cents(ceiling_price * (1 - _grain(discount, discount_grain))) == p:
                round_discounts.append((b, _grain(discount, discount_grain), p))
        if len({b for b, _, _ in round_discounts}) >= 2:
            shown = ", ".join(
                f"{b} {p} ({d * 100:.1f}% off)" for b, d, p in sorted(round_discounts, key=lambda t: t[2])
            )
            out.append(
                PricePattern(
                    "ceiling-discount",
                    tuple(b for b, _, _ in round_discounts),
                    f"bids at exact round discounts off the ceiling {_cents(ceiling_price)}: {shown}",
                )
            )
    return out


def _grain(discount: Decimal, grain: Decimal) -> Decimal:
    """``discount`` rounded to the nearest multiple of ``grain``."""
    return (discount / grain).quantize(Decimal(1), rounding=ROUND_HALF_UP) * grain
