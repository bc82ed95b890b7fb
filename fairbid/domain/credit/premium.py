"""The credit-priced guarantee premium (信用越好，费率越低): rate = base rate × grade multiplier, minimum fee.

Commercial pricing, not law (rules-catalog §5): the base rate, the multipliers and the minimum fee are
configuration. The premium depends on the grade alone — two bidders of one grade pay one rate — so a quote
is explained entirely by the grade and the scorecard lines that made it; the trained scorecard's finer score
does not move the price within a grade (a deliberate choice: equal treatment inside a grade is easy to
check, and the grade's reasons are the whole explanation). No factor of region, ownership or size enters
(招标投标领域公平竞争审查规则 第九条).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from fairbid.domain.credit.grade import CreditGrade, Grade
from fairbid.domain.errors import InvalidInput, RuleViolation

__all__ = ["PremiumPolicy", "PremiumQuote", "price_for_grade", "quote_premium"]

_FEN = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class PremiumPolicy:
    """A guarantor's pricing: base rate (a fraction of the amount), a multiplier per grade, a minimum fee.

    A grade without a multiplier is not underwritten (the guarantor refuses it).
    """

    base_rate: Decimal = Decimal("0.003")
    multipliers: Mapping[Grade, Decimal] = field(
        default_factory=lambda: {Grade.A: Decimal("0.8"), Grade.B: Decimal("1.0"), Grade.C: Decimal("1.5")}
    )
    minimum_fee: Decimal = Decimal("200")

    def __post_init__(self) -> None:
        if not Decimal(0) < self.base_rate < Decimal(1):
            raise InvalidInput("The base rate is a fraction of the guaranteed amount, e.g. 0.003.", field="base_rate")
        if any(not isinstance(g, Grade) or m <= 0 for g, m in self.multipliers.items()):
            raise InvalidInput("Multipliers are positive and keyed by grade A–D.", field="multipliers")
        if self.minimum_fee < 0:
            raise InvalidInput("The minimum fee is not negative.", field="minimum_fee")


@dataclass(frozen=True, slots=True)
class PremiumQuote:
    """A quote: the fee, how it was computed, and the grade with its reasons."""

    amount: Decimal
    grade: Grade
    score: Decimal
    base_rate: Decimal
    multiplier: Decimal
    rate: Decimal
    fee: Decimal
    minimum_applied: bool
    reasons: tuple[str, ...]


def quote_premium(amount: Decimal, credit: CreditGrade, *, policy: PremiumPolicy | None = None) -> PremiumQuote:
    """The premium for guaranteeing ``amount`` yuan for a principal of grade ``credit``.

    ``fee = max(amount × base_rate × multiplier[grade], minimum_fee)``, rounded half-up to the fen. Raises
    :class:`RuleViolation` when the policy does not underwrite the grade (by default D).

    Example: 80,000 yuan at grade A with the defaults: 80000 × 0.003 × 0.8 = 192, below the minimum, so 200.
    """
    policy = policy or PremiumPolicy()
    multiplier, rate, fee, minimum_applied = price_for_grade(
        amount, credit.grade, policy=policy, reasons=credit.reasons[1:]
    )
    return PremiumQuote(
        amount, credit.grade, credit.score, policy.base_rate, multiplier, rate, fee, minimum_applied, credit.reasons
    )


def price_for_grade(
    amount: Decimal, grade: Grade, *, policy: PremiumPolicy, reasons: tuple[str, ...] = ()
) -> tuple[Decimal, Decimal, Decimal, bool]:
    """``(multiplier, rate, fee, minimum_applied)`` for ``amount`` at ``grade`` — what a guarantor computes
    from the grade the platform sends; raises :class:`RuleViolation` for a grade the policy does not take."""
    if amount <= 0:
        raise InvalidInput("The guaranteed amount must be positive.", field="amount")
    multiplier = policy.multipliers.get(grade)
    if multiplier is None:
        raise RuleViolation(
            f"This guarantor does not underwrite grade {grade}: " + ("; ".join(reasons) or "-"),
            rule="guarantee.grade_not_underwritten",
            citation="商业定价，非法定 (commercial underwriting rule)",
            field="grade",
        )
    rate = policy.base_rate * multiplier
    computed = (amount * rate).quantize(_FEN, rounding=ROUND_HALF_UP)
    fee = max(computed, policy.minimum_fee.quantize(_FEN))
    return multiplier, rate, fee, fee > computed
