"""Cash deposits: interest days per 民法典 第二百零一条, the refund with interest, the refund deadline, checks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from fairbid.domain.calendar import BEIJING
from fairbid.domain.errors import InvalidInput
from fairbid.domain.guarantee import (
    CashDeposit,
    InterestTerms,
    OpeningTerms,
    SecurityFact,
    SecurityForm,
    check_deposit,
    guarantee_figures,
    interest_days,
    refund_deposit,
    refund_due_by,
)

DEADLINE = datetime(2026, 3, 22, 1, 0, tzinfo=UTC)
TERMS = OpeningTerms("S-1", "91330100MA27Y00003", "91110108551385082Q", "BID-1", Decimal("80000"), DEADLINE, 90)


def _deposit(**overrides: object) -> CashDeposit:
    values: dict[str, object] = {
        "id": "D-1", "section_id": "S-1", "sub_account": "SA-S1-0007", "bidder": "91110108551385082Q",
        "amount": Decimal("80000"), "received_at": datetime(2026, 3, 1, 16, 30, tzinfo=UTC),
        "from_basic_account": True,
    }  # fmt: skip
    values.update(overrides)
    return CashDeposit(**values)  # type: ignore[arg-type]


def test_interest_days_skip_the_first_day_and_count_the_last_in_beijing_time() -> None:
    # 16:30 UTC on 1 March is 00:30 on 2 March in Beijing: counting starts on 3 March
    received = datetime(2026, 3, 1, 16, 30, tzinfo=UTC)
    assert interest_days(received, datetime(2026, 3, 2, 15, 59, tzinfo=UTC)) == 0  # same Beijing day
    assert interest_days(received, datetime(2026, 3, 2, 16, 0, tzinfo=UTC)) == 1  # 3 March, 00:00 Beijing
    assert interest_days(received, datetime(2026, 4, 1, 2, 0, tzinfo=UTC)) == 30
    with pytest.raises(InvalidInput):
        interest_days(received, received - timedelta(days=1))


def test_refund_adds_interest_at_the_configured_rate() -> None:
    refund = refund_deposit(
        _deposit(), refunded_at=datetime(2026, 4, 1, 2, 0, tzinfo=UTC), terms=InterestTerms(Decimal("0.0035"))
    )
    assert (refund.days, refund.interest, refund.total) == (30, Decimal("23.33"), Decimal("80023.33"))
    assert "第五十七条" in refund.citation and "第二百零一条" in refund.citation
    act365 = refund_deposit(
        _deposit(), refunded_at=datetime(2026, 4, 1, 2, 0, tzinfo=UTC),
        terms=InterestTerms(Decimal("0.0035"), day_basis=365),
    )  # fmt: skip
    assert act365.interest == Decimal("23.01")


def test_interest_terms_are_checked() -> None:
    with pytest.raises(InvalidInput):
        InterestTerms(Decimal("3.5"))
    with pytest.raises(InvalidInput):
        InterestTerms(Decimal("0.0035"), day_basis=300)


def test_refund_is_due_by_the_end_of_the_fifth_day_beijing_time() -> None:
    signed = datetime(2026, 5, 10, 3, 0, tzinfo=UTC)  # 11:00 on 10 May, Beijing
    assert refund_due_by(signed) == datetime(2026, 5, 16, 0, 0, tzinfo=BEIJING)


def test_deposit_checks_each_fail_with_their_reason() -> None:
    assert all(c.passed for c in check_deposit(_deposit(), TERMS, sub_account="SA-S1-0007"))
    bad = _deposit(amount=Decimal("1000"), received_at=DEADLINE, from_basic_account=False, sub_account="SA-S2-0001")
    failed = {c.check_id: c.reason for c in check_deposit(bad, TERMS, sub_account="SA-S1-0007") if not c.passed}
    assert set(failed) == {"deposit_account", "deposit_amount", "deposit_in_time", "deposit_basic_account"}
    assert "基本账户" in failed["deposit_basic_account"]


def test_figures_count_the_cash_freed_and_premiums_by_grade() -> None:
    facts = [
        SecurityFact("b1", SecurityForm.GUARANTEE, Decimal(80000), "A", Decimal(200)),
        SecurityFact("b2", SecurityForm.GUARANTEE, Decimal(80000), "B", Decimal(240), claim_paid=Decimal(80000)),
        SecurityFact("b3", SecurityForm.GUARANTEE, Decimal(80000), "A", Decimal(210)),
        SecurityFact("b4", SecurityForm.CASH, Decimal(80000)),
    ]
    figures = guarantee_figures(facts)
    assert (figures.bids, figures.guaranteed, figures.cash) == (4, 3, 1)
    assert figures.share_guaranteed_percent == Decimal("75.00") and figures.cash_freed == Decimal(240000)
    assert [(p.grade, p.guarantees, p.total, p.mean) for p in figures.premiums] == [
        ("A", 2, Decimal(410), Decimal("205.00")), ("B", 1, Decimal(240), Decimal("240.00")),
    ]  # fmt: skip
    assert (figures.claims, figures.claims_paid) == (1, Decimal(80000))
    assert guarantee_figures([]).share_guaranteed_percent == 0
