"""Which clock may run on which database: a simulated one only on demonstration data.

Signed heads and receipts carry the clock's time. A head dated hours ahead by ``fairbid serve --speed`` on
production data would make every later head look older than it, and ``fairbid ledger verify`` fail for ever.
"""

from __future__ import annotations

from datetime import datetime

from fairbid.domain.errors import InvalidInput
from fairbid.ports import UnitOfWork

__all__ = ["DEMONSTRATION", "allow_simulated_clock"]

DEMONSTRATION = "demonstration"
_PURPOSE = "purpose"


def allow_simulated_clock(*, uow: UnitOfWork, now: datetime) -> None:
    """Let a simulated or accelerated clock run on this database, or refuse.

    A database marked for demonstration may; an empty one becomes one (``fairbid demo``, ``fairbid serve
    --speed`` on a fresh file); one that holds records and no such mark is production data and is refused.
    """
    with uow:
        purpose = uow.marks.get(_PURPOSE)
        if purpose == DEMONSTRATION:
            return
        if purpose is None and uow.ledger.count() == 0:
            uow.marks.set(_PURPOSE, DEMONSTRATION, now=now)
            uow.commit()
            return
    raise InvalidInput(
        "A simulated or accelerated clock (--speed, the demo) runs only on a demonstration database, and this one "
        "holds records not made for demonstration: heads and receipts dated by such a clock would be mixed with "
        "real ones. Use a new database file (--database sqlite:///demo.db) for demonstrations.",
        field="speed",
    )
