"""The contract against the award (招标投标法 第四十六条, 条例 第五十七条、第五十八条), the report
(招标投标法 第四十七条) and the refunds (条例 第五十七条第二款), each counted to 24:00 Beijing time."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal

import pytest

from fairbid.crypto.digest import sm3_hex
from fairbid.domain.award import (
    AwardTerms,
    ContractRecord,
    FindingKind,
    check_contract,
    check_performance_security_percent,
    contract_due_by,
    performance_security_cap,
    refunds_due_by,
    report_due_by,
    require_contract,
)
from fairbid.domain.errors import RuleViolation
from fairbid.domain.guarantee import refund_due_by
from tests.award_factory import BJ, CAL

NOTICE = datetime(2026, 3, 16, 10, tzinfo=BJ)  # Monday
TERMS = AwardTerms(Decimal("11423239.76"), 365, "合格")
SIGNED = ContractRecord(
    datetime(2026, 4, 15, 23, 0, tzinfo=BJ), Decimal("11423239.76"), 365, "合格", sm3_hex(b"contract.pdf"),
    Decimal("1142323.97"),
)  # fmt: skip


def test_contract_is_due_30_days_after_the_notice_to_24_00() -> None:
    assert contract_due_by(NOTICE, CAL) == datetime(2026, 4, 16, 0, 0, tzinfo=BJ)  # day 30: Wednesday 15th


def test_a_contract_matching_the_award_on_day_30_has_no_finding() -> None:
    result = require_contract(TERMS, SIGNED, notice_issued_at=NOTICE, calendar=CAL)
    assert result.findings == () and not result.late


def test_a_contract_on_day_31_is_recorded_late_not_refused() -> None:
    late = replace(SIGNED, signed_at=datetime(2026, 4, 16, 10, tzinfo=BJ))
    result = require_contract(TERMS, late, notice_issued_at=NOTICE, calendar=CAL)
    assert result.late and [f.kind for f in result.findings] == [FindingKind.LATE]
    assert result.findings[0].citation == "招标投标法 第四十六条第一款" and not result.blocking


def test_price_duration_quality_must_match_the_award() -> None:
    off = replace(SIGNED, amount=Decimal("11500000.00"), duration_days=400, quality="优良")
    result = check_contract(TERMS, off, notice_issued_at=NOTICE, calendar=CAL)
    assert {f.kind for f in result.blocking} == {FindingKind.AMOUNT, FindingKind.DURATION, FindingKind.QUALITY}
    with pytest.raises(RuleViolation) as refused:
        require_contract(TERMS, off, notice_issued_at=NOTICE, calendar=CAL)
    assert refused.value.citation.startswith("招标投标法实施条例 第五十七条第一款")
    assert "11500000.00" in refused.value.detail


def test_performance_security_at_most_ten_percent() -> None:
    assert performance_security_cap(Decimal("11423239.76")) == Decimal("1142323.976")
    over = replace(SIGNED, performance_security=Decimal("1142323.98"))
    (finding,) = check_contract(TERMS, over, notice_issued_at=NOTICE, calendar=CAL).blocking
    assert finding.kind is FindingKind.PERFORMANCE_SECURITY and finding.citation == "招标投标法实施条例 第五十八条"
    check_performance_security_percent(Decimal(10))
    with pytest.raises(RuleViolation, match="at most 10"):
        check_performance_security_percent(Decimal("10.5"))


def test_a_contract_without_its_file_or_before_the_notice_is_refused() -> None:
    bad = replace(SIGNED, file_sm3="", signed_at=datetime(2026, 3, 15, 9, tzinfo=BJ))
    kinds = {f.kind for f in check_contract(TERMS, bad, notice_issued_at=NOTICE, calendar=CAL).blocking}
    assert kinds == {FindingKind.FILE, FindingKind.BEFORE_NOTICE}


def test_report_is_due_15_days_after_the_winner_is_determined() -> None:
    assert report_due_by(datetime(2026, 3, 16, 9, tzinfo=BJ), CAL) == datetime(2026, 4, 1, 0, 0, tzinfo=BJ)


def test_refunds_are_due_5_days_after_the_contract_via_the_guarantee_rule() -> None:
    signed = datetime(2026, 4, 10, 10, tzinfo=BJ)  # Friday
    assert refunds_due_by(signed, CAL) == datetime(2026, 4, 16, 0, 0, tzinfo=BJ) == refund_due_by(signed, calendar=CAL)


def test_refunds_due_in_the_national_day_holiday_move_past_it() -> None:
    signed = datetime(2026, 9, 28, 10, tzinfo=BJ)  # 5th day is 10-03, inside the 10-01..07 holiday
    assert refunds_due_by(signed, CAL) == datetime(2026, 10, 9, 0, 0, tzinfo=BJ)
    assert refund_due_by(signed) == datetime(2026, 10, 4, 0, 0, tzinfo=BJ)  # bare calendar days without one
