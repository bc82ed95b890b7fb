"""Who may sit on an evaluation committee: composition (法 第三十七条) and avoidance (回避)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from fairbid.domain.actor import Role
from fairbid.domain.errors import InvalidInput, RuleViolation
from fairbid.domain.expert.model import SENIOR_TITLES, Expert, ExpertStatus, Period

__all__ = [
    "AvoidanceCheck",
    "AvoidancePolicy",
    "AvoidanceReason",
    "CommitteeSpec",
    "DrawParties",
    "avoidance_reasons",
    "committee_names_visible",
    "is_expert_qualified",
    "validate_committee",
    "years_before",
]

COMPOSITION_CITATION = "法 第三十七条; 12号令 第九条"


@dataclass(frozen=True, slots=True)
class CommitteeSpec:
    """The committee the tender document asks for: total size and the tenderee's own representatives."""

    size: int
    tenderee_representatives: int = 0

    @property
    def expert_seats(self) -> int:
        """Seats filled by drawn experts (技术、经济等方面的专家)."""
        return self.size - self.tenderee_representatives


def validate_committee(spec: CommitteeSpec) -> CommitteeSpec:
    """Check the committee's size and composition (T13).

    法 第三十七条: five or more members, an odd number, technical and economic experts at least two
    thirds of the members (also 12号令 第九条). Raises ``RuleViolation`` naming the broken condition.
    """
    if spec.tenderee_representatives < 0:
        raise InvalidInput("The number of tenderee representatives cannot be negative.", field="committee")
    if spec.size < 5:
        raise RuleViolation(
            f"The committee has {spec.size} members; the law requires at least 5.",
            rule="T13",
            citation=COMPOSITION_CITATION,
            field="committee.size",
        )
    if spec.size % 2 == 0:
        raise RuleViolation(
            f"The committee has {spec.size} members; the law requires an odd number "
            f"(use {spec.size - 1} or {spec.size + 1}).",
            rule="T13",
            citation=COMPOSITION_CITATION,
            field="committee.size",
        )
    if 3 * spec.expert_seats < 2 * spec.size:
        most = spec.size - (2 * spec.size + 2) // 3
        raise RuleViolation(
            f"{spec.expert_seats} of {spec.size} members are drawn experts; at least two thirds must be "
            f"(at most {most} tenderee representatives).",
            rule="T13",
            citation=COMPOSITION_CITATION,
            field="committee.tenderee_representatives",
        )
    return spec


@dataclass(frozen=True, slots=True)
class DrawParties:
    """The organisations an expert must not be tied to (credit codes): tenderee, agency, bidders."""

    tenderee: str
    agency: str | None = None
    bidders: frozenset[str] = field(default_factory=frozenset)

    @property
    def all(self) -> frozenset[str]:
        """Every party's credit code."""
        parties = {self.tenderee, *self.bidders}
        if self.agency:
            parties.add(self.agency)
        return frozenset(parties)


@dataclass(frozen=True, slots=True)
class AvoidancePolicy:
    """The tunable parts of avoidance. Defaults follow the catalog; frequency caps are local rules."""

    min_years: int = 8  # 条例 第四十六条 / 法 第三十七条: 八年以上
    senior_title_required: bool = True  # 高级职称或者具有同等专业水平
    former_employee_years: int = 3  # pledge template: 近三年内曾在投标人任职
    max_draws_per_tenderee: int = 3  # local rule: cap draws for the same tenderee …
    frequency_window: timedelta = timedelta(days=365)  # … within this window
    excluded_regions: frozenset[str] = field(default_factory=frozenset)  # e.g. the project's own region


class AvoidanceReason(StrEnum):
    """Why an expert is not eligible for this draw."""

    NOT_ACTIVE = "not_active"  # suspended or retired
    UNQUALIFIED = "unqualified"  # title or years below 条例 第四十六条
    UNAVAILABLE = "unavailable"  # declared absence overlapping the evaluation
    EXCLUDED_REGION = "excluded_region"
    EMPLOYER_IS_PARTY = "employer_is_party"  # 法 第三十七条: 与投标人有利害关系
    FORMER_EMPLOYEE = "former_employee"  # left a bidder less than three years ago
    DECLARED_RELATIONSHIP = "declared_relationship"  # 12号令 第十二条
    DRAW_FREQUENCY = "draw_frequency"  # drawn too often for the same tenderee
    ALREADY_DRAWN = "already_drawn"  # in this draw already (or declined it)


