"""The tender section aggregate and its lifecycle (DESIGN.md, "The lifecycle of one tender section").

draft -> checked -> published -> bidding -> opening -> evaluation -> publicised -> awarded -> contracted
(any open state) -> cancelled;  bidding/opening/evaluation -> failed (流标)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from fairbid.domain.actor import Actor, Role
from fairbid.domain.errors import InvalidInput, InvalidTransition, NotPermitted

__all__ = [
    "TRANSITIONS",
    "Action",
    "Schedule",
    "Section",
    "SectionKind",
    "SectionStatus",
    "apply_transition",
    "can_take",
    "validate_schedule",
]


class SectionKind(StrEnum):
    """What is procured: 施工 works, 货物 goods, 服务 services."""

    WORKS = "works"
    GOODS = "goods"
    SERVICES = "services"


class SectionStatus(StrEnum):
    DRAFT = "draft"
    CHECKED = "checked"  # the tender document passed the rule catalog (招标文件核验)
    PUBLISHED = "published"  # 招标公告 out, schedule fixed
    BIDDING = "bidding"  # documents on sale, bids accepted until the deadline
    OPENING = "opening"  # 不见面开标: decryption window
    EVALUATION = "evaluation"  # 评标
    PUBLICISED = "publicised"  # 中标候选人公示
    AWARDED = "awarded"  # 中标通知书 issued
    CONTRACTED = "contracted"
    FAILED = "failed"  # 流标
    CANCELLED = "cancelled"

    @property
    def is_terminal(self) -> bool:
        return self in _TERMINAL

    @property
    def bids_are_secret(self) -> bool:
        """Before the opening nobody learns who or how many have bid (招标投标法 第二十二条)."""
        return self in _BEFORE_OPENING


_TERMINAL = frozenset({SectionStatus.CONTRACTED, SectionStatus.FAILED, SectionStatus.CANCELLED})
_BEFORE_OPENING = frozenset(
    {SectionStatus.DRAFT, SectionStatus.CHECKED, SectionStatus.PUBLISHED, SectionStatus.BIDDING}
)


class Action(StrEnum):
    """Lifecycle moves. Machine actions are fired by the chronograph from state + clock."""

    CHECK = "check"
    REVISE = "revise"
    PUBLISH = "publish"
    START_BIDDING = "start_bidding"
    OPEN_BIDS = "open_bids"
    FAIL_FOR_TOO_FEW_BIDS = "fail_for_too_few_bids"
    CLOSE_DECRYPTION = "close_decryption"
    FINISH_EVALUATION = "finish_evaluation"
    FAIL_EVALUATION = "fail_evaluation"
    AWARD = "award"
    SIGN_CONTRACT = "sign_contract"
    CANCEL = "cancel"


S = SectionStatus
_OPEN_STATES = [s for s in SectionStatus if not s.is_terminal]

TRANSITIONS: dict[Action, tuple[frozenset[SectionStatus], SectionStatus, frozenset[Role]]] = {
    # action: (allowed from, to, who may take it)
    Action.CHECK: (frozenset({S.DRAFT}), S.CHECKED, frozenset({Role.AGENCY, Role.TENDEREE})),
    Action.REVISE: (frozenset({S.CHECKED}), S.DRAFT, frozenset({Role.AGENCY, Role.TENDEREE})),
    Action.PUBLISH: (frozenset({S.CHECKED}), S.PUBLISHED, frozenset({Role.TENDEREE})),
    Action.START_BIDDING: (frozenset({S.PUBLISHED}), S.BIDDING, frozenset({Role.MACHINE})),
    Action.OPEN_BIDS: (frozenset({S.BIDDING}), S.OPENING, frozenset({Role.MACHINE})),
    Action.FAIL_FOR_TOO_FEW_BIDS: (frozenset({S.BIDDING}), S.FAILED, frozenset({Role.MACHINE})),
    Action.CLOSE_DECRYPTION: (frozenset({S.OPENING}), S.EVALUATION, frozenset({Role.MACHINE})),
    Action.FINISH_EVALUATION: (
        frozenset({S.EVALUATION}),
        S.PUBLICISED,
        frozenset({Role.MACHINE, Role.OPERATOR}),
    ),
    Action.FAIL_EVALUATION: (frozenset({S.EVALUATION}), S.FAILED, frozenset({Role.MACHINE, Role.OPERATOR})),
    Action.AWARD: (frozenset({S.PUBLICISED}), S.AWARDED, frozenset({Role.MACHINE})),
    Action.SIGN_CONTRACT: (frozenset({S.AWARDED}), S.CONTRACTED, frozenset({Role.TENDEREE})),
    Action.CANCEL: (frozenset(_OPEN_STATES), S.CANCELLED, frozenset({Role.TENDEREE})),
}


@dataclass(frozen=True, slots=True)
class Schedule:
    """The section's fixed dates. ``bid_deadline`` is also the opening time (条例 第四十四条, T07)."""

    sale_start: datetime  # 招标文件发售 starts; bids accepted from here
    sale_end: datetime
    bid_deadline: datetime
    decryption_minutes: int = 30  # 不见面开标 decryption window (T30)
    publicity_days: int = 3  # 公示 ≥ 3 days (条例 第五十四条, T17)

    @property
    def decryption_closes(self) -> datetime:
        return self.bid_deadline + timedelta(minutes=self.decryption_minutes)


