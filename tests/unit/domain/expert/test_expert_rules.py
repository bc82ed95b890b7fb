"""Committee composition (法 第三十七条) and avoidance (回避) rules."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from fairbid.domain.actor import Role
from fairbid.domain.credit_code import check_character
from fairbid.domain.errors import InvalidInput, RuleViolation
from fairbid.domain.expert import (
    AvoidancePolicy,
    AvoidanceReason,
    CommitteeSpec,
    DrawParties,
    Employment,
    Expert,
    ExpertStatus,
    PastDraw,
    Period,
    Relationship,
    Title,
    avoidance_reasons,
    committee_names_visible,
    is_expert_qualified,
    validate_committee,
    years_before,
)

NOW = datetime(2026, 11, 27, 8, tzinfo=UTC)
WINDOW = Period(NOW + timedelta(days=1), NOW + timedelta(days=2))


def code(n: int) -> str:
    first17 = f"91320100{n:09d}"
    return first17 + check_character(first17)


TENDEREE, AGENCY, BIDDER, OTHER = code(1), code(2), code(3), code(4)
PARTIES = DrawParties(tenderee=TENDEREE, agency=AGENCY, bidders=frozenset({BIDDER}))


def expert(**changes: object) -> Expert:
    base = Expert(
        expert_id="E1",
        name="张三",
        specialties=frozenset({"A01"}),
        region="320100",
        employer=OTHER,
        title=Title.SENIOR,
        years=10,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def reasons(e: Expert, policy: AvoidancePolicy = AvoidancePolicy()) -> tuple[AvoidanceReason, ...]:
    return avoidance_reasons(e, PARTIES, policy, window=WINDOW, now=NOW)


@pytest.mark.parametrize(("size", "reps"), [(5, 0), (5, 1), (7, 2), (9, 3), (11, 3)])
def test_validate_committee_accepts_lawful_composition(size: int, reps: int) -> None:
    assert validate_committee(CommitteeSpec(size, reps)).expert_seats == size - reps


@pytest.mark.parametrize(
    ("size", "reps", "words"),
    [(3, 0, "at least 5"), (6, 0, "odd"), (5, 2, "two thirds"), (9, 4, "at most 3 tenderee")],
)
def test_validate_committee_rejects_unlawful_composition(size: int, reps: int, words: str) -> None:
    with pytest.raises(RuleViolation, match=words) as caught:
        validate_committee(CommitteeSpec(size, reps))
    assert caught.value.rule == "T13"
    assert "第三十七条" in caught.value.citation


def test_validate_committee_rejects_negative_representatives() -> None:
    with pytest.raises(InvalidInput):
        validate_committee(CommitteeSpec(5, -1))


def test_is_expert_qualified_needs_senior_title_and_eight_years() -> None:
    assert is_expert_qualified(expert())
    assert is_expert_qualified(expert(title=Title.SENIOR_FULL, years=8))
    assert not is_expert_qualified(expert(years=7))
    assert not is_expert_qualified(expert(title=Title.INTERMEDIATE))


def test_avoidance_reasons_empty_when_eligible() -> None:
    assert reasons(expert()) == ()


@pytest.mark.parametrize("employer", [TENDEREE, AGENCY, BIDDER])
def test_avoidance_reasons_employer_is_party(employer: str) -> None:
    assert reasons(expert(employer=employer)) == (AvoidanceReason.EMPLOYER_IS_PARTY,)


def test_avoidance_reasons_former_employee_within_three_years() -> None:
    recent = Employment(BIDDER, NOW - timedelta(days=3000), NOW - timedelta(days=365 * 2))
    old = Employment(BIDDER, NOW - timedelta(days=3000), NOW - timedelta(days=365 * 4))
    assert reasons(expert(former_employers=(recent,))) == (AvoidanceReason.FORMER_EMPLOYEE,)
    assert reasons(expert(former_employers=(old,))) == ()


def test_avoidance_reasons_declared_relationship_with_any_party() -> None:
    assert reasons(expert(relationships=(Relationship(AGENCY, "relative"),))) == (
        AvoidanceReason.DECLARED_RELATIONSHIP,
    )
    assert reasons(expert(relationships=(Relationship(OTHER, "relative"),))) == ()


def test_avoidance_reasons_draw_frequency_cap_for_same_tenderee() -> None:
    recent = tuple(PastDraw(TENDEREE, NOW - timedelta(days=10 * i + 1)) for i in range(3))
    assert reasons(expert(history=recent)) == (AvoidanceReason.DRAW_FREQUENCY,)
    other_tenderee = tuple(PastDraw(OTHER, NOW - timedelta(days=1)) for _ in range(5))
    assert reasons(expert(history=other_tenderee)) == ()
    stale = tuple(PastDraw(TENDEREE, NOW - timedelta(days=400)) for _ in range(5))
    assert reasons(expert(history=stale)) == ()


def test_avoidance_reasons_suspended_retired_and_unavailable() -> None:
    assert reasons(expert(status=ExpertStatus.SUSPENDED)) == (AvoidanceReason.NOT_ACTIVE,)
    assert reasons(expert(status=ExpertStatus.RETIRED)) == (AvoidanceReason.NOT_ACTIVE,)
    away = Period(NOW, NOW + timedelta(days=1, hours=1))
    assert reasons(expert(unavailable=(away,))) == (AvoidanceReason.UNAVAILABLE,)


def test_avoidance_reasons_lists_every_reason() -> None:
    e = expert(status=ExpertStatus.SUSPENDED, years=3, employer=BIDDER)
    assert reasons(e) == (
        AvoidanceReason.NOT_ACTIVE,
        AvoidanceReason.UNQUALIFIED,
        AvoidanceReason.EMPLOYER_IS_PARTY,
    )


def test_avoidance_reasons_excluded_home_region() -> None:
    policy = AvoidancePolicy(excluded_regions=frozenset({"320100"}))
    assert reasons(expert(), policy) == (AvoidanceReason.EXCLUDED_REGION,)


def test_years_before_handles_leap_day() -> None:
    assert years_before(datetime(2028, 2, 29, tzinfo=UTC), 3) == datetime(2025, 2, 28, tzinfo=UTC)


def test_period_rejects_inverted_interval() -> None:
    with pytest.raises(InvalidInput):
        Period(NOW, NOW)


def test_expert_rejects_missing_specialty() -> None:
    with pytest.raises(InvalidInput):
        expert(specialties=frozenset())


@pytest.mark.parametrize(
    ("role", "before", "during", "after_award"),
    [
        (Role.OPERATOR, True, True, True),
        (Role.MACHINE, True, True, True),
        (Role.EXPERT, False, True, True),
        (Role.SUPERVISOR, False, True, True),
        (Role.TENDEREE, False, True, True),
        (Role.BIDDER, False, False, True),
        (Role.PUBLIC, False, False, True),
    ],
)
def test_committee_names_visible_by_role_and_stage(role: Role, before: bool, during: bool, after_award: bool) -> None:
    assert committee_names_visible(role, participant=True, evaluation_started=False, awarded=False) is before
    assert committee_names_visible(role, participant=True, evaluation_started=True, awarded=False) is during
    assert committee_names_visible(role, participant=True, evaluation_started=True, awarded=True) is after_award
    # the same role from another section (a foreign tenderee, an expert not on this committee) waits for the award
    outsider = committee_names_visible(role, participant=False, evaluation_started=True, awarded=False)
    assert outsider is (role in (Role.OPERATOR, Role.MACHINE))
