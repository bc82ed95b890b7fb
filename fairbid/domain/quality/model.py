"""What a self-check run takes and returns: its context, failures, scores, and the snapshot the next run compares."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from fairbid.domain.quality.catalog import CATALOG, FixPlace
from fairbid.domain.quality.record import Phase

__all__ = [
    "CheckContext",
    "CheckScore",
    "DatasetThresholds",
    "Failure",
    "Outcome",
    "QualityReport",
    "SectionSnapshot",
    "percent",
]

_HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class DatasetThresholds:
    """Thresholds of the dataset checks (configuration; the defaults are Fairbid's design values).

    ``split_thresholds`` are the amounts from which tendering is compulsory, per section kind, in yuan
    (必须招标的工程项目规定 第五条: works 400万, goods 200万, services 100万).
    """

    repeated_award_max: int = 3  # D01: the same award amount on more than this many sections
    agency_share_max: Decimal = Decimal("0.8")  # D02: one agency's share of a tenderee's sections
    agency_min_sections: int = 5  # D02: only tenderees with at least this many sections
    expert_share_max: Decimal = Decimal("0.5")  # D03: one expert's share of a tenderee's evaluated sections
    expert_min_sections: int = 4  # D03: only tenderees with at least this many evaluated sections
    split_window_days: int = 90  # D04: sections within this many days of each other
    split_min_sections: int = 2  # D04: at least this many small sections
    split_thresholds: Mapping[str, Decimal] = field(
        default_factory=lambda: {
            "works": Decimal("4000000"),
            "goods": Decimal("2000000"),
            "services": Decimal("1000000"),
        }
    )


@dataclass(frozen=True, slots=True)
class SectionSnapshot:
    """What the time checks compare between two runs: a section's trading code and phase."""

    section_id: str
    trading_code: str | None
    phase: Phase


@dataclass(frozen=True, slots=True)
class CheckContext:
    """Everything a run needs besides the records: when it runs, the region list, thresholds, the previous run.

    ``known_regions`` is the set of valid GB/T 2260 codes, loaded outside the domain
    (``fairbid.opendata.region.region_codes``); ``previous`` is the previous run's snapshot (``None`` on the first
    run: the time checks then check nothing).
    """

    as_of: datetime
    known_regions: frozenset[str]
    thresholds: DatasetThresholds = DatasetThresholds()
    previous: Mapping[str, SectionSnapshot] | None = None
    contract_days: int = 30  # 招标投标法 第四十六条


@dataclass(frozen=True, slots=True)
class Failure:
    """One failing record: which check, which record (and sub-record), why, and where it is fixed."""

    check_id: str
    record_id: str  # the section id, or the party id for party checks
    message: str
    target_id: str  # the id of the thing to correct (party, section, bid, contract…)
    subject: str = "section"  # section | party | bid | award | contract | opening | tenderee

    @property
    def fix_place(self) -> FixPlace:
        """Where the record is corrected (from the catalog)."""
        return CATALOG[self.check_id].fix_place

    @property
    def fix_hint(self) -> str:
        """``place:target`` — the platform links it to the page where the record is corrected."""
        return f"{self.fix_place.value}:{self.target_id}"


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one check found: how many items it applied to, and the failures (several may name one item)."""

    checked: int
    failures: tuple[Failure, ...] = ()

    @property
    def failed(self) -> int:
        """How many distinct items failed."""
        return len({f.record_id for f in self.failures})


@dataclass(frozen=True, slots=True)
class CheckScore:
    """A check's score in one run: how many items it checked, how many failed, the share that passed."""

    check_id: str
    checked: int
    failed: int

    @property
    def score(self) -> Decimal:
        """Percent of checked items that passed, to two places (100 when nothing applied)."""
        return percent(self.checked - self.failed, self.checked)


def percent(part: int, whole: int) -> Decimal:
    """``part / whole`` in percent, two places, half up; 100.00 for an empty whole."""
    if whole <= 0:
        return Decimal("100.00")
    return (Decimal(part) / Decimal(whole) * _HUNDRED).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class QualityReport:
    """One run: when, the score of every check, the overall score, the failures, and the snapshot to keep."""

    as_of: datetime
    scores: tuple[CheckScore, ...]
    failures: tuple[Failure, ...]
    snapshot: tuple[SectionSnapshot, ...]

    @property
    def overall(self) -> Decimal:
        """The mean of the scores of the checks that applied to something (100 when none did)."""
        applied = [s.score for s in self.scores if s.checked > 0]
        if not applied:
            return Decimal("100.00")
        return (sum(applied, Decimal(0)) / len(applied)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    def failed_ids(self) -> frozenset[str]:
        """The ids of the checks with at least one failure."""
        return frozenset(f.check_id for f in self.failures)

    def score_of(self, check_id: str) -> CheckScore:
        """The score of ``check_id`` in this run."""
        return next(s for s in self.scores if s.check_id == check_id)
