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
from fairbid.domain.terms.model import TenderTerms

__all__ = ["Breach", "FactRule", "ProjectType", "TenderFacts"]


class ProjectType(StrEnum):
    """施工 works, 货物 goods, 服务 services."""

    WORKS = "works"
    GOODS = "goods"
    SERVICES = "services"


@dataclass(frozen=True, slots=True)
class TenderFacts:
    """Everything the structured rules read of one section's tender document: its executable terms (the one
    model the machine later runs, ``fairbid.domain.terms``) and the other facts the form states."""

    project_type: ProjectType
    estimated_price: Decimal
    ceiling_price: Decimal | None
    sale_start: datetime
    sale_end: datetime
    bid_deadline: datetime
    decryption_minutes: int
    publicity_days: int
    terms: TenderTerms
    performance_security_percent: Decimal | None = None
    registered_capital_min: Decimal | None = None
    annual_turnover_min: Decimal | None = None
    qualification_grade: str | None = None
    price_floor: Decimal | None = None


Breach = tuple[str, str]
"""``(field path, message)``: what a structured check yields for each breach it finds."""


@dataclass(frozen=True, slots=True)
class FactRule:
    """A catalog rule checked over ``TenderFacts``; ``check`` yields one ``Breach`` per problem."""

    rule: Rule
    check: Callable[[TenderFacts], Iterable[Breach]]
