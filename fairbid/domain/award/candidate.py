"""Candidates, award and the savings rate (中标候选人、中标、节资率)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from fairbid.domain.bid.model import Bid, BidStatus
from fairbid.domain.errors import InvalidInput

__all__ = ["MAX_CANDIDATES", "Candidate", "rank_lowest_price", "savings_rate"]

MAX_CANDIDATES = 3  # 条例 第五十三条: no more than three, ranked (T16)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A ranked winning candidate (中标候选人)."""

    rank: int
    bid_id: str
    bidder_id: str
    price: Decimal
    score: Decimal | None = None


def rank_lowest_price(bids: Sequence[Bid]) -> list[Candidate]:
    """经评审的最低投标价法 (12号令 第三十条): valid bids by price ascending, at most three.

    Ties go to the earlier final submission, never to lots (审查规则 第八条).
    """
    valid = [b for b in bids if b.status is BidStatus.DECRYPTED and b.data is not None]
    valid.sort(key=lambda b: (b.data.price if b.data else Decimal(0), b.submitted_at, b.bidder_id))
    return [
        Candidate(rank=i + 1, bid_id=b.id, bidder_id=b.bidder_id, price=b.data.price if b.data else Decimal(0))
        for i, b in enumerate(valid[:MAX_CANDIDATES])
    ]


def savings_rate(baseline: Decimal, award_price: Decimal) -> Decimal:
    """节资率 = (baseline − award price) / baseline, in percent to two places.

    The baseline is named by the caller (Fairbid uses the ceiling price 最高投标限价; rules-catalog §7).
    """
    if baseline <= 0:
        raise InvalidInput("The savings-rate baseline must be positive.", field="baseline")
    rate = (baseline - award_price) / baseline * 100
    return rate.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
