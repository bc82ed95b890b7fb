"""Credit grades A–D from conduct records, with the reason for every point (信用评价), and debarment.

A grade is ``base + Σ points of the active records`` (good conduct together capped), banded into A–D; a
debarred organisation is D whatever its points. The points, the cap, the bands and each kind's default
validity are configuration (:class:`GradingPolicy`), not law; the defaults below are Fairbid design values.
The policy's schema admits conduct kinds only: a factor for region, ownership or size cannot be configured
(公平竞争审查条例; 招标投标领域公平竞争审查规则 第九条: no differences by region or ownership in
credit rating standards; 第七条第四项: none by size).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from fairbid.domain.credit.record import ConductKind, ConductRecord, is_active
from fairbid.domain.errors import InvalidInput

__all__ = [
    "DEFAULT_POINTS",
    "FAIRNESS_CITATION",
    "CreditGrade",
    "Debarment",
    "Grade",
    "GradingPolicy",
    "ScoreLine",
    "debarment_of",
    "grade_of",
]

FAIRNESS_CITATION = "公平竞争审查条例; 招标投标领域公平竞争审查规则 第七条第四项、第九条"
K = ConductKind


class Grade(StrEnum):
    """Credit grades, best first."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"


DEFAULT_POINTS: dict[ConductKind, Decimal] = {
    K.BID_REVOKED: Decimal(-10),
    K.REFUSED_TO_SIGN: Decimal(-20),
    K.NO_PERFORMANCE_SECURITY: Decimal(-20),
    K.OBJECTION_UPHELD: Decimal(-5),
    K.COMPLAINT_UPHELD: Decimal(-10),
    K.FALSE_COMPLAINT: Decimal(-10),
    K.COLLUSION_CONFIRMED: Decimal(-40),
    K.LATE_CONTRACT: Decimal(-5),
    K.CLAIM_PAID: Decimal(-15),
    K.CONTRACT_ON_TIME: Decimal(2),
    K.GUARANTEE_RELEASED: Decimal(1),
    K.DISHONEST_DEBTOR: Decimal(-30),
    K.MAJOR_TAX_VIOLATION: Decimal(-30),
    K.ADMINISTRATIVE_PENALTY: Decimal(-10),
}
"""Points per active record (Fairbid design values [U], configurable)."""

_THREE_YEARS = timedelta(days=3 * 365)
_DEFAULT_VALIDITY: dict[ConductKind, timedelta | None] = {
    **{k: _THREE_YEARS for k in ConductKind},
    K.DISHONEST_DEBTOR: None,  # until the court removes the entry: withdrawn on import of the removal
    K.CONTRACT_ON_TIME: _THREE_YEARS,
}


def _kind(key: object) -> ConductKind:
    try:
        return ConductKind(str(key))
    except ValueError:
        raise InvalidInput(
            f"{key!r} is not a conduct kind: a credit grade may rest only on recorded conduct, never on region, "
            f"ownership or size ({FAIRNESS_CITATION}).",
            field="points",
        ) from None


@dataclass(frozen=True, slots=True)
class GradingPolicy:
    """The configuration of grading: points per conduct kind, base, cap on good conduct, band floors."""

    points: Mapping[ConductKind, Decimal] = field(default_factory=lambda: dict(DEFAULT_POINTS))
    base: Decimal = Decimal(80)
    good_cap: Decimal = Decimal(10)
    floors: Mapping[Grade, Decimal] = field(
        default_factory=lambda: {Grade.A: Decimal(85), Grade.B: Decimal(70), Grade.C: Decimal(50)}
    )
    validity: Mapping[ConductKind, timedelta | None] = field(default_factory=lambda: dict(_DEFAULT_VALIDITY))

    def __post_init__(self) -> None:
        for mapping in (self.points, self.validity):
            for key in mapping:
                if not isinstance(key, ConductKind):
                    _kind(key)  # raises with the fairness citation
                    raise InvalidInput(f"Use ConductKind members as keys, not {key!r}.", field="points")
        floors = [self.floors.get(g) for g in (Grade.A, Grade.B, Grade.C)]
        if any(f is None for f in floors) or not floors[0] > floors[1] > floors[2]:  # type: ignore[operator]
            raise InvalidInput("Band floors are set for A, B and C and fall from A to C.", field="floors")
        if self.good_cap < 0:
            raise InvalidInput("The cap on good-conduct points is not negative.", field="good_cap")

    @classmethod
    def from_mapping(cls, config: Mapping[str, object]) -> GradingPolicy:
        """From configuration data (e.g. TOML/JSON): ``{"points": {kind: n}, "base": n, "good_cap": n,
        "floors": {"A": n, "B": n, "C": n}}``; unknown keys and non-conduct factors are refused."""
        unknown = set(config) - {"points", "base", "good_cap", "floors"}
        if unknown:
            raise InvalidInput(
                f"Unknown grading setting(s) {', '.join(sorted(map(str, unknown)))}: only conduct points, base, "
                f"good_cap and floors are configurable ({FAIRNESS_CITATION}).",
                field=sorted(map(str, unknown))[0],
            )
        raw_points = config.get("points", {})
        raw_floors = config.get("floors", {})
        if not isinstance(raw_points, Mapping) or not isinstance(raw_floors, Mapping):
            raise InvalidInput("points and floors are tables.", field="points")
        points = dict(DEFAULT_POINTS) | {_kind(k): Decimal(str(v)) for k, v in raw_points.items()}
        default = cls()
        floors = dict(default.floors) | {Grade(k): Decimal(str(v)) for k, v in raw_floors.items()}
        return cls(
            points=points,
            base=Decimal(str(config.get("base", default.base))),
            good_cap=Decimal(str(config.get("good_cap", default.good_cap))),
            floors=floors,
        )

    def default_valid_until(self, kind: ConductKind, occurred_on: datetime) -> datetime | None:
        """When a record of ``kind`` stops counting if its source states no end."""
        span = self.validity.get(kind, _THREE_YEARS)
        return None if span is None else occurred_on + span

    def band(self, score: Decimal) -> Grade:
        """The grade of a score."""
        for grade in (Grade.A, Grade.B, Grade.C):
            if score >= self.floors[grade]:
                return grade
        return Grade.D


