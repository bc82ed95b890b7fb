"""The scheduler loop of ``fairbid serve``: fire every section whose ``next_check`` has come, and open every
evaluation session whose scheduled start has come with its committee seated.

Due times live in the database, so after a restart the first pass fires whatever fell due meanwhile.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from fairbid.bootstrap import Platform
from fairbid.domain.errors import FairbidError
from fairbid.services.chronograph import advance_clock, due_section_ids
from fairbid.services.evaluation import start_due_sessions
from fairbid.services.ledger import publish_head

__all__ = ["Scheduler", "run_due"]

log = logging.getLogger("fairbid.scheduler")


def run_due(platform: Platform) -> int:
    """One pass: advance every due section; returns how many events fired."""
    fired = 0
    for section_id in due_section_ids(uow=platform.uow(), clock=platform.clock):
        try:
            result = advance_clock(
                section_id,
                uow=platform.uow(),
                clock=platform.clock,
                uploads=platform.arrivals,
                opening_wait=timedelta(seconds=platform.settings.opening_wait_seconds),
            )
        except FairbidError as e:  # a conflict with a concurrent request: the next pass retries
            log.warning("section %s not advanced: %s", section_id, e.detail)
            continue
        fired += len(result.applied)
        for action in result.applied:
            log.info("section %s: %s -> %s", section_id, action.value, result.status)
    for section_id in start_due_sessions(uow=platform.uow(), clock=platform.clock):
        fired += 1
        log.info("section %s: evaluation session opened by the machine at its scheduled start", section_id)
    publish_head(
        uow=platform.uow(),
        clock=platform.clock,
        platform_key=platform.platform_key,
        interval=timedelta(seconds=platform.settings.head_interval_seconds),
    )
    return fired


class Scheduler(threading.Thread):
    """A daemon thread running ``run_due`` every ``interval`` seconds until ``stop`` is set."""

    def __init__(self, platform: Platform, *, interval: float, stop: threading.Event) -> None:
        super().__init__(name="fairbid-scheduler", daemon=True)
        self.platform = platform
        self.interval = interval
        self.stop = stop

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                run_due(self.platform)
            except Exception:  # keep the loop alive; the error is logged with its traceback
                log.exception("scheduler pass failed")
            self.stop.wait(self.interval)
