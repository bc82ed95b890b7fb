"""The bid aggregate and the rules of submission and decryption (电子招标投标办法 第二十六–三十一条)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
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
    pm_grade: str | None = None  # the project manager's certificate grade (注册建造师等级)
    staff: tuple[tuple[str, int], ...] = ()  # key roles named, by role code, with their numbers
    certificates: tuple[str, ...] = ()  # codes of the 资质 certificates stated
    similar_contracts: tuple[tuple[str, Decimal, date], ...] = ()  # (name, amount, completion) 类似业绩

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
    submitted_at: datetime  # the instant the envelope's last byte reached the server (电子招标投标办法 第二十七条)
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


def _late(section: Section, at: datetime) -> str:
    late_ms = int((at - section.schedule.bid_deadline).total_seconds() * 1000)
    return f"{late_ms} ms after the deadline {section.schedule.bid_deadline.isoformat()} by the server clock"


def accept_submission(
    section: Section,
    existing: Bid | None,
    *,
    bid_id: str,
    bidder_id: str,
    envelope_digest: str,
    envelope_size: int,
    last_byte_at: datetime,
) -> Bid:
    """Accept a new or replacing envelope whose last byte reached the server at ``last_byte_at``.

    电子招标投标办法 第二十七条: a bid whose transmission is not complete before the deadline is treated as
    withdrawn, and one arriving after it is refused. So the instant the body's last byte arrives decides, not
    when the upload began nor when its check finished: on time if and only if ``last_byte_at`` is before
    the deadline. The opening waits (bounded) for bids that arrived in time and are still being checked, so
    the section is still in bidding when such a bid is stored; one whose check outlasted that wait finds the
    opening begun and is refused with that reason.
    """
    if section.status.bids_are_secret and section.status is not SectionStatus.BIDDING:
        raise InvalidTransition(f"Section {section.code} is not accepting bids yet (it is {section.status}).")
    if last_byte_at >= section.schedule.bid_deadline:
        raise DeadlinePassed(
            "Submission refused: transmission not complete before the deadline (电子招标投标办法 第二十七条); "
            f"its last byte arrived {_late(section, last_byte_at)}."
        )
    if section.status is not SectionStatus.BIDDING:
        raise DeadlinePassed(
            "Submission refused: its last byte arrived before the deadline, but its check was still running "
            "when the opening, having waited its longest for bids being checked, began "
            "(电子招标投标办法 第二十七条). Nothing was stored."
        )
    if existing is not None:  # replaces a sealed bid, or brings a withdrawn one back, as a new revision
        existing.status = BidStatus.SEALED
        existing.envelope_digest = envelope_digest
        existing.envelope_size = envelope_size
        existing.submitted_at = last_byte_at
        existing.revision += 1
        return existing
    return Bid(
        id=bid_id,
        section_id=section.id,
        bidder_id=bidder_id,
        envelope_digest=envelope_digest,
        envelope_size=envelope_size,
        submitted_at=last_byte_at,
    )


def withdraw(section: Section, bid: Bid, *, now: datetime) -> None:
    """Withdraw (撤回) before the deadline (招标投标法实施条例 第三十五条).

    The caller holds the section's lock, so a withdrawal and the opening are ordered: one that the opening
    beat finds the section opened and is refused; one that came first is not counted by the opening.
    """
    if section.status is not SectionStatus.BIDDING or now >= section.schedule.bid_deadline:
        when = _late(section, now) if now >= section.schedule.bid_deadline else f"while it is {section.status}"
        raise DeadlinePassed(
            f"Withdrawal refused: a bid may be withdrawn only before the deadline and the opening; it came {when} "
            "(招标投标法实施条例 第三十五条)."
        )
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
