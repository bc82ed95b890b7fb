"""Cash bid deposits (现金投标保证金), kept on a per-section sub-account, refunded with interest.

Cash stays a lawful form of bid security beside guarantees (招标投标领域公平竞争审查规则 第十一条第三项:
the form may not be restricted). Each section has its own sub-account (保证金子账户), one virtual account
number per bidder and section, so the centre matches a payment to a bid without reading names before the
opening. The refund carries interest at the bank's rate for deposits of the same period (银行同期存款利息,
招标投标法实施条例 第五十七条), which the centre configures, not the law.

Days are counted as 中华人民共和国民法典 第二百零一条 counts periods in days: the day the money arrived is not
counted, counting starts the next day, and the day of refund is counted — so the number of days is the
difference of the two calendar dates in Beijing time (UTC+8, the centre's calendar). Interest is
``principal × annual rate × days ÷ 360``, the day basis of the People's Bank for RMB deposits (日利率 = 年利率
÷ 360), rounded half-up to the fen; the basis is configuration too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from fairbid.domain.calendar import BEIJING, WorkingCalendar, period_end
from fairbid.domain.errors import InvalidInput
from fairbid.domain.guarantee.rules import GuaranteeCheck, OpeningTerms

__all__ = [
    "REFUND_DAYS",
    "CashDeposit",
    "DepositRefund",
    "InterestTerms",
    "check_deposit",
    "interest_days",
    "refund_deposit",
    "refund_due_by",
]

REFUND_DAYS = 5  # 条例 第五十七条 (after the contract) and 第三十五条 (after a withdrawal before the deadline)
_FEN = Decimal("0.01")
_REFUND_CITATION = "招标投标法实施条例 第五十七条; 中华人民共和国民法典 第二百零一条"


@dataclass(frozen=True, slots=True)
class InterestTerms:
    """The centre's configuration: the 同期存款利率 as a fraction per year, and the day basis."""

    annual_rate: Decimal
    day_basis: int = 360

    def __post_init__(self) -> None:
        if not Decimal(0) <= self.annual_rate < Decimal(1):
            raise InvalidInput("The deposit rate is a yearly fraction, e.g. 0.0035.", field="annual_rate")
        if self.day_basis not in (360, 365):
            raise InvalidInput("The day basis is 360 or 365.", field="day_basis")


@dataclass(frozen=True, slots=True)
class CashDeposit:
    """Cash received on a section's sub-account for one bidder."""

    id: str
    section_id: str
    sub_account: str  # 子账户号, unique per section and bidder
    bidder: str  # credit code
    amount: Decimal
    received_at: datetime
    from_basic_account: bool  # paid from the bidder's 基本账户 (条例 第二十六条第二款)

    def __post_init__(self) -> None:
        if self.amount <= 0:
            raise InvalidInput("A deposit's amount must be positive.", field="amount")


@dataclass(frozen=True, slots=True)
class DepositRefund:
    """A refund: the principal, the interest for ``days`` days, the total, and the rule applied."""

    deposit_id: str
    principal: Decimal
    interest: Decimal
    total: Decimal
    days: int
    from_date: date
    to_date: date
    annual_rate: Decimal
    day_basis: int
    citation: str = _REFUND_CITATION


def interest_days(received_at: datetime, refunded_at: datetime) -> int:
    """Days of interest: the Beijing calendar dates' difference (the first day not counted, the last counted)."""
    start, end = received_at.astimezone(BEIJING).date(), refunded_at.astimezone(BEIJING).date()
    if end < start:
        raise InvalidInput("A refund cannot come before the deposit arrived.", field="refunded_at")
    return (end - start).days


def refund_deposit(deposit: CashDeposit, *, refunded_at: datetime, terms: InterestTerms) -> DepositRefund:
    """The refund of a cash deposit with interest at the configured same-period rate (条例 第五十七条).

    Example: 80,000 yuan arriving 2026-03-02 00:30 Beijing time, refunded 2026-04-01, at 0.35 % a year:
    30 days, interest 80000 × 0.0035 × 30 ÷ 360 = 23.33 yuan.
    """
    days = interest_days(deposit.received_at, refunded_at)
    interest = (deposit.amount * terms.annual_rate * days / terms.day_basis).quantize(_FEN, rounding=ROUND_HALF_UP)
    return DepositRefund(
        deposit.id,
        deposit.amount,
        interest,
        deposit.amount + interest,
        days,
        deposit.received_at.astimezone(BEIJING).date(),
        refunded_at.astimezone(BEIJING).date(),
        terms.annual_rate,
        terms.day_basis,
    )


def refund_due_by(event_at: datetime, *, calendar: WorkingCalendar | None = None) -> datetime:
    """The latest refund time: five days after the written contract is signed (条例 第五十七条), or after the
    written notice of a withdrawal before the deadline is received (条例 第三十五条第一款); the period ends at
    24:00 Beijing time of its last day (中华人民共和国民法典 第二百零一条、第二百零三条), in UTC.

    With the centre's ``calendar`` a last day that is a rest day moves to the next working day
    (第二百零三条第一款); without one the five days are bare calendar days. Counted by
    ``domain.calendar.period_end``."""
    return period_end(event_at, REFUND_DAYS, calendar or WorkingCalendar.plain())


def check_deposit(deposit: CashDeposit, terms: OpeningTerms, *, sub_account: str) -> tuple[GuaranteeCheck, ...]:
    """The opening checks of cash security: this section's sub-account for this bidder, enough, in time, and
    from the bidder's basic account (招标投标法实施条例 第二十六条)."""
    citation = "招标投标法实施条例 第二十六条; 招标投标法实施条例 第五十一条第六项"
    on_account = deposit.section_id == terms.section_id and deposit.sub_account == sub_account
    return (
        GuaranteeCheck(
            "deposit_account", on_account and deposit.bidder == terms.bidder,
            "Received on this section's sub-account for this bidder."
            if on_account and deposit.bidder == terms.bidder
            else f"Received on sub-account {deposit.sub_account} (section {deposit.section_id}), "
            f"not this bidder's sub-account {sub_account} of section {terms.section_id}.",
            citation,
        ),
        GuaranteeCheck(
            "deposit_amount", deposit.amount >= terms.required_security,
            f"The deposit {deposit.amount} covers the required {terms.required_security}."
            if deposit.amount >= terms.required_security
            else f"The deposit {deposit.amount} is less than the required {terms.required_security}.",
            citation,
        ),
        GuaranteeCheck(
            "deposit_in_time", deposit.received_at < terms.bid_deadline,
            "Received before the bid deadline." if deposit.received_at < terms.bid_deadline
            else f"Received at {deposit.received_at:%Y-%m-%d %H:%M} UTC, not before the deadline.",
            citation,
        ),
        GuaranteeCheck(
            "deposit_basic_account", deposit.from_basic_account,
            "Paid from the bidder's basic account." if deposit.from_basic_account
            else "Not paid from the bidder's basic account (基本账户).",
            "招标投标法实施条例 第二十六条第二款",
        ),
    )  # fmt: skip
