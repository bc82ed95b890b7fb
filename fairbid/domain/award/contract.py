"""The contract (书面合同), the written report (书面报告) and the refunds after it: dates and checks.

- 招标投标法 第四十六条: contract within 30 days of the award notice's issue, on the terms of the tender
  and the winning bid; no side agreement departing from its substance.
- 招标投标法实施条例 第五十七条第一款: the contract's 标的、价款、质量、履行期限 match the tender and the
  winning bid. The platform can check three of them from data: the price (to the fen), the duration
  (履行期限, days) and the quality standard (same text). The subject (标的) is the section itself; a
  change of scope would show in the contract file, which a person reads.
- 招标投标法实施条例 第五十八条: a performance security of at most 10 % of the contract price.
- 招标投标法 第四十七条: the written report to the supervisor within 15 days of determining the winner.
- 招标投标法实施条例 第五十七条第二款: bid securities refunded with interest within 5 days of the contract
  (``guarantee.refund_due_by``; guarantees released the same way).

Periods count as ``domain.calendar`` counts them (民法典 第二百零一条、第二百零三条).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from fairbid.domain.calendar import WorkingCalendar, period_end
from fairbid.domain.errors import InvalidInput, RuleViolation
from fairbid.domain.guarantee.deposit import refund_due_by

__all__ = [
    "CONTRACT_DAYS",
    "PERFORMANCE_SECURITY_MAX_PERCENT",
    "REPORT_DAYS",
    "AwardTerms",
    "ContractCheck",
    "ContractFinding",
    "ContractRecord",
    "FindingKind",
    "check_contract",
    "check_performance_security_percent",
    "contract_due_by",
    "performance_security_cap",
    "refunds_due_by",
    "report_due_by",
    "require_contract",
]

CONTRACT_DAYS = 30  # 招标投标法 第四十六条
REPORT_DAYS = 15  # 招标投标法 第四十七条
PERFORMANCE_SECURITY_MAX_PERCENT = Decimal(10)  # 招标投标法实施条例 第五十八条
TERMS_CITATION = "招标投标法实施条例 第五十七条第一款; 招标投标法 第四十六条第一款"
SECURITY_CITATION = "招标投标法实施条例 第五十八条"
LATE_CITATION = "招标投标法 第四十六条第一款"


def contract_due_by(notice_issued_at: datetime, calendar: WorkingCalendar) -> datetime:
    """The latest contract signature: 30 days from the award notice's issue (招标投标法 第四十六条)."""
    return period_end(notice_issued_at, CONTRACT_DAYS, calendar)


def report_due_by(winner_determined_at: datetime, calendar: WorkingCalendar) -> datetime:
    """The latest written report to the supervisor: 15 days from determining the winner (招标投标法 第四十七条)."""
    return period_end(winner_determined_at, REPORT_DAYS, calendar)


def refunds_due_by(contract_signed_at: datetime, calendar: WorkingCalendar) -> datetime:
    """The latest refund of every bid security (and release of guarantees): 5 days after the contract
    (招标投标法实施条例 第五十七条第二款), counted by ``guarantee.refund_due_by`` with the calendar."""
    return refund_due_by(contract_signed_at, calendar=calendar)


def check_performance_security_percent(percent: Decimal) -> None:
    """Refuse a required performance security above 10 % of the contract price (条例 第五十八条)."""
    if percent < 0 or percent > PERFORMANCE_SECURITY_MAX_PERCENT:
        raise RuleViolation(
            f"A performance security of {percent} % of the contract price is not allowed: at most "
            f"{PERFORMANCE_SECURITY_MAX_PERCENT} %.",
            rule="T12",
            citation=SECURITY_CITATION,
            field="performance_security_percent",
        )


def performance_security_cap(contract_amount: Decimal) -> Decimal:
    """The largest performance security for ``contract_amount``: 10 % of it (条例 第五十八条)."""
    return contract_amount * PERFORMANCE_SECURITY_MAX_PERCENT / 100


@dataclass(frozen=True, slots=True)
class AwardTerms:
    """The substantive terms the award fixed: the winning bid's price, duration and quality."""

    price: Decimal
    duration_days: int
    quality: str