def validate_schedule(schedule: Schedule) -> None:
    """Refuse dates out of order or not in UTC, naming the field. Legal minimum periods are rules (T01, T03)."""
    for name in ("sale_start", "sale_end", "bid_deadline"):
        value: datetime = getattr(schedule, name)
        if value.tzinfo is None or value.utcoffset() != timedelta(0):
            raise InvalidInput(f"{name} must be an aware UTC time, got {value.isoformat()}", field=name)
        if value.microsecond:  # a deadline between two milliseconds would make the receipts' times ambiguous
            raise InvalidInput(f"{name} must be a whole second, got {value.isoformat()}", field=name)
    if not schedule.sale_start < schedule.sale_end:
        raise InvalidInput("sale_end must come after sale_start", field="schedule.sale_end")
    if not schedule.sale_end <= schedule.bid_deadline:
        raise InvalidInput(
            "bid_deadline must not come before sale_end: documents are sold before bids close",
            field="schedule.bid_deadline",
        )
    if not 1 <= schedule.decryption_minutes <= 24 * 60:
        raise InvalidInput("decryption_minutes must be between 1 and 1440", field="schedule.decryption_minutes")
    if schedule.publicity_days < 3:
        raise InvalidInput("publicity_days must be at least 3 (条例 第五十四条)", field="schedule.publicity_days")


@dataclass(slots=True)
class Section:
    """A tender section (标段), the aggregate every lifecycle change goes through."""

    id: str
    project_id: str
    code: str
    name: str
    kind: SectionKind
    estimated_price: Decimal  # 估算价
    ceiling_price: Decimal  # 最高投标限价 (T23), also the savings-rate baseline
    schedule: Schedule
    tenderee_id: str
    agency_id: str | None = None
    status: SectionStatus = SectionStatus.DRAFT
    version: int = 0
    state_funded: bool = True  # 国有资金控股: rank 1 wins (条例 第五十五条)
    seed_commitment: str | None = None  # SM3(seed), fixed at publication
    beacon: str | None = None
    revealed_seed: str | None = None  # the seed, public once the opening revealed it with the beacon
    document_digest: str | None = None
    terms_digest: str | None = None  # SM3 of the executable terms pinned at publication (fairbid.domain.terms)
    publicity_ends: datetime | None = None
    open_objections: int = 0
    outcome_reason: str | None = None

    @property
    def bids_sealed(self) -> bool:
        """Whether who and how many have bid is still secret (招标投标法 第二十二条): until an opening revealed the
        bids with the beacon. A section cancelled, or failed for too few bids, before any opening keeps them."""
        return self.status.bids_are_secret or self.beacon is None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Section) and other.id == self.id

    def __hash__(self) -> int:
        return hash(self.id)


def can_take(section: Section, action: Action, role: Role) -> bool:
    """True when ``role`` may take ``action`` on ``section`` in its current status."""
    allowed_from, _, roles = TRANSITIONS[action]
    return section.status in allowed_from and role in roles


def apply_transition(
    section: Section, action: Action, *, actor: Actor, now: datetime, reason: str | None = None
) -> None:
    """Move the section, or raise with the reason it may not move."""
    allowed_from, target, roles = TRANSITIONS[action]
    if actor.role not in roles:
        allowed = ", ".join(sorted(r.value for r in roles))
        raise NotPermitted(f"Only {allowed} may {action.value.replace('_', ' ')} a section; you act as {actor.role}.")
    if section.status not in allowed_from:
        raise InvalidTransition(
            f"Cannot {action.value.replace('_', ' ')} section {section.code} while it is {section.status}; "
            f"allowed from: {', '.join(sorted(s.value for s in allowed_from))}."
        )
    section.status = target
    if reason is not None:
        section.outcome_reason = reason
