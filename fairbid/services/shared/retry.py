"""Retrying a use case that lost a race: its transaction rolled back, so it runs again on what won.

Versioned aggregates (a committee, a member's score sheet, a warning's answers, a bid, a section) refuse a write
based on a stale read with ``Conflict``; nothing was stored. For use cases whose outcome does not depend on the
order (two experts answering, one expert scoring two bids at once), running again on the fresh state is right,
so no acknowledged write is ever lost. Only a conflict that persists reaches the caller (409, "reload and try
again").
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from fairbid.domain.errors import Conflict

__all__ = ["retry_on_conflict"]

P = ParamSpec("P")
T = TypeVar("T")

ATTEMPTS = 5


def retry_on_conflict(fn: Callable[P, T]) -> Callable[P, T]:
    """Run ``fn`` again (up to ``ATTEMPTS`` times in all) when it raises ``Conflict``."""

    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        for attempt in range(ATTEMPTS):
            try:
                return fn(*args, **kwargs)
            except Conflict:
                if attempt == ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    return run
