"""Figures for the centre (保函统计): share of bids covered by guarantees, cash freed, premiums by grade, claims."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

__all__ = ["GradePremiums", "GuaranteeFigures", "SecurityFact", "SecurityForm", "guarantee_figures"]


class SecurityForm(StrEnum):
    """How one bid's security was given."""

    GUARANTEE = "guarantee"  # 电子保函
    CASH = "cash"  # 现金保证金
    NONE = "none"  # no security required, or none given


@dataclass(frozen=True, slots=True)
class SecurityFact:
    """One bid's security: its form, the security the terms required, and for a guarantee its grade, premium
    and any claim paid."""

    bid_id: str
    form: SecurityForm
    required_security: Decimal
    grade: str | None = None
    premium: Decimal | None = None
    claim_paid: Decimal | None = None


@dataclass(frozen=True, slots=True)
class GradePremiums:
    """Premiums paid by bidders of one credit grade."""

    grade: str
    guarantees: int
    total: Decimal
    mean: Decimal


@dataclass(frozen=True, slots=True)
class GuaranteeFigures:
    """What the control screen shows about securities."""

    bids: int
    guaranteed: int
    cash: int
    share_guaranteed_percent: Decimal
    cash_freed: Decimal  # the securities not paid in cash: money bidders kept working (释放流动资金)
    premiums: tuple[GradePremiums, ...]
    claims: int
    claims_paid: Decimal


def guarantee_figures(facts: Iterable[SecurityFact]) -> GuaranteeFigures:
    """Aggregate the bids' securities; the share is in percent to two places, grades in A–D order."""
    rows = list(facts)
    guaranteed = [f for f in rows if f.form is SecurityForm.GUARANTEE]
    by_grade: dict[str, list[Decimal]] = {}
    for f in guaranteed:
        by_grade.setdefault(f.grade or "-", []).append(f.premium or Decimal(0))
    premiums = tuple(
        GradePremiums(g, len(v), sum(v, Decimal(0)), (sum(v, Decimal(0)) / len(v)).quantize(Decimal("0.01")))
        for g, v in sorted(by_grade.items())
    )
    claims = [f.claim_paid for f in guaranteed if f.claim_paid is not None]
    share = (
        (Decimal(len(guaranteed)) * 100 / len(rows)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        if rows
        else Decimal(0)
    )
    return GuaranteeFigures(
        bids=len(rows),
        guaranteed=len(guaranteed),
        cash=sum(1 for f in rows if f.form is SecurityForm.CASH),
        share_guaranteed_percent=share,
        cash_freed=sum((f.required_security for f in guaranteed), Decimal(0)),
        premiums=premiums,
        claims=len(claims),
        claims_paid=sum(claims, Decimal(0)),
    )
