"""The tender's executable terms (招标文件实质性条款 and 评标办法): one typed model, pinned at publication.

The agency's form builds it, the document renders from it, the rule catalog checks it, publication pins its
SM3, and the machine executes exactly it — the draw seats its committee, K comes from its set, the machine
review applies its requirements, the machine scores its objective items, the experts score only its subjective
items, and the ranking follows its method and tie-breaks (条例 第四十九条: only the standards and method stated in
the tender document). Nobody supplies terms after publication except by an amendment (招标投标法 第二十三条).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from fairbid.domain.evaluation.model import Aggregation
from fairbid.domain.evaluation.price import BenchmarkTrim, KMode
from fairbid.domain.evaluation.ranking import EvaluationMethod, TieBreak

__all__ = [
    "PRICE_ITEM",
    "Band",
    "CertificateTest",
    "CommitteeComposition",
    "CreditGradeTest",
    "DeviationRule",
    "DurationTest",
    "GradePoints",
    "ObjectiveItem",
    "ObjectiveTest",
    "PriceRule",
    "Qualification",
    "ScoringTable",
    "SecurityTerms",
    "SimilarContracts",
    "SimilarContractsTest",
    "StaffCountTest",
    "SubjectiveItem",
    "TenderTerms",
    "TestKind",
]

PRICE_ITEM = "price"


@dataclass(frozen=True, slots=True)
class PriceRule:
    """价格分: the benchmark price (评标基准价) and the deductions from it (标准施工招标文件 前附表 2.2.3).

    The bids that enter the benchmark are the valid ones within the ceiling (条例 第五十一条第五项 rejects the
    others anyway). Of those, a bid deviating from their plain mean by more than ``exclude_beyond`` (a share)
    is left out; then the trim for their number applies (the one with the largest ``min_bids`` that is met);
    the mean of what remains is B0, and the benchmark is B0 × K or B0 × (1 − K) (``k_mode``) with K drawn at
    the opening from ``k_values`` by the public beacon. A bid's score is ``full_score`` minus
    ``above_per_point`` per percentage point above the benchmark or ``below_per_point`` per point below, never
    under ``floor``.
    """

    full_score: Decimal
    k_mode: KMode
    k_values: tuple[Decimal, ...]
    above_per_point: Decimal
    below_per_point: Decimal
    floor: Decimal = Decimal(0)
    trims: tuple[BenchmarkTrim, ...] = ()
    exclude_beyond: Decimal | None = None


class TestKind(StrEnum):
    """What an objective scoring item tests in the bid's structured data (客观评分因素)."""

    CERTIFICATE = "certificate"  # the project manager's certificate grade (项目经理注册证书等级)
    SIMILAR_CONTRACTS = "similar_contracts"  # past contracts of at least an amount within some years (类似业绩)
    CREDIT_GRADE = "credit_grade"  # the bidder's credit grade on the platform (信用评价等级)
    DURATION = "duration"  # days promised under the required duration (工期)
    STAFF_COUNT = "staff_count"  # how many of one key role are named (主要人员数量)


@dataclass(frozen=True, slots=True)
class GradePoints:
    """Points for one grade (e.g. 一级 → 4, A → 5)."""

    grade: str
    points: Decimal


@dataclass(frozen=True, slots=True)
class CertificateTest:
    """Points by the grade of the project manager's registration certificate; a grade not listed scores 0."""

    grades: tuple[GradePoints, ...]
    kind: TestKind = TestKind.CERTIFICATE


@dataclass(frozen=True, slots=True)
class SimilarContractsTest:
    """``points_each`` for every past contract of at least ``min_amount`` completed within ``within_years``
    before the bid deadline, up to the item's maximum."""

    min_amount: Decimal
    within_years: int
    points_each: Decimal
    kind: TestKind = TestKind.SIMILAR_CONTRACTS


@dataclass(frozen=True, slots=True)
class CreditGradeTest:
    """Points by the bidder's credit grade on the platform at the opening (A–D); a bidder without one scores 0."""

    grades: tuple[GradePoints, ...]
    kind: TestKind = TestKind.CREDIT_GRADE


@dataclass(frozen=True, slots=True)
class DurationTest:
    """``points_per_step`` for every full ``step_days`` promised under the required duration, up to the maximum."""

    step_days: int
    points_per_step: Decimal
    kind: TestKind = TestKind.DURATION


@dataclass(frozen=True, slots=True)
class StaffCountTest:
    """The item's maximum when at least ``count`` people of ``role`` are named in the bid, else 0."""

    role: str
    count: int
    kind: TestKind = TestKind.STAFF_COUNT


