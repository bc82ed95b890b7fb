"""The neutral trading-record view (交易数据视图) the data-quality self-check and the open-data export read.

One ``TradingRecord`` per tender section (标段): the section with its phase times, its bids, candidates, award,
contract and opening record; parties (交易主体) are listed once in a ``TradingDataset``. The platform fills
these from its store; another system's data (a province's, the national platform's) can be mapped to them too.

Rules for whoever fills them:

- money is ``Decimal`` in yuan (元), times are aware UTC ``datetime``; a value the source holds but that does
  not parse is **not** coerced or dropped: put ``(field, raw text)`` into the record's ``unparsed`` so the
  format check (F04) reports it;
- a phase not reached is ``None``; a bid whose content is still sealed has ``price=None``;
- ids are the platform's stable ids; ``bidder_id``/``tenderee_id``/``agency_id``/``expert_ids`` refer to
  ``PartyRecord.id``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

__all__ = [
    "PHASE_ORDER",
    "AwardRecord",
    "BidState",
    "CandidateRecord",
    "ContractRecord",
    "OpeningRecord",
    "PartyRecord",
    "Phase",
    "PhaseTimes",
    "SectionRecord",
    "TradingBid",
    "TradingDataset",
    "TradingRecord",
]


class Phase(StrEnum):
    """Where a section stands (the lifecycle of DESIGN.md, in order; ``failed``/``cancelled`` end it early)."""

    DRAFT = "draft"
    CHECKED = "checked"
    PUBLISHED = "published"
    BIDDING = "bidding"
    OPENING = "opening"
    EVALUATION = "evaluation"
    PUBLICISED = "publicised"
    AWARDED = "awarded"
    CONTRACTED = "contracted"
    FAILED = "failed"
    CANCELLED = "cancelled"


PHASE_ORDER: Mapping[Phase, int] = {p: i for i, p in enumerate(Phase)}
"""Rank of each phase; the two terminal failures rank above every other phase (nothing follows them)."""


class BidState(StrEnum):
    """A bid as the record knows it: sealed before the opening, then valid or disqualified (or gone)."""

    SEALED = "sealed"
    VALID = "valid"  # decrypted and not rejected by the evaluation (有效投标)
    DISQUALIFIED = "disqualified"  # rejected at the opening or by the evaluation (否决投标)
    WITHDRAWN = "withdrawn"  # 撤回 before the deadline


@dataclass(frozen=True, slots=True)
class PartyRecord:
    """A party (交易主体): tenderee, agency, bidder, guarantor or expert, with its code and region."""

    id: str
    name: str
    credit_code: str | None = None  # 统一社会信用代码 (None for a natural person such as an expert)
    region_code: str | None = None  # GB/T 2260 six-digit code of its registered seat


@dataclass(frozen=True, slots=True)
class PhaseTimes:
    """When each phase happened (aware UTC). Order: notice ≤ sale start ≤ deadline = opening ≤ evaluation ≤
    publicity ≤ award ≤ contract (checked by C01)."""

    notice_at: datetime | None = None  # 招标公告发布
    sale_start: datetime | None = None  # 招标文件发售开始
    deadline: datetime | None = None  # 投标截止
    opening_at: datetime | None = None  # 开标
    evaluation_at: datetime | None = None  # 评标报告提交 (evaluation finished)
    publicity_start: datetime | None = None  # 中标候选人公示开始
    award_at: datetime | None = None  # 中标通知书发出
    contract_at: datetime | None = None  # 合同签订


@dataclass(frozen=True, slots=True)
class SectionRecord:
    """One tender section (标段) with its codes, money and schedule."""

    id: str
    code: str  # the section code (标段编号)
    name: str
    trading_code: str | None  # 统一交易标识码 (发改办法规〔2018〕1156号)
    phase: Phase
    tenderee_id: str
    times: PhaseTimes
    kind: str = "works"  # works | goods | services
    project_id: str | None = None
    agency_id: str | None = None
    region_code: str | None = None  # GB/T 2260 code of the project's place
    ceiling_price: Decimal | None = None  # 最高投标限价
    estimated_price: Decimal | None = None  # 估算价
    procurement_method: str = "open"  # open | invited
    bids_sealed: bool = True  # who and how many bid is still secret (招标投标法 第二十二条)
    expert_ids: tuple[str, ...] = ()
    beacon: str | None = None  # the opening's public random beacon
    k_value: Decimal | None = None  # 下浮系数 K drawn at the opening
    unparsed: tuple[tuple[str, str], ...] = ()  # (field, raw text) the source held but that did not parse


@dataclass(frozen=True, slots=True)
class TradingBid:
    """One bid: its bidder, price once opened, state, when received, its security (投标保证金/保函)."""

    id: str
    bidder_id: str
    state: BidState
    received_at: datetime | None = None
    price: Decimal | None = None
    digest: str | None = None  # SM3 of the sealed envelope
    guarantee_ref: str | None = None  # the e-guarantee (电子保函) or security reference
    guarantee_amount: Decimal | None = None
    guarantor_id: str | None = None
    unparsed: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class CandidateRecord:
    """A ranked winning candidate (中标候选人), publicised."""

    rank: int
    bidder_id: str
    bid_id: str
    price: Decimal
    score: Decimal | None = None


@dataclass(frozen=True, slots=True)
class AwardRecord:
    """The award (定标/中标通知书): who won, at what price, when notified."""

    bidder_id: str
    bid_id: str
    price: Decimal
    notified_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ContractRecord:
    """The contract (合同) signed with the winner."""

    id: str
    supplier_id: str
    price: Decimal
    signed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class OpeningRecord:
    """The opening record (开标记录): what it states and the digest pinned for its file.

    ``recorded_digest`` is the SM3 pinned in the ledger when the record was published; ``file_digest`` is the SM3
    of the stored file recomputed now (``None`` when the file is missing). ``valid_bids`` is the number of valid
    bids the record (or the evaluation report) states.
    """

    opened_at: datetime | None
    recorded_digest: str | None
    file_digest: str | None
    valid_bids: int | None = None
    bidders: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TradingRecord:
    """Everything recorded about one section, as one value."""

    section: SectionRecord
    bids: tuple[TradingBid, ...] = ()
    candidates: tuple[CandidateRecord, ...] = ()
    award: AwardRecord | None = None
    contract: ContractRecord | None = None
    opening: OpeningRecord | None = None
    overdue_alarm: bool = False  # an alarm stands for a contract not signed in time (招标投标法 第四十六条)

    @property
    def id(self) -> str:
        """The section id."""
        return self.section.id


@dataclass(frozen=True, slots=True)
class TradingDataset:
    """The records of a centre (or of many) and the parties they refer to."""

    records: tuple[TradingRecord, ...]
    parties: Mapping[str, PartyRecord] = field(default_factory=dict)

    @classmethod
    def of(cls, records: tuple[TradingRecord, ...] | list[TradingRecord], parties: list[PartyRecord]) -> TradingDataset:
        """Build from a list of records and a list of parties (keyed by id)."""
        return cls(tuple(records), {p.id: p for p in parties})
