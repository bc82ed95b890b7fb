"""Credit grades from conduct records, debarment, credit repair, fairness of the configuration, premiums."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from fairbid.domain.credit import (
    CONDUCT_OF_CLAIM,
    ConductKind,
    ConductRecord,
    Grade,
    GradingPolicy,
    PremiumPolicy,
    debarment_of,
    grade_of,
    quote_premium,
    withdraw_record,
)
from fairbid.domain.errors import InvalidInput, InvalidTransition, RuleViolation
from fairbid.domain.party import Organisation

NOW = datetime(2026, 6, 1, tzinfo=UTC)
CODE = "91110108551385082Q"


def rec(kind: ConductKind, *, days_ago: int = 30, rid: str = "R-1", subject: str = CODE, **kw: object) -> ConductRecord:
    occurred = NOW - timedelta(days=days_ago)
    values: dict[str, object] = {
        "id": rid, "subject": subject, "kind": kind, "source": "fairbid", "reference": "S-2026-001",
        "occurred_on": occurred, "recorded_at": occurred, "valid_until": occurred + timedelta(days=3 * 365),
    }  # fmt: skip
    values.update(kw)
    return ConductRecord(**values)  # type: ignore[arg-type]


def test_newcomer_is_b_with_only_the_base_line() -> None:
    g = grade_of(CODE, [], at=NOW)
    assert (g.grade, g.score, g.debarment) == (Grade.B, Decimal(80), None)
    assert g.reasons == ("+80 base score of every organisation",)


def test_every_point_has_its_reason_and_citation() -> None:
    records = [
        rec(ConductKind.DISHONEST_DEBTOR, rid="R-1", source="中国执行信息公开网", reference="(2026)京0105执123号"),
        rec(ConductKind.CONTRACT_ON_TIME, rid="R-2", days_ago=10),
    ]
    g = grade_of(CODE, records, at=NOW)
    assert g.score == Decimal(52) and g.grade is Grade.C
    assert g.reasons[1] == "-30 dishonest_debtor: 中国执行信息公开网, 2026-05-02, (2026)京0105执123号"
    assert g.lines[1].citation.startswith("最高人民法院") and g.lines[1].record_id == "R-1"
    assert g.reasons[2].startswith("+2 contract_on_time")


def test_good_conduct_is_capped() -> None:
    records = [rec(ConductKind.CONTRACT_ON_TIME, rid=f"R-{i}", days_ago=i + 1) for i in range(8)]
    g = grade_of(CODE, records, at=NOW)
    assert g.score == Decimal(90) and g.grade is Grade.A  # 8 × 2 = 16, capped at 10


def test_only_the_subjects_active_records_count() -> None:
    expired = rec(ConductKind.COLLUSION_CONFIRMED, rid="R-1", days_ago=4 * 365)
    future = rec(ConductKind.COLLUSION_CONFIRMED, rid="R-2", days_ago=-5)
    other = rec(ConductKind.COLLUSION_CONFIRMED, rid="R-3", subject="91110000600037341L")
    assert grade_of(CODE, [expired, future, other], at=NOW).score == Decimal(80)


def test_a_grade_change_moves_the_quoted_premium() -> None:
    amount = Decimal("200000")
    before = quote_premium(amount, grade_of(CODE, [], at=NOW))
    penalty = rec(ConductKind.REFUSED_TO_SIGN, reference="S-2026-012")
    after = quote_premium(amount, grade_of(CODE, [penalty], at=NOW))
    assert (before.grade, before.fee) == (Grade.B, Decimal("600.00"))
    assert (after.grade, after.multiplier, after.fee) == (Grade.C, Decimal("1.5"), Decimal("900.00"))
    assert any("refused_to_sign: fairbid, 2026-05-02, S-2026-012" in r for r in after.reasons)


def test_minimum_fee_applies_to_small_amounts() -> None:
    q = quote_premium(Decimal("80000"), grade_of(CODE, [rec(ConductKind.CONTRACT_ON_TIME)] * 0, at=NOW))
    assert (q.fee, q.minimum_applied) == (Decimal("240.00"), False)
    small = quote_premium(Decimal("10000"), grade_of(CODE, [], at=NOW))
    assert (small.fee, small.minimum_applied) == (Decimal("200.00"), True)


def test_grade_d_is_not_underwritten_by_default() -> None:
    records = [rec(ConductKind.COLLUSION_CONFIRMED, rid="R-1"), rec(ConductKind.CLAIM_PAID, rid="R-2")]
    g = grade_of(CODE, records, at=NOW)
    assert g.grade is Grade.D
    with pytest.raises(RuleViolation, match="does not underwrite grade D"):
        quote_premium(Decimal("80000"), g)
    custom = PremiumPolicy(multipliers={Grade.D: Decimal(3)})
    assert quote_premium(Decimal("80000"), g, policy=custom).rate == Decimal("0.009")


def test_debarment_from_a_penalty_forces_d_and_cites_the_penalty() -> None:
    ban = rec(
        ConductKind.ADMINISTRATIVE_PENALTY, source="北京市发展和改革委员会", reference="京发改罚〔2026〕7号",
        debarred_until=NOW + timedelta(days=365),
    )  # fmt: skip
    g = grade_of(CODE, [ban], at=NOW)
    assert g.grade is Grade.D and g.debarment is not None
    assert g.debarment.until == NOW + timedelta(days=365)
    assert "京发改罚〔2026〕7号" in g.debarment.reason and "第六十七条" not in g.debarment.reason
    assert "第七十八条" in g.debarment.reason
    assert debarment_of([ban], at=NOW + timedelta(days=365)) is None  # the ban ends


def test_withdrawal_is_credit_repair_with_a_reason() -> None:
    penalty = rec(ConductKind.MAJOR_TAX_VIOLATION, debarred_until=None)
    withdrawn, event = withdraw_record(penalty, at=NOW, by="operator:u-1", reason="信用修复：已补缴税款")
    assert grade_of(CODE, [withdrawn], at=NOW).score == Decimal(80)
    assert grade_of(CODE, [withdrawn], at=NOW - timedelta(days=1)).score == Decimal(50)  # history is kept
    assert (event.record_id, event.reason) == ("R-1", "信用修复：已补缴税款")
    with pytest.raises(InvalidTransition):
        withdraw_record(withdrawn, at=NOW, by="x", reason="again")
    with pytest.raises(InvalidInput):
        withdraw_record(penalty, at=NOW, by="x", reason=" ")


@pytest.mark.parametrize("factor", ["region", "ownership", "registered_capital", "size", "地区"])
def test_configuration_admits_no_factor_but_conduct(factor: str) -> None:
    with pytest.raises(InvalidInput, match="审查规则 第七条第四项、第九条"):
        GradingPolicy.from_mapping({"points": {factor: -10}})
    with pytest.raises(InvalidInput):
        GradingPolicy.from_mapping({factor: {"北京": 5}})
    with pytest.raises(InvalidInput):
        GradingPolicy(points={factor: Decimal(-10)})  # type: ignore[dict-item]


def test_configuration_from_mapping_overrides_points_and_bands() -> None:
    policy = GradingPolicy.from_mapping({"points": {"late_contract": -25}, "floors": {"A": 95}})
    g = grade_of(CODE, [rec(ConductKind.LATE_CONTRACT)], at=NOW, policy=policy)
    assert (g.score, g.grade) == (Decimal(55), Grade.C)
    with pytest.raises(InvalidInput):
        GradingPolicy.from_mapping({"floors": {"A": 60}})  # A below B


def test_nothing_about_region_ownership_or_size_reaches_a_grade() -> None:
    banned = {"region", "ownership", "size", "capital", "employees", "province", "city"}
    fields = {f.name for f in dataclasses.fields(ConductRecord)}
    assert not any(b in name for name in fields for b in banned)
    # two organisations differing only in region get the same grade from the same conduct
    a = Organisation("o1", "甲公司", CODE, region="北京")
    b = Organisation("o2", "乙公司", "91110000600037341L", region="贵州")
    conduct = [ConductKind.BID_REVOKED, ConductKind.CONTRACT_ON_TIME]
    ga = grade_of(a.credit_code, [rec(k, rid=f"a{i}", subject=a.credit_code) for i, k in enumerate(conduct)], at=NOW)
    gb = grade_of(b.credit_code, [rec(k, rid=f"b{i}", subject=b.credit_code) for i, k in enumerate(conduct)], at=NOW)
    assert (ga.grade, ga.score) == (gb.grade, gb.score)


def test_every_claim_ground_records_a_conduct() -> None:
    from fairbid.domain.guarantee import ClaimGround

    assert set(CONDUCT_OF_CLAIM) == set(ClaimGround)
    assert CONDUCT_OF_CLAIM[ClaimGround.REFUSED_TO_SIGN] is ConductKind.REFUSED_TO_SIGN