def is_expert_qualified(expert: Expert, policy: AvoidancePolicy = AvoidancePolicy()) -> bool:
    """条例 第四十六条 with 法 第三十七条 (T14): senior title and at least eight years in the field."""
    if policy.senior_title_required and expert.title not in SENIOR_TITLES:
        return False
    return expert.years >= policy.min_years


def years_before(moment: datetime, years: int) -> datetime:
    """The same calendar instant ``years`` earlier (29 February falls back to the 28th)."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


def _reasons(
    expert: Expert,
    parties: frozenset[str],
    bidders: frozenset[str],
    tenderee: str,
    policy: AvoidancePolicy,
    window: Period,
    now: datetime,
) -> Iterator[AvoidanceReason]:
    # cheapest checks first: the fast path stops at the first reason
    if expert.status is not ExpertStatus.ACTIVE:
        yield AvoidanceReason.NOT_ACTIVE
    if not is_expert_qualified(expert, policy):
        yield AvoidanceReason.UNQUALIFIED
    if expert.region in policy.excluded_regions:
        yield AvoidanceReason.EXCLUDED_REGION
    if expert.employer in parties:
        yield AvoidanceReason.EMPLOYER_IS_PARTY
    if expert.unavailable and any(p.overlaps(window) for p in expert.unavailable):
        yield AvoidanceReason.UNAVAILABLE
    if expert.former_employers:
        since = years_before(now, policy.former_employee_years)
        if any(e.employer in bidders and e.end > since for e in expert.former_employers):
            yield AvoidanceReason.FORMER_EMPLOYEE
    if expert.relationships and any(r.organisation in parties for r in expert.relationships):
        yield AvoidanceReason.DECLARED_RELATIONSHIP
    if expert.history:
        since_draw = now - policy.frequency_window
        recent = sum(1 for d in expert.history if d.tenderee == tenderee and d.at > since_draw)
        if recent >= policy.max_draws_per_tenderee:
            yield AvoidanceReason.DRAW_FREQUENCY


class AvoidanceCheck:
    """Avoidance for one draw, with the party sets and cut-off dates computed once (for large pools)."""

    __slots__ = ("_bidders", "_now", "_parties", "_policy", "_tenderee", "_window")

    def __init__(self, parties: DrawParties, policy: AvoidancePolicy, *, window: Period, now: datetime) -> None:
        if now.tzinfo is None:
            raise ValueError("now must be an aware UTC datetime")
        self._parties = parties.all
        self._bidders = parties.bidders
        self._tenderee = parties.tenderee
        self._policy = policy
        self._window = window
        self._now = now

    def reasons(self, expert: Expert) -> tuple[AvoidanceReason, ...]:
        """Every reason ``expert`` must stay off the committee; empty when eligible."""
        return tuple(self._iter(expert))

    def first(self, expert: Expert) -> AvoidanceReason | None:
        """The first reason (cheap checks first), or None when eligible."""
        return next(self._iter(expert), None)

    def _iter(self, expert: Expert) -> Iterator[AvoidanceReason]:
        return _reasons(expert, self._parties, self._bidders, self._tenderee, self._policy, self._window, self._now)


def avoidance_reasons(
    expert: Expert, parties: DrawParties, policy: AvoidancePolicy, *, window: Period, now: datetime
) -> tuple[AvoidanceReason, ...]:
    """Every reason ``expert`` must stay off this committee (回避), empty when eligible.

    法 第三十七条 (interest in a bidder), 条例 第四十六条 (qualification; avoidance), 12号令 第十二条
    (relatives, economic interest), the pledge template's three-year former-employment rule, and the
    platform's frequency cap.
    """
    return AvoidanceCheck(parties, policy, window=window, now=now).reasons(expert)


_SYSTEM_ROLES = frozenset({Role.MACHINE, Role.OPERATOR})
_SESSION_ROLES = frozenset({Role.EXPERT, Role.TENDEREE, Role.AGENCY, Role.SUPERVISOR})


def committee_names_visible(role: Role, *, participant: bool, evaluation_started: bool, awarded: bool) -> bool:
    """Whether ``role`` may see who sits on the committee (法 第三十七条: 名单在中标结果确定前应当保密).

    The operator's system always; those taking part in *this* session (its experts, the section's own
    tenderee and agency, the supervisor) once the evaluation has started; everyone else — bidders, the
    public, and the same roles from other sections — only after the award.
    """
    if role in _SYSTEM_ROLES:
        return True
    if role in _SESSION_ROLES and participant:
        return evaluation_started or awarded
    return awarded