@dataclass(frozen=True, slots=True)
class ContractRecord:
    """The signed contract as recorded: when, for how much, on what terms, and its file's SM3."""

    signed_at: datetime
    amount: Decimal
    duration_days: int
    quality: str
    file_sm3: str  # the signed contract's file, stored by digest
    performance_security: Decimal | None = None


class FindingKind(StrEnum):
    AMOUNT = "amount"
    DURATION = "duration"
    QUALITY = "quality"
    PERFORMANCE_SECURITY = "performance_security"
    FILE = "file"
    BEFORE_NOTICE = "before_notice"
    LATE = "late"


@dataclass(frozen=True, slots=True)
class ContractFinding:
    """One thing wrong with the contract: blocking ones refuse it, the rest are recorded with it."""

    kind: FindingKind
    blocking: bool
    message: str
    citation: str


@dataclass(frozen=True, slots=True)
class ContractCheck:
    """The contract's findings and its due date; ``late`` ones still record (the alarm has gone out)."""

    due_by: datetime
    findings: tuple[ContractFinding, ...]

    @property
    def blocking(self) -> tuple[ContractFinding, ...]:
        return tuple(f for f in self.findings if f.blocking)

    @property
    def late(self) -> bool:
        return any(f.kind is FindingKind.LATE for f in self.findings)


def _is_sm3(value: str) -> bool:
    return len(value) == 64 and all(ch in "0123456789abcdef" for ch in value)


def check_contract(
    terms: AwardTerms, contract: ContractRecord, *, notice_issued_at: datetime, calendar: WorkingCalendar
) -> ContractCheck:
    """Every finding on ``contract`` against the award: terms (条例 第五十七条), security (第五十八条), time
    (法 第四十六条), and its file. A contract signed after the 30 days is late, not refused: it exists, and
    refusing to record it would hide it; the finding and the alarm say so."""
    if contract.signed_at.tzinfo is None:
        raise InvalidInput("signed_at must be an aware time.", field="signed_at")
    due = contract_due_by(notice_issued_at, calendar)
    found: list[ContractFinding] = []

    def block(kind: FindingKind, message: str, citation: str = TERMS_CITATION) -> None:
        found.append(ContractFinding(kind, True, message, citation))

    if contract.amount != terms.price:
        block(FindingKind.AMOUNT, f"合同金额 {contract.amount} 元与中标价 {terms.price} 元不一致。")
    if contract.duration_days != terms.duration_days:
        block(
            FindingKind.DURATION, f"合同履行期限 {contract.duration_days} 日与中标工期 {terms.duration_days} 日不一致。"
        )
    if contract.quality.strip() != terms.quality.strip():
        block(FindingKind.QUALITY, f"合同质量要求“{contract.quality}”与中标质量“{terms.quality}”不一致。")
    security = contract.performance_security
    if security is not None and (security < 0 or security > performance_security_cap(contract.amount)):
        block(
            FindingKind.PERFORMANCE_SECURITY,
            f"履约保证金 {security} 元超过合同金额的 10%（{performance_security_cap(contract.amount)} 元）。",
            SECURITY_CITATION,
        )
    if not _is_sm3(contract.file_sm3):
        block(FindingKind.FILE, "缺少已签订合同文件（应上传并以 SM3 摘要存证）。", LATE_CITATION)
    if contract.signed_at < notice_issued_at:
        block(FindingKind.BEFORE_NOTICE, "合同签订时间早于中标通知书发出时间。", LATE_CITATION)
    if contract.signed_at >= due:
        found.append(
            ContractFinding(
                FindingKind.LATE,
                False,
                "合同签订晚于中标通知书发出之日起30日的期限。",
                LATE_CITATION,
            )
        )
    return ContractCheck(due, tuple(found))


def require_contract(
    terms: AwardTerms, contract: ContractRecord, *, notice_issued_at: datetime, calendar: WorkingCalendar
) -> ContractCheck:
    """``check_contract``, raising ``RuleViolation`` with every blocking finding (the first one's citation)."""
    result = check_contract(terms, contract, notice_issued_at=notice_issued_at, calendar=calendar)
    if result.blocking:
        first = result.blocking[0]
        raise RuleViolation(
            " ".join(f.message for f in result.blocking),
            rule=f"contract-{first.kind.value}",
            citation=first.citation,
            field=first.kind.value,
        )
    return result
