"""Clocks and random sources: the real ones, an accelerated one for demos, a simulated one for tests."""

from __future__ import annotations

import secrets
import threading
import time
from datetime import UTC, datetime, timedelta

__all__ = ["AcceleratedClock", "SimulatedClock", "SystemClock", "SystemRandom", "to_millisecond"]


class SystemClock:
    """The server clock (UTC, millisecond precision is what the deadline check uses)."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class AcceleratedClock:
    """Runs ``factor`` times faster than real time from ``start`` (``fairbid serve --speed 3600``)."""

    def __init__(self, factor: float, start: datetime | None = None) -> None:
        self.factor = factor
        self.start = start or datetime.now(UTC)
        self._t0 = time.monotonic()

    def now(self) -> datetime:
        return self.start + timedelta(seconds=(time.monotonic() - self._t0) * self.factor)


class SimulatedClock:
    """A clock that moves only when told: the demo and tests jump it to the next due event."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("SimulatedClock needs an aware UTC start")
        self._now = start
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, when: datetime) -> None:
        with self._lock:
            if when < self._now:
                raise ValueError("a clock does not run backwards")
            self._now = when

    def advance(self, delta: timedelta) -> None:
        self.set(self.now() + delta)


class SystemRandom:
    """Secrets from the operating system's CSPRNG."""

    def token_bytes(self, n: int) -> bytes:
        return secrets.token_bytes(n)


def to_millisecond(moment: datetime) -> datetime:
    """``moment`` floored to the millisecond: the precision of receipts, so a bid carries one time everywhere.

    Flooring never moves an instant at or after a deadline (itself a whole millisecond) to before it.
    """
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)
