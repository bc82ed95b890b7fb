"""Rows about the platform itself."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from fairbid.store.rows.base import Row

__all__ = ["PlatformMarkRow"]


class PlatformMarkRow(Row):
    """Facts about this database itself, e.g. ``purpose`` = ``demonstration`` (set by ``fairbid demo``).

    A simulated or accelerated clock runs only on a database so marked: heads and receipts dated by such a
    clock must never sit among production records.
    """

    __tablename__ = "platform_marks"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    set_at: Mapped[datetime]
