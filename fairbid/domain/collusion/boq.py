"""Bill-of-quantity comparisons between two bids (条例 第四十条第（四）项: 异常一致, 规律性差异).

Lines are matched by their code (清单编码). For each pair of bidders:

- **identical lines**: same code, quantity, unit price and amount; flagged when at least ``min_lines``
  lines and at least ``min_share`` of the lines both priced are identical;
- **identical errors**: a line whose amount is not quantity × unit price (to the cent, half up) in both bids,
  with the same wrong amount — one slip copied into two files; a single shared error is flagged;
- **proportional lines**: every common line's unit price in one bid is the other's times the same factor
  (≠ 1, equal to 1e-4 relative) over at least ``min_lines`` lines — one price list scaled.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from fairbid.domain.collusion.model import BoqLine

__all__ = ["BoqFinding", "arithmetic_errors", "compare_boq"]

_CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class BoqFinding:
    """One finding between two bidders: ``kind`` is "identical", "errors" or "proportional"."""

    kind: str
    bidders: tuple[str, str]
    evidence: str


def arithmetic_errors(lines: Sequence[BoqLine]) -> dict[str, BoqLine]:
    """Lines (by code) whose amount differs from quantity × unit price rounded to the cent."""
    return {
        line.code: line
        for line in lines
        if (line.quantity * line.unit_price).quantize(_CENT, rounding=ROUND_HALF_UP) != line.amount.quantize(_CENT)
    }


def _index(lines: Sequence[BoqLine]) -> dict[str, BoqLine]:
    return {line.code: line for line in lines}


def compare_boq(
    a: tuple[str, Sequence[BoqLine]],
    b: tuple[str, Sequence[BoqLine]],
    *,
    min_lines: int = 5,
    min_share: float = 0.3,
) -> list[BoqFinding]:
    """Findings between two bidders' bills, given as ``(bidder_id, lines)``."""
    (ida, la), (idb, lb) = a, b
    pair = (ida, idb) if ida <= idb else (idb, ida)
    xa, xb = _index(la), _index(lb)
    common = sorted(set(xa) & set(xb))
    out: list[BoqFinding] = []
    if not common:
        return out
    same = [c for c in common if xa[c] == xb[c] or _same_prices(xa[c], xb[c])]
    if len(same) >= min_lines and len(same) / len(common) >= min_share:
        out.append(
            BoqFinding(
                "identical",
                pair,
                f"{len(same)} of {len(common)} common bill lines identical in quantity, unit price and amount "
                f"(e.g. {', '.join(same[:5])})",
            )
        )
    ea, eb = arithmetic_errors([xa[c] for c in common]), arithmetic_errors([xb[c] for c in common])
    shared = [
        c for c in sorted(set(ea) & set(eb)) if ea[c].amount == eb[c].amount and ea[c].unit_price == eb[c].unit_price
    ]
    if shared:
        shown = "; ".join(f"{c}: {ea[c].quantity} × {ea[c].unit_price} written as {ea[c].amount}" for c in shared[:5])
        out.append(BoqFinding("errors", pair, f"{len(shared)} identical arithmetic error(s) in both bills: {shown}"))
    priced = [c for c in common if xa[c].unit_price > 0 and xb[c].unit_price > 0]
    if len(priced) >= min_lines:
        ratios = [xb[c].unit_price / xa[c].unit_price for c in priced]
        r0 = ratios[0]
        if abs(r0 - 1) > Decimal("1e-4") and all(abs(r / r0 - 1) <= Decimal("1e-4") for r in ratios):
            out.append(
                BoqFinding(
                    "proportional",
                    pair,
                    f"all {len(priced)} common unit prices of {idb} are {r0:.4f} × those of {ida}",
                )
            )
    return out


def _same_prices(x: BoqLine, y: BoqLine) -> bool:
    return x.quantity == y.quantity and x.unit_price == y.unit_price and x.amount == y.amount
