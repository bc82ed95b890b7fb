"""Conduct records of the credit registry (信用记录): the platform's own events and imported external lists.

A record says what an organisation (by its unified social credit code) did or was found to have done, when,
from which source, under which article, until when it counts, and — for a penalty that bans bidding — until
when it debars. Credit repair (信用修复) is a record expiring (``valid_until``) or being withdrawn with a
written reason (:func:`withdraw_record`, whose event the ledger keeps). Records carry nothing about region,
ownership or size, so no grade can depend on them (公平竞争审查条例; 招标投标领域公平竞争审查规则
第九条).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from fairbid.domain.errors import InvalidInput, InvalidTransition
from fairbid.domain.guarantee.model import ClaimGround

__all__ = [
    "CITATIONS",
    "CONDUCT_OF_CLAIM",
    "EXTERNAL_KINDS",
    "ConductKind",
    "ConductRecord",
    "CreditRecordWithdrawn",
    "Withdrawal",
    "is_active",
    "withdraw_record",
]


class ConductKind(StrEnum):
    """What a record is about: the only factors a credit grade may use."""

    # bad conduct seen on the platform
    BID_REVOKED = "bid_revoked"  # 投标截止后撤销投标文件 (incl. a bid the bidder failed to decrypt)
    REFUSED_TO_SIGN = "refused_to_sign"  # 中标后无正当理由不签订合同
    NO_PERFORMANCE_SECURITY = "no_performance_security"  # 不按要求提交履约保证金
    OBJECTION_UPHELD = "objection_upheld"  # 针对其的异议成立
    COMPLAINT_UPHELD = "complaint_upheld"  # 针对其的投诉成立
    FALSE_COMPLAINT = "false_complaint"  # 捏造事实、伪造材料投诉
    COLLUSION_CONFIRMED = "collusion_confirmed"  # 串通投标经认定
    LATE_CONTRACT = "late_contract"  # 未在中标通知书发出后三十日内订立合同
    CLAIM_PAID = "claim_paid"  # 保函理赔
    # good conduct seen on the platform
    CONTRACT_ON_TIME = "contract_on_time"  # 按期订立合同
    GUARANTEE_RELEASED = "guarantee_released"  # 保函到期释放，未发生索赔
    # imported external lists
    DISHONEST_DEBTOR = "dishonest_debtor"  # 失信被执行人
    MAJOR_TAX_VIOLATION = "major_tax_violation"  # 重大税收违法失信主体
    ADMINISTRATIVE_PENALTY = "administrative_penalty"  # 行政处罚


EXTERNAL_KINDS = frozenset(
    {ConductKind.DISHONEST_DEBTOR, ConductKind.MAJOR_TAX_VIOLATION, ConductKind.ADMINISTRATIVE_PENALTY}
)

CITATIONS: dict[ConductKind, str] = {
    ConductKind.BID_REVOKED: "招标投标法实施条例 第三十五条第二款; 电子招标投标办法 第三十一条",
    ConductKind.REFUSED_TO_SIGN: "招标投标法实施条例 第七十四条",
    ConductKind.NO_PERFORMANCE_SECURITY: "招标投标法实施条例 第七十四条",
    ConductKind.OBJECTION_UPHELD: "招标投标法实施条例 第五十四条",
    ConductKind.COMPLAINT_UPHELD: "招标投标法实施条例 第六十条",
    ConductKind.FALSE_COMPLAINT: "招标投标法实施条例 第七十七条",
    ConductKind.COLLUSION_CONFIRMED: "招标投标法 第五十三条; 招标投标法实施条例 第六十七条",
    ConductKind.LATE_CONTRACT: "招标投标法 第四十六条",
    ConductKind.CLAIM_PAID: "招标投标法实施条例 第三十五条、第七十四条",
    ConductKind.CONTRACT_ON_TIME: "招标投标法 第四十六条",
    ConductKind.GUARANTEE_RELEASED: "招标投标法实施条例 第五十七条",
    ConductKind.DISHONEST_DEBTOR: "最高人民法院关于公布失信被执行人名单信息的若干规定",
    ConductKind.MAJOR_TAX_VIOLATION: "重大税收违法失信主体信息公布管理办法",
    ConductKind.ADMINISTRATIVE_PENALTY: "招标投标法实施条例 第七十八条; 发改法规规〔2022〕1117号 (二十)",
}
"""The rule each kind of record rests on (条例78: violations are recorded and published)."""

CONDUCT_OF_CLAIM: dict[ClaimGround, ConductKind] = {
    ClaimGround.WITHDRAWN_AFTER_DEADLINE: ConductKind.BID_REVOKED,
    ClaimGround.NOT_DECRYPTED_BY_BIDDER: ConductKind.BID_REVOKED,
    ClaimGround.REFUSED_TO_SIGN: ConductKind.REFUSED_TO_SIGN,
    ClaimGround.NO_PERFORMANCE_SECURITY: ConductKind.NO_PERFORMANCE_SECURITY,
}
"""The conduct a claim's statutory ground records (besides ``CLAIM_PAID`` once the guarantor pays)."""


