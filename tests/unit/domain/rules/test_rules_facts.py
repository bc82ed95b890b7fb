"""Structured rules over TenderFacts: timeline, amounts, committee, proportionality, rubric."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

from fairbid.domain.rules import (
    EvaluationMethod,
    PriceFormula,
    ProjectType,
    RubricItem,
    Severity,
    TenderFacts,
    blocking,
    check_facts,
)

CST = timezone(timedelta(hours=8))
ON = date(2026, 11, 27)


def facts(**changes: object) -> TenderFacts:
    base = TenderFacts(
        project_type=ProjectType.WORKS,
        estimated_price=Decimal(30_000_000),
        ceiling_price=Decimal(29_000_000),
        sale_start=datetime(2026, 12, 1, 9, tzinfo=CST),
        sale_end=datetime(2026, 12, 6, 17, tzinfo=CST),
        bid_deadline=datetime(2026, 12, 21, 9, 30, tzinfo=CST),
        decryption_minutes=30,
        publicity_days=3,
        bid_validity_days=90,
        bid_security=Decimal(600_000),
        performance_security_percent=Decimal(10),
        committee_size=5,
        committee_experts=4,
        evaluation_method=EvaluationMethod.COMPREHENSIVE,
        rubric=(
            RubricItem("报价", Decimal(60), True, "按偏差率计分", is_price=True),
            RubricItem("施工组织设计", Decimal(25), False, "优20-25，良10-19，差0-9"),
            RubricItem("业绩", Decimal(15), True, "每项5分"),
        ),
        price_formula=PriceFormula(
            (Decimal("0.95"), Decimal("0.97"), Decimal("0.99")), Decimal(1), Decimal("0.5"), Decimal(60)
        ),
        past_project_count=1,
        past_project_value_min=Decimal(15_000_000),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def rules_of(f: TenderFacts, on: date = ON) -> set[str]:
    return {x.rule for x in check_facts(f, on=on)}


def test_clean_facts_have_no_findings() -> None:
    assert check_facts(facts(), on=ON) == []


def test_sale_period_flagged_when_under_five_days() -> None:
    assert "T01" in rules_of(facts(sale_end=datetime(2026, 12, 5, 17, tzinfo=CST)))


def test_sale_period_passes_at_exactly_five_days() -> None:
    assert "T01" not in rules_of(facts(sale_end=datetime(2026, 12, 6, 9, tzinfo=CST)))


def test_sale_period_counts_beijing_dates_not_utc() -> None:
    # 2026-12-05 23:30 UTC is already the 6th in Beijing: five days after the 1st.
    assert "T01" not in rules_of(facts(sale_end=datetime(2026, 12, 5, 23, 30, tzinfo=UTC)))


def test_issue_to_deadline_flagged_at_nineteen_days() -> None:
    found = check_facts(facts(bid_deadline=datetime(2026, 12, 20, 9, tzinfo=CST)), on=ON)
    t03 = [f for f in found if f.rule == "T03"]
    assert t03 and t03[0].field == "schedule.bid_deadline" and "19" in t03[0].message
    assert t03[0].citation == "招标投标法 第二十四条"


def test_issue_to_deadline_passes_at_twenty_days() -> None:
    assert "T03" not in rules_of(facts())


def test_bid_security_flagged_above_two_percent() -> None:
    assert "T09" in rules_of(facts(bid_security=Decimal("600000.01")))
    assert "T09" not in rules_of(facts(bid_security=Decimal(600_000)))


def test_bid_security_cap_applies_to_works_and_goods_only() -> None:
    big = dict(estimated_price=Decimal(100_000_000), ceiling_price=None, bid_security=Decimal(900_000))
    assert "T10" in rules_of(facts(**big))
    assert "T10" in rules_of(facts(project_type=ProjectType.GOODS, **big))
    assert "T10" not in rules_of(facts(project_type=ProjectType.SERVICES, **big))


def test_bid_security_validity_must_match_bid_validity() -> None:
    assert "T09V" in rules_of(facts(bid_security_validity_days=60))
    assert "T09V" not in rules_of(facts(bid_security_validity_days=90))
    assert "T09V" not in rules_of(facts(bid_security_validity_days=60, bid_security=None))


def test_performance_security_flagged_above_ten_percent() -> None:
    assert "T12" in rules_of(facts(performance_security_percent=Decimal("10.5")))


def test_committee_flagged_when_even_small_or_few_experts() -> None:
    assert "T13" in rules_of(facts(committee_size=6, committee_experts=5))
    assert "T13" in rules_of(facts(committee_size=3, committee_experts=3))
    assert "T13" in rules_of(facts(committee_size=7, committee_experts=4))
    assert "T13" not in rules_of(facts(committee_size=7, committee_experts=5))


def test_bid_validity_missing_blocks_and_short_warns() -> None:
    missing = check_facts(facts(bid_validity_days=None), on=ON)
    assert [f.severity for f in missing if f.rule == "T21"] == [Severity.BLOCK]
    short = check_facts(facts(bid_validity_days=30), on=ON)
    assert [f.severity for f in short if f.rule == "T21W"] == [Severity.WARN]
    assert not blocking(short)


def test_price_floor_blocks() -> None:
    assert "T23" in rules_of(facts(price_floor=Decimal(20_000_000)))


def test_ceiling_in_wrong_unit_warns() -> None:
    assert "U01" in rules_of(facts(ceiling_price=Decimal(2900)))


def test_publicity_under_three_days_blocks() -> None:
    assert "T17" in rules_of(facts(publicity_days=2))


def test_proportionality_flags_capital_turnover_and_past_projects() -> None:
    found = rules_of(
        facts(
            registered_capital_min=Decimal(50_000_000),
            annual_turnover_min=Decimal(70_000_000),
            past_project_value_min=Decimal(40_000_000),
            past_project_count=5,
            qualification_grade="施工总承包特级",
        )
    )
    assert {"P01", "P02", "P03", "P04", "P05"} <= found


def test_proportionality_accepts_requirements_within_scale() -> None:
    found = rules_of(facts(registered_capital_min=Decimal(10_000_000), annual_turnover_min=Decimal(60_000_000)))
    assert not found & {"P01", "P02", "P03", "P04"}


def test_rubric_maxima_must_add_up() -> None:
    rubric = (*facts().rubric[:2], RubricItem("业绩", Decimal(10), True, "每项5分"))
    assert "R01" in rules_of(facts(rubric=rubric))


def test_comprehensive_method_without_rubric_blocks() -> None:
    assert "R02" in rules_of(facts(rubric=(), price_formula=None))


def test_objective_item_without_test_blocks() -> None:
    rubric = (*facts().rubric[:2], RubricItem("业绩", Decimal(15), True, "  "))
    found = check_facts(facts(rubric=rubric), on=ON)
    assert [f.field for f in found if f.rule == "R03"] == ["evaluation.items.2.test"]


def test_k_values_outside_bounds_or_duplicated_block() -> None:
    formula = PriceFormula((Decimal("0.70"), Decimal("0.95"), Decimal("0.95")), Decimal(1), Decimal("0.5"), Decimal(60))
    found = [f for f in check_facts(facts(price_formula=formula), on=ON) if f.rule == "R04"]
    fields = {f.field for f in found}
    assert "evaluation.price_formula.k_values.0" in fields and "evaluation.price_formula.k_values" in fields


def test_below_penalty_not_smaller_than_above_blocks() -> None:
    formula = PriceFormula((Decimal("0.95"),), Decimal(1), Decimal(1), Decimal(60))
    assert "R04" in rules_of(facts(price_formula=formula))


def test_subjective_share_over_thirty_percent_warns() -> None:
    rubric = (
        RubricItem("报价", Decimal(60), True, "按偏差率计分", is_price=True),
        RubricItem("施工组织设计", Decimal(40), False, "优30-40，良10-29"),
    )
    found = check_facts(facts(rubric=rubric), on=ON)
    assert [f.severity for f in found if f.rule == "R05"] == [Severity.WARN]


def test_rules_not_yet_in_force_do_not_run() -> None:
    # 1117号 (R03) applies from 2022-07-18: a 2021 check does not run it.
    rubric = (*facts().rubric[:2], RubricItem("业绩", Decimal(15), True, ""))
    assert "R03" not in rules_of(facts(rubric=rubric), on=date(2021, 1, 1))
    assert "R03" not in rules_of(facts(rubric=rubric), on=date(2027, 9, 1))  # lapsed after 2027-08-31