@dataclass(frozen=True, slots=True)
class ScoreLine:
    """One line of a scorecard: points and the reason for them."""

    points: Decimal
    reason: str
    record_id: str | None = None
    citation: str = ""


@dataclass(frozen=True, slots=True)
class Debarment:
    """A ban from bidding (取消投标资格) in force, with the penalty that imposed it."""

    until: datetime
    record_id: str
    source: str
    reference: str
    citation: str

    @property
    def reason(self) -> str:
        """The sentence the review's ``not_debarred`` check prints."""
        return (
            f"Debarred from bidding until {self.until:%Y-%m-%d} by penalty {self.reference} "
            f"({self.source}; {self.citation})."
        )


@dataclass(frozen=True, slots=True)
class CreditGrade:
    """A grade, its score, every line that made it, and the debarment in force if any."""

    subject: str
    grade: Grade
    score: Decimal
    lines: tuple[ScoreLine, ...]
    debarment: Debarment | None
    at: datetime

    @property
    def reasons(self) -> tuple[str, ...]:
        """The lines as sentences, for a quote or a page."""
        return tuple(f"{line.points:+} {line.reason}" for line in self.lines)


def debarment_of(records: Iterable[ConductRecord], *, at: datetime) -> Debarment | None:
    """The ban in force at ``at`` that ends last, from records not withdrawn by then, or ``None``.

    招标投标法 第五十三条 and 招标投标法实施条例 第六十七条: serious collusion bans bidding for one to two years.
    """
    bans = [
        r
        for r in records
        if r.debarred_until is not None
        and r.occurred_on <= at < r.debarred_until
        and (r.withdrawal is None or at < r.withdrawal.at)
    ]
    if not bans:
        return None
    last = max(bans, key=lambda r: (r.debarred_until, r.id))
    assert last.debarred_until is not None
    return Debarment(last.debarred_until, last.id, last.source, last.reference, last.citation)


def _line(record: ConductRecord, points: Decimal) -> ScoreLine:
    return ScoreLine(
        points,
        f"{record.kind.value}: {record.source}, {record.occurred_on:%Y-%m-%d}, {record.reference}",
        record.id,
        record.citation,
    )


def grade_of(
    subject: str, records: Iterable[ConductRecord], *, at: datetime, policy: GradingPolicy | None = None
) -> CreditGrade:
    """The credit grade of ``subject`` (a credit code) at ``at`` from its records, with every point's reason.

    Only the subject's active records count (:func:`~fairbid.domain.credit.record.is_active`); good conduct
    adds at most ``good_cap``; a debarment in force makes the grade D.
    """
    policy = policy or GradingPolicy()
    own = [r for r in records if r.subject == subject]
    active = sorted((r for r in own if is_active(r, at=at)), key=lambda r: (r.occurred_on, r.id))
    lines = [ScoreLine(policy.base, "base score of every organisation")]
    good_left = policy.good_cap
    for record in active:
        points = policy.points.get(record.kind, Decimal(0))
        if points > 0:
            points, good_left = min(points, good_left), good_left - min(points, good_left)
        if points != 0:
            lines.append(_line(record, points))
    score = sum((line.points for line in lines), Decimal(0))
    debarment = debarment_of(own, at=at)
    grade = policy.band(score)
    if debarment is not None:
        grade = Grade.D
        lines.append(ScoreLine(Decimal(0), "grade D while debarred: " + debarment.reason, debarment.record_id,
                               debarment.citation))  # fmt: skip
    return CreditGrade(subject, grade, score, tuple(lines), debarment, at)