@dataclass(frozen=True, slots=True)
class Withdrawal:
    """A record taken back (撤销/信用修复): when, by whom, and the written reason."""

    at: datetime
    by: str
    reason: str


@dataclass(frozen=True, slots=True)
class ConductRecord:
    """One conduct record about one organisation.

    ``source`` names where it came from (``fairbid`` for the platform's own events, else the list, e.g.
    ``信用中国``), ``reference`` the event or decision (a section id, a decision number 决定书文号), and
    ``occurred_on`` the date of the decision or event. ``debarred_until`` is set only by a penalty that bans
    bidding (取消投标资格, 招标投标法 第五十三条; 招标投标法实施条例 第六十七条).
    """

    id: str
    subject: str  # unified social credit code
    kind: ConductKind
    source: str
    reference: str
    occurred_on: datetime
    recorded_at: datetime
    valid_until: datetime | None = None  # None: until withdrawn
    debarred_until: datetime | None = None
    detail: str = ""
    withdrawal: Withdrawal | None = None

    def __post_init__(self) -> None:
        if not self.source.strip() or not self.reference.strip():
            raise InvalidInput("A conduct record names its source and its reference.", field="source")
        if self.valid_until is not None and self.valid_until <= self.occurred_on:
            raise InvalidInput("A record's validity ends after the event it records.", field="valid_until")
        if self.debarred_until is not None and self.debarred_until <= self.occurred_on:
            raise InvalidInput("A ban ends after the decision that imposes it.", field="debarred_until")

    @property
    def citation(self) -> str:
        """The rule the record rests on."""
        return CITATIONS[self.kind]


@dataclass(frozen=True, slots=True)
class CreditRecordWithdrawn:
    """A record was withdrawn (the ledger keeps it, with the reason)."""

    record_id: str
    subject: str
    kind: ConductKind
    at: datetime
    by: str
    reason: str


def is_active(record: ConductRecord, *, at: datetime) -> bool:
    """True when the record counts at ``at``: it happened, has not expired and was not withdrawn by then."""
    if record.occurred_on > at:
        return False
    if record.valid_until is not None and at >= record.valid_until:
        return False
    return record.withdrawal is None or at < record.withdrawal.at


def withdraw_record(
    record: ConductRecord, *, at: datetime, by: str, reason: str
) -> tuple[ConductRecord, CreditRecordWithdrawn]:
    """Withdraw a record with a written reason (信用修复 or a decision quashed); it stops counting from ``at``."""
    if record.withdrawal is not None:
        raise InvalidTransition(f"Record {record.id} was already withdrawn on {record.withdrawal.at:%Y-%m-%d}.")
    if not reason.strip():
        raise InvalidInput("Withdrawing a credit record needs a written reason.", field="reason")
    withdrawn = replace(record, withdrawal=Withdrawal(at, by, reason.strip()))
    return withdrawn, CreditRecordWithdrawn(record.id, record.subject, record.kind, at, by, reason.strip())
