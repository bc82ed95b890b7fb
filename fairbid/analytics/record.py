"""Plain records for cross-tender analysis; the platform fills them from its database.

Prices are floats here (analytics compares and ranks them; the legal amounts stay ``Decimal`` in the
domain). Every field but the ids is optional, and an indicator that needs a missing field skips the tender
or bidder (the red flags say which inputs each one reads).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

__all__ = ["BidRecord", "TenderRecord"]


@dataclass(frozen=True, slots=True)
class TenderRecord:
    """One tender section (标段): when, who buys, how long bidders had, the ceiling, the items."""

    tender_id: str
    date: date | None = None
    buyer_id: str | None = None
    procurement_method: str = "open"  # open | selective | invited | negotiated | single-source …
    submission_period_days: float | None = None
    deadline: datetime | None = None
    ceiling: float | None = None
    item_classes: tuple[str, ...] = ()  # classification codes of the awarded items (e.g. CPV/UNSPSC, GB/T 4754)


@dataclass(frozen=True, slots=True)
class BidRecord:
    """One bid: who, how much, whether it won or was disqualified, when it arrived."""

    tender_id: str
    bidder_id: str
    price: float
    winner: bool = False
    disqualified: bool = False
    received_at: datetime | None = None
