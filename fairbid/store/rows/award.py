"""Rows of the award context: the candidates."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    ForeignKey,
    Integer,
)
from sqlalchemy.orm import Mapped, mapped_column

from fairbid.store.rows.base import Row

__all__ = ["CandidateRow"]


class CandidateRow(Row):
    """A ranked winning candidate (中标候选人) and, once awarded, the award."""

    __tablename__ = "candidates"
    section_id: Mapped[str] = mapped_column(ForeignKey("sections.id"), primary_key=True)
    rank: Mapped[int] = mapped_column(Integer, primary_key=True)
    bid_id: Mapped[str] = mapped_column(ForeignKey("bids.id"))
    bidder_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    price: Mapped[Decimal]
    awarded_at: Mapped[datetime | None]
