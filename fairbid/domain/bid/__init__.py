"""Bids (投标文件): sealed before the deadline, opened online at it."""

from fairbid.domain.bid.model import (
    Bid,
    BidStatus,
    OpenedBidData,
    accept_submission,
    record_decryption,
    reject_undecrypted,
    withdraw,
)
from fairbid.domain.bid.opening import AuthoringFacts, OpeningRecord

__all__ = [
    "AuthoringFacts",
    "Bid",
    "BidStatus",
    "OpenedBidData",
    "OpeningRecord",
    "accept_submission",
    "record_decryption",
    "reject_undecrypted",
    "withdraw",
]