ObjectiveTest = CertificateTest | SimilarContractsTest | CreditGradeTest | DurationTest | StaffCountTest


@dataclass(frozen=True, slots=True)
class ObjectiveItem:
    """A scoring item the machine scores from the bid's structured data, by its stated test (1117号 (五))."""

    item_id: str
    name: str
    max_score: Decimal
    test: ObjectiveTest


@dataclass(frozen=True, slots=True)
class Band:
    """One grade band of a subjective item (分档): a label and the score range experts choose within."""

    label: str
    low: Decimal
    high: Decimal


@dataclass(frozen=True, slots=True)
class SubjectiveItem:
    """A scoring item the experts score, independently, within its bands (条例 第四十九条)."""

    item_id: str
    name: str
    max_score: Decimal
    bands: tuple[Band, ...] = ()
    min_score: Decimal = Decimal(0)


@dataclass(frozen=True, slots=True)
class ScoringTable:
    """评分标准 of the comprehensive method (综合评估法, 12号令 第三十五条): price, objective and subjective items."""

    price: PriceRule
    objective: tuple[ObjectiveItem, ...] = ()
    subjective: tuple[SubjectiveItem, ...] = ()
    total: Decimal = Decimal(100)
    deviation_threshold: Decimal = Decimal("0.20")  # an expert this far (share of the maximum) from the others
    aggregation: Aggregation = Aggregation.MEAN
    trim_from: int = 7

    @property
    def subjective_total(self) -> Decimal:
        return sum((i.max_score for i in self.subjective), Decimal(0))

    @property
    def item_total(self) -> Decimal:
        """The sum of every item's maximum, the price included."""
        objective = sum((i.max_score for i in self.objective), Decimal(0))
        return self.price.full_score + objective + self.subjective_total


@dataclass(frozen=True, slots=True)
class DeviationRule:
    """偏差折价 of the lowest evaluated price method (12号令 第三十二条): a stated deviation and its price, as a share
    of the bid price added to the evaluated price for each occurrence the committee finds."""

    deviation_id: str
    description: str
    share_of_price: Decimal


@dataclass(frozen=True, slots=True)
class CommitteeComposition:
    """评标委员会: its size, the experts drawn by specialty, and the tenderee's representatives (法 第三十七条)."""

    size: int
    experts: tuple[tuple[str, int], ...]  # (specialty code, number drawn)
    representatives: int = 0

    @property
    def drawn(self) -> int:
        return sum(n for _, n in self.experts)


@dataclass(frozen=True, slots=True)
class SecurityTerms:
    """投标保证金: the amount, the accepted forms, and its validity (None: the bid validity, 条例 第二十六条)."""

    amount: Decimal
    forms: tuple[str, ...] = ()
    validity_days: int | None = None


@dataclass(frozen=True, slots=True)
class SimilarContracts:
    """A qualification requirement: ``count`` past contracts of at least ``min_amount`` within ``within_years``."""

    count: int
    min_amount: Decimal
    within_years: int


@dataclass(frozen=True, slots=True)
class Qualification:
    """What the machine review checks of every bid (资格条件 and 实质性要求, 条例 第五十一条)."""

    max_duration_days: int
    quality: frozenset[str] = field(default_factory=lambda: frozenset({"合格"}))
    certificates: frozenset[str] = field(default_factory=frozenset)  # codes of required 资质 certificates
    staff: frozenset[str] = field(default_factory=frozenset)  # key roles that must be named, e.g. project_manager
    pm_grades: frozenset[str] = field(default_factory=frozenset)  # accepted grades of the PM's certificate
    similar_contracts: SimilarContracts | None = None


@dataclass(frozen=True, slots=True)
class TenderTerms:
    """Everything that decides the outcome, as the tender document states it (评标办法固化)."""

    method: EvaluationMethod
    qualification: Qualification
    committee: CommitteeComposition
    security: SecurityTerms
    bid_validity_days: int
    scoring: ScoringTable | None = None  # the comprehensive method's table; None for the lowest evaluated price
    deviations: tuple[DeviationRule, ...] = ()  # the lowest evaluated price method's 偏差折价
    tie_breaks: tuple[TieBreak, ...] = (TieBreak.LOWER_PRICE, TieBreak.HIGHER_TECHNICAL)

    @property
    def k_values(self) -> tuple[Decimal, ...]:
        """The published set K is drawn from at the opening (empty when the method draws no K)."""
        if self.scoring is None or self.scoring.price.k_mode is KMode.NONE:
            return ()
        return self.scoring.price.k_values
