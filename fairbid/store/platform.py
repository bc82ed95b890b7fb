"""Facts about the database itself."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from fairbid.store.rows import (
    PlatformMarkRow,
)

__all__ = ["MarkRepository"]


class MarkRepository:
    """Facts about the database itself (``platform_marks``)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, name: str) -> str | None:
        row = self.session.get(PlatformMarkRow, name)
        return None if row is None else row.value

    def set(self, name: str, value: str, *, now: datetime) -> None:
        self.session.merge(PlatformMarkRow(name=name, value=value, set_at=now))
