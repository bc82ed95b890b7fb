"""Uploads whose last byte has arrived in time and that are still being checked, so the opening waits for them.

电子招标投标办法 第二十七条 makes the arrival of a bid's last byte the deciding instant, but checking and storing a
large envelope takes a moment after it. The upload route stamps the last byte here (``arrive``) before any queue
or check, and removes the stamp once the bid is stored or refused (``settle``); the chronograph asks
``in_check`` before it opens a section and waits while a bid that arrived before the deadline is still being
checked. Stamping and asking take one lock, so every upload either was stamped before the chronograph looked
(and is waited for) or gets a time no earlier than the chronograph's (and is late).

One board per process: ``fairbid serve`` receives uploads and runs the scheduler in the same process.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass
from datetime import datetime

from fairbid.clock import to_millisecond
from fairbid.ports import Clock

__all__ = ["Arrival", "ArrivalBoard"]


@dataclass(frozen=True, slots=True)
class Arrival:
    """One upload's last byte: which section it is for and when it arrived by the server clock."""

    section_id: str
    at: datetime
    token: int


class ArrivalBoard:
    """The uploads received whole and not yet stored or refused, in this process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: dict[int, Arrival] = {}
        self._tokens = itertools.count()

    def arrive(self, section_id: str, clock: Clock) -> Arrival:
        """Stamp an upload's last byte now, to the millisecond (under the board's lock); hold it until ``settle``."""
        with self._lock:
            arrival = Arrival(section_id, to_millisecond(clock.now()), next(self._tokens))
            self._pending[arrival.token] = arrival
            return arrival

    def settle(self, arrival: Arrival) -> None:
        """The upload was stored or refused: the opening need not wait for it any more."""
        with self._lock:
            self._pending.pop(arrival.token, None)

    def in_check(self, section_id: str, *, before: datetime, clock: Clock) -> tuple[datetime, int]:
        """``(now, n)``: the clock read under the lock, and how many uploads for the section that arrived before
        ``before`` are still being checked. Any upload stamped after this call is stamped at ``now`` or later."""
        with self._lock:
            now = clock.now()
            return now, sum(1 for a in self._pending.values() if a.section_id == section_id and a.at < before)
