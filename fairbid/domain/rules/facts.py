"""The facts of a tender document that structured rules read (招标文件要素), with no I/O and no parsing.

Money is ``Decimal`` yuan; times are aware datetimes; the adapters (``fairbid.documents``) build these
from the form.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from fairbid.domain.rules.finding import Rule

__all__ = [
    "Breach",
    "EvaluationMethod",
    "FactRule",
    "PriceFormula",
    "ProjectType",
    "RubricItem",
    "TenderFacts",
]


class ProjectType(StrEnum):
    """施工 works, 货物 goods, 服务 services."""

    WORKS = "works"
    GOODS = "goods"
    SERVICES = "services"


class EvaluationMethod(StrEnum):
    """综合评估法 comprehensive scoring, or 经评审的最低投标价法 lowest evaluated price (12号令29–37)."""

    COMPREHENSIVE = "comprehensive"
    LOWEST_EVALUATED_PRICE = "lowest_evaluated_price"


@dataclass(frozen=True, slots=True)
class RubricItem:
    """One scoring item (评分因素): its maximum, whether it is objective, and its test or bands."""

    name: str
    maximum: Decimal
    objective: bool
    test: str = ""  # objective: the measurable test (客观评分标准); subjective: the score bands
    is_price: bool = False


@dataclass(frozen=True, slots=True)
class PriceFormula:
    """The price score (价格分): base price B×K, K drawn at opening from ``k_values``.

    Score = full − above·|dev%| above B, full − below·|dev%| below B (catalog §4).
    """

    k_values: tuple[Decimal, ...]
    above_penalty: Decimal
    below_penalty: Decimal
    full_score: Decimal


@dataclass(frozen=True, slots=True)
class TenderFacts:
    """Everything the structured rules need about one section's tender document."""

    project_type: ProjectType
    estimated_price: Decimal
    ceiling_price: Decimal | None
    sale_start: datetime
    sale_end: datetime
    bid_deadline: datetime
    decryption_minutes: int
    publicity_days: int
    bid_validity_days: int | None
    bid_security: Decimal | None
    performance_security_percent: Decimal | None
    committee_size: int
    committee_experts: int
    evaluation_method: EvaluationMethod
    rubric: tuple[RubricItem, ...] = ()
    rubric_total: Decimal = Decimal(100)
    price_formula: PriceFormula | None = None
    registered_capital_min: Decimal | None = None
    annual_turnover_min: Decimal | None = None
    past_project_count: int = 0
    past_project_value_min: Decimal | None = None
    qualification_grade: str | None = None
    price_floor: Decimal | None = None
    bid_security_validity_days: int | None = None


Breach = tuple[str, str]
"""``(field path, message)``: what a structured check yields for each breach it finds."""


@dataclass(frozen=True, slots=True)
class FactRule:
    """A catalog rule checked over ``TenderFacts``; ``check`` yields one ``Breach`` per problem."""

    rule: Rule
    check: Callable[[TenderFacts], Iterable[Breach]]
