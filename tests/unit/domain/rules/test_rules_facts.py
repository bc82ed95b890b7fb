"""Structured rules over TenderFacts: timeline, amounts, committee, proportionality, the scoring terms."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

from fairbid.domain.evaluation import EvaluationMethod, KMode
from fairbid.domain.evaluation.price import BenchmarkTrim
from fairbid.domain.rules import ProjectType, Severity, TenderFacts, blocking, check_facts
from fairbid.domain.terms import (
    Band,
    CertificateTest,
    CommitteeComposition,
    GradePoints,
    ObjectiveItem,
    PriceRule,
    Qualification,
    ScoringTable,
    SecurityTerms,
    SimilarContracts,
    SimilarContractsTest,
    SubjectiveItem,
    TenderTerms,
)

CST = timezone(timedelta(hours=8))
ON = date(2026, 11, 27)
D = Decimal

PRICE = PriceRule(
    full_score=D(60),
    k_mode=KMode.TIMES_K,
    k_values=(D("0.95"), D("0.97"), D("0.99")),
    above_per_point=D(1),
    below_per_point=D("0.5"),
    trims=(BenchmarkTrim(5, 1, 1),),
)
TABLE = ScoringTable(
    price=PRICE,
    objective=(
        ObjectiveItem("similar", "业绩", D(10), SimilarContractsTest(D(15_000_000), 5, D(5))),
        ObjectiveItem("pm", "项目经理", D(5), CertificateTest((GradePoints("一级", D(5)), GradePoints("二级", D(2))))),
    ),
    subjective=(SubjectiveItem("plan", "施工组织设计", D(25), (Band("优", D(20), D(25)), Band("良", D(10), D(20)))),),
)
TERMS = TenderTerms(
    method=EvaluationMethod.COMPREHENSIVE,
    qualification=Qualification(max_duration_days=365, similar_contracts=SimilarContracts(1, D(15_000_000), 5)),
    committee=CommitteeComposition(5, (("A01", 4),), 1),
    security=SecurityTerms(D(600_000)),
    bid_validity_days=90,
    scoring=TABLE,
)


def terms(**changes: object) -> TenderTerms:
    return replace(TERMS, **changes)  # type: ignore[arg-type]


def scoring(**changes: object) -> TenderTerms:
    return terms(scoring=replace(TABLE, **changes))  # type: ignore[arg-type]


def price(**changes: object) -> TenderTerms:
    return scoring(price=replace(PRICE, **changes))  # type: ignore[arg-type]


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
        terms=TERMS,
        performance_security_percent=Decimal(10),
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


def security(amount: str | int, validity_days: int | None = None) -> TenderTerms:
    return terms(security=SecurityTerms(D(amount), validity_days=validity_days))


def test_bid_security_flagged_above_two_percent() -> None:
    assert "T09" in rules_of(facts(terms=security("600000.01")))
    assert "T09" not in rules_of(facts(terms=security(600_000)))


def test_bid_security_cap_applies_to_works_and_goods_only() -> None:
    big = dict(estimated_price=Decimal(100_000_000), ceiling_price=None, terms=security(900_000))
    assert "T10" in rules_of(facts(**big))
    assert "T10" in rules_of(facts(project_type=ProjectType.GOODS, **big))
    assert "T10" not in rules_of(facts(project_type=ProjectType.SERVICES, **big))


def test_bid_security_validity_must_match_bid_validity() -> None:
    assert "T09V" in rules_of(facts(terms=security(600_000, 60)))
    assert "T09V" not in rules_of(facts(terms=security(600_000, 90)))
    assert "T09V" not in rules_of(facts(terms=security(0, 60)))


def test_performance_security_flagged_above_ten_percent() -> None:
    assert "T12" in rules_of(facts(performance_security_percent=Decimal("10.5")))


def committee(size: int, experts: int, representatives: int) -> TenderTerms:
    return terms(committee=CommitteeComposition(size, (("A01", experts),), representatives))


def test_committee_flagged_when_even_small_or_few_experts() -> None:
    assert "T13" in rules_of(facts(terms=committee(6, 5, 1)))
    assert "T13" in rules_of(facts(terms=committee(3, 3, 0)))
    assert "T13" in rules_of(facts(terms=committee(7, 4, 3)))
    assert "T13" in rules_of(facts(terms=committee(7, 5, 1)))  # the seats do not add up to the size
    assert "T13" not in rules_of(facts(terms=committee(7, 5, 2)))


def test_bid_validity_missing_blocks_and_short_warns() -> None:
    missing = check_facts(facts(terms=terms(bid_validity_days=0)), on=ON)
    assert [f.severity for f in missing if f.rule == "T21"] == [Severity.BLOCK]
    short = check_facts(facts(terms=terms(bid_validity_days=30)), on=ON)
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
            terms=terms(
                qualification=Qualification(
                    max_duration_days=365, similar_contracts=SimilarContracts(5, D(40_000_000), 5)
                )
            ),
            qualification_grade="施工总承包特级",
        )
    )
    assert {"P01", "P02", "P03", "P04", "P05"} <= found


def test_proportionality_accepts_requirements_within_scale() -> None:
    found = rules_of(facts(registered_capital_min=Decimal(10_000_000), annual_turnover_min=Decimal(60_000_000)))
    assert not found & {"P01", "P02", "P03", "P04"}


def test_a_scoring_threshold_above_the_estimate_is_out_of_proportion() -> None:
    item = ObjectiveItem("similar", "业绩", D(10), SimilarContractsTest(D(40_000_000), 5, D(5)))
    found = check_facts(facts(terms=scoring(objective=(item, TABLE.objective[1]))), on=ON)
    assert [f.field for f in found if f.rule == "P03"] == ["evaluation.objective.0.test.min_amount"]


def test_item_maxima_must_add_up_to_the_total() -> None:
    assert "R01" in rules_of(facts(terms=scoring(total=D(90))))
    assert "R01" not in rules_of(facts())


def test_comprehensive_method_without_a_scoring_table_blocks() -> None:
    assert "R02" in rules_of(facts(terms=terms(scoring=None)))
    lowest = terms(method=EvaluationMethod.LOWEST_EVALUATED_PRICE)
    assert "R02" in rules_of(facts(terms=lowest))  # the lowest price method has no scoring table
    assert "R02" not in rules_of(facts(terms=replace(lowest, scoring=None)))


def test_objective_item_without_a_complete_test_blocks() -> None:
    item = ObjectiveItem("pm", "项目经理", D(5), CertificateTest(()))
    found = check_facts(facts(terms=scoring(objective=(TABLE.objective[0], item))), on=ON)
    assert [f.field for f in found if f.rule == "R03"] == ["evaluation.objective.1.test"]


def test_k_values_outside_bounds_or_duplicated_block() -> None:
    found = [f for f in check_facts(facts(terms=price(k_values=(D("0.70"), D("0.95"), D("0.95")))), on=ON)]
    fields = {f.field for f in found if f.rule == "R04"}
    assert "evaluation.price.k_values.0" in fields and "evaluation.price.k_values" in fields


def test_an_empty_k_set_blocks() -> None:
    assert "R04" in rules_of(facts(terms=price(k_values=())))
    assert "R04" not in rules_of(facts(terms=price(k_values=(), k_mode=KMode.NONE)))


def test_a_trim_that_can_drop_every_bid_blocks() -> None:
    found = check_facts(facts(terms=price(trims=(BenchmarkTrim(2, 1, 1),))), on=ON)
    assert [f.field for f in found if f.rule == "R04"] == ["evaluation.price.trims.0"]


def test_below_penalty_not_smaller_than_above_blocks() -> None:
    assert "R04" in rules_of(facts(terms=price(below_per_point=D(1))))


def test_subjective_share_over_thirty_percent_blocks() -> None:
    plan = SubjectiveItem("plan", "施工组织设计", D(40), (Band("优", D(30), D(40)),))
    table = replace(TABLE, price=replace(PRICE, full_score=D(50)), subjective=(plan,))
    found = check_facts(facts(terms=terms(scoring=table)), on=ON)
    assert [f.severity for f in found if f.rule == "R05"] == [Severity.BLOCK]


def test_subjective_item_without_bands_warns() -> None:
    plan = SubjectiveItem("plan", "施工组织设计", D(25))
    found = check_facts(facts(terms=scoring(subjective=(plan,))), on=ON)
    assert [f.severity for f in found if f.rule == "R06"] == [Severity.WARN]


def test_rules_not_yet_in_force_do_not_run() -> None:
    # 1117号 (R03) applies from 2022-07-18: a 2021 check does not run it.
    item = ObjectiveItem("pm", "项目经理", D(5), CertificateTest(()))
    bad = facts(terms=scoring(objective=(TABLE.objective[0], item)))
    assert "R03" not in rules_of(bad, on=date(2021, 1, 1))
    assert "R03" not in rules_of(bad, on=date(2027, 9, 1))  # lapsed after 2027-08-31
