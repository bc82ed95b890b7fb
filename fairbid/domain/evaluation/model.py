"""Scoring values: the rubric (评分标准), score sheets, aggregated scores and warnings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from fairbid.domain.errors import InvalidInput

__all__ = [
    "Aggregation",
    "BidScore",
    "Rubric",
    "RubricItem",
    "ScoreSheet",
    "ScoreWarning",
    "ScoringResult",
    "WarningAnswer",
    "WarningKind",
]


class Aggregation(StrEnum):
    """How experts' subjective scores are combined per item."""

    MEAN = "mean"
    TRIMMED_MEAN = "trimmed_mean"  # drop one highest and one lowest once there are ≥ trim_from experts


@dataclass(frozen=True, slots=True)
class RubricItem:
    """One scoring item of the tender's 评分标准, with its bounds."""

    item_id: str
    name: str
    max_score: Decimal
    subjective: bool
    min_score: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        if not Decimal(0) <= self.min_score < self.max_score:
            raise InvalidInput(f"Item {self.item_id} needs 0 ≤ min < max.", field="rubric")


@dataclass(frozen=True, slots=True)
class Rubric:
    """The scoring table: items, the deviation threshold (share of an item's maximum) and aggregation."""

    items: tuple[RubricItem, ...]
    deviation_threshold: Decimal = Decimal("0.20")  # catalog §4: e.g. 20 % of the item's maximum [U]
    aggregation: Aggregation = Aggregation.MEAN
    trim_from: int = 7
    quantum: Decimal = Decimal("0.01")

    def __post_init__(self) -> None:
        ids = [i.item_id for i in self.items]
        if not ids or len(set(ids)) != len(ids):
            raise InvalidInput("A rubric needs items with distinct IDs.", field="rubric")
        if not Decimal(0) < self.deviation_threshold <= Decimal(1):
            raise InvalidInput("The deviation threshold is a share in (0, 1].", field="deviation_threshold")
        if self.trim_from < 3:
            raise InvalidInput("Trimming needs at least 3 experts.", field="trim_from")

    @property
    def subjective(self) -> tuple[RubricItem, ...]:
        """Items the experts score."""
        return tuple(i for i in self.items if i.subjective)

    @property
    def objective(self) -> tuple[RubricItem, ...]:
        """Items the machine scores."""
        return tuple(i for i in self.items if not i.subjective)


@dataclass(frozen=True, slots=True)
class ScoreSheet:
    """One expert's subjective scores for one bid, and the total the expert wrote down (if any)."""

    expert_id: str
    bid_id: str
    scores: Mapping[str, Decimal]
    submitted_at: datetime
    stated_total: Decimal | None = None
    revision_reason: str = ""  # set when revised in answer to a warning


@dataclass(frozen=True, slots=True)
class BidScore:
    """One bid's aggregated scores: per item, the technical (subjective) and objective parts, and total."""

    bid_id: str
    items: Mapping[str, Decimal]
    subjective_total: Decimal
    objective_total: Decimal
    total: Decimal


@dataclass(frozen=True, slots=True)
class ScoringResult:
    """All bids' aggregated scores plus the machine's warnings."""

    scores: Mapping[str, BidScore]
    warnings: tuple[ScoreWarning, ...] = field(default=())


class WarningKind(StrEnum):
    """What the machine noticed in the experts' scores (1117号 (五); 195号 第九项)."""

    DEVIATION = "deviation"  # far from the other experts on an item
    IDENTICAL_SHEETS = "identical_sheets"  # two experts' sheets for a bid are identical
    ARITHMETIC = "arithmetic"  # the expert's written total is not the sum of the items


@dataclass(frozen=True, slots=True)
class ScoreWarning:
    """A warning on one bid, naming the experts who must confirm or revise with a reason."""

    kind: WarningKind
    bid_id: str
    experts: tuple[str, ...]
    item_id: str | None = None
    value: Decimal | None = None  # the expert's score (deviation) or written total (arithmetic)
    reference: Decimal | None = None  # the other experts' mean, or the sum of the items
    limit: Decimal | None = None  # the largest distance allowed (deviation)

    @property
    def warning_id(self) -> str:
        """A stable ID: kind, bid, item and experts (answers refer to it)."""
        return f"{self.kind.value}:{self.bid_id}:{self.item_id or '-'}:{'+'.join(self.experts)}"

    @property
    def detail(self) -> str:
        """The warning as a sentence (built on demand: a large evaluation can hold many warnings)."""
        experts = ", ".join(self.experts)
        if self.kind is WarningKind.DEVIATION:
            return (
                f"{experts} gave {self.value} on item {self.item_id} of {self.bid_id}; the other experts "
                f"average {self.reference:.2f}, more than {self.limit} away."
            )
        if self.kind is WarningKind.IDENTICAL_SHEETS:
            return f"{experts} gave identical scores on every subjective item of {self.bid_id}."
        written = f"{experts} wrote a total of {self.value} for {self.bid_id}"
        return f"{written}; the items add up to {self.reference}."


@dataclass(frozen=True, slots=True)
class WarningAnswer:
    """A warned expert's answer: confirm the score, or revise it, with a reason either way."""

    warning_id: str
    expert_id: str
    revised: bool
    reason: str
    at: datetime
