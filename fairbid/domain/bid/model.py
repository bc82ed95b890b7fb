"""The bid aggregate and the rules of submission and decryption (电子招标投标办法 第二十六–三十一条)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from fairbid.domain.errors import DeadlinePassed, InvalidInput, InvalidTransition
from fairbid.domain.section.model import Section, SectionStatus

__all__ = [
    "Bid",
    "BidStatus",
    "OpenedBidData",
    "accept_submission",
    "record_decryption",
    "reject_undecrypted",
    "withdraw",
]


class BidStatus(StrEnum):
    SEALED = "sealed"  # received, encrypted; nobody can read it
    WITHDRAWN = "withdrawn"  # 撤回 before the deadline
    DECRYPTED = "decrypted"  # opened online by its bidder in the window
    REJECTED = "rejected"  # e.g. not decrypted in the window (电子办法 第三十一条)


@dataclass(frozen=True, slots=True)
class OpenedBidData:
    """The structured part of a bid (投标函 / 开标一览表), known only after decryption."""

    price: Decimal
    duration_days: int
    quality: str
    project_manager_id: str
    bid_security_ref: str | None = None
    extra: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        if self.price <= 0:
            raise InvalidInput("The bid price must be positive.", field="price")
        if self.duration_days <= 0:
            raise InvalidInput("The duration must be a positive number of days.", field="duration_days")


@dataclass(slots=True)
class Bid:
    """One bidder's bid in one section. Resubmission replaces the envelope and bumps ``revision``."""

    id: str
    section_id: str
    bidder_id: str  # the bidding organisation
    envelope_digest: str  # SM3 of the sealed envelope as stored
    envelope_size: int
    submitted_at: datetime
    status: BidStatus = BidStatus.SEALED
    revision: int = 1
    version: int = 0
    data: OpenedBidData | None = None
    decrypted_at: datetime | None = None
    reject_reason: str | None = None
    attachments: list[tuple[str, str, int]] = field(default_factory=list)  # (name, sm3, size)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Bid) and other.id == self.id

    def __hash__(self) -> int:
        return hash(self.id)


def _ensure_before_deadline(section: Section, *, received_at: datetime, what: str) -> None:
    """Bids are accepted in the bidding state, strictly before the deadline by the server clock (法 第二十八条)."""
    if section.status is not SectionStatus.BIDDING and section.status.bids_are_secret:
        raise InvalidTransition(f"Section {section.code} is not accepting bids yet (it is {section.status}).")
    if received_at >= section.schedule.bid_deadline:
        late_ms = int((received_at - section.schedule.bid_deadline).total_seconds() * 1000)
        raise DeadlinePassed(
            f"{what} refused: the bid deadline {section.schedule.bid_deadline.isoformat()} has passed "
            f"({late_ms} ms late by the server clock; 电子招标投标办法 第二十七条)."
        )
    if section.status is not SectionStatus.BIDDING:
        raise DeadlinePassed(
            f"{what} refused: it started before the deadline but was still arriving when the opening began at "
            f"{section.schedule.bid_deadline.isoformat()}; a bid must be fully received by the deadline "
            "(电子招标投标办法 第二十七条)."
        )


def accept_submission(
    section: Section,
    existing: Bid | None,
    *,
    bid_id: str,
    bidder_id: str,
    envelope_digest: str,
    envelope_size: int,
    received_at: datetime,
) -> Bid:
    """Accept a new or replacing envelope. ``received_at`` is when the upload's request arrived.

    Stated rule: an upload must start before the deadline (server clock at the request's arrival, to the
    millisecond) and be fully received before the opening, which the chronograph fires at the deadline. An
    upload still streaming when the opening begins is refused with that reason, so the set of bids the
    beacon covers is exactly the set received by the deadline.
    """
    _ensure_before_deadline(section, received_at=received_at, what="Submission")
    if existing is not None:  # replaces a sealed bid, or brings a withdrawn one back, as a new revision
        existing.status = BidStatus.SEALED
        existing.envelope_digest = envelope_digest
        existing.envelope_size = envelope_size
        existing.submitted_at = received_at
        existing.revision += 1
        return existing
    return Bid(
        id=bid_id,
        section_id=section.id,
        bidder_id=bidder_id,
        envelope_digest=envelope_digest,
        envelope_size=envelope_size,
        submitted_at=received_at,
    )


def withdraw(section: Section, bid: Bid, *, now: datetime) -> None:
    """Withdraw (撤回) before the deadline (条例 第三十五条)."""
    _ensure_before_deadline(section, received_at=now, what="Withdrawal")
    if bid.status is not BidStatus.SEALED:
        raise InvalidTransition(f"This bid is {bid.status}; only a sealed bid can be withdrawn.")
    bid.status = BidStatus.WITHDRAWN


def record_decryption(section: Section, bid: Bid, data: OpenedBidData, *, now: datetime) -> None:
    """Record a bid decrypted online inside the window (电子招标投标办法 第二十九条)."""
    if section.status is not SectionStatus.OPENING:
        raise InvalidTransition(f"Bids are decrypted during the opening; section {section.code} is {section.status}.")
    if now >= section.schedule.decryption_closes:
        raise DeadlinePassed(
            f"The decryption window closed at {section.schedule.decryption_closes.isoformat()} "
            "(电子招标投标办法 第三十一条)."
        )
    if bid.status is not BidStatus.SEALED:
        raise InvalidTransition(f"This bid is {bid.status}; only a sealed bid can be decrypted.")
    bid.status = BidStatus.DECRYPTED
    bid.data = data
    bid.decrypted_at = now


def reject_undecrypted(bid: Bid) -> bool:
    """At the window's close, a bid still sealed is rejected with its cause (电子招标投标办法 第三十一条)."""
    if bid.status is not BidStatus.SEALED:
        return False
    bid.status = BidStatus.REJECTED
    bid.reject_reason = (
        "Not decrypted within the decryption window; treated as revoked (视为撤销) under 电子招标投标办法 第三十一条."
    )
    return True
