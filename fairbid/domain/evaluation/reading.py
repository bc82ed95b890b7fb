"""Who may read a decrypted bid in the evaluation session, and what each reading leaves in the ledger.

Only seated members (drawn experts and tenderee representatives) read bids, only while the session is open
(电子办法 第三十三条: evaluation at the assigned venue, monitored), and only after declaring no conflict with
the bidders (``recusal``; 法 第三十七条第四款, 条例 第四十六条). Anyone else — a non-member, a member who
recused, a member after the session — gets ``NotFound``, the same answer as for a bid that does not exist,
so the check reveals nothing (as for bids before the opening, 法 第二十二条). Every reading is recorded:
who, which bid, which file (by name and SM3), when — never the content (电子办法 第四十九条: every step logged).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime

from fairbid.domain.errors import NotFound, NotPermitted
from fairbid.domain.evaluation.recusal import Declaration, ensure_may_evaluate

__all__ = ["BidFileRead", "ensure_may_read_bid", "record_reading"]

_ABSENT = "No such bid."


@dataclass(frozen=True, slots=True)
class BidFileRead:
    """A member read one file of one bid (for the ledger; ``shown_as`` is the 暗标 code when blind)."""

    member_id: str
    bid_id: str
    file_name: str
    file_sm3: str
    shown_as: str | None
    at: datetime


def ensure_may_read_bid(
    member_id: str,
    *,
    seated: Collection[str],
    declarations: Iterable[Declaration],
    session_open: bool,
) -> None:
    """Raise ``NotFound`` unless ``member_id`` is seated, has declared no conflict, and the session is open."""
    if not session_open or member_id not in seated:
        raise NotFound(_ABSENT, field="bid_id")
    try:
        ensure_may_evaluate(member_id, declarations)
    except NotPermitted:
        raise NotFound(_ABSENT, field="bid_id") from None


def record_reading(
    member_id: str,
    bid_id: str,
    *,
    file_name: str,
    file_sm3: str,
    at: datetime,
    seated: Collection[str],
    declarations: Iterable[Declaration],
    session_open: bool,
    shown_as: str | None = None,
) -> BidFileRead:
    """Check the reader (``ensure_may_read_bid``) and return the event the service appends to the ledger."""
    ensure_may_read_bid(member_id, seated=seated, declarations=declarations, session_open=session_open)
    return BidFileRead(member_id, bid_id, file_name, file_sm3.lower(), shown_as, at)
