"""What the platform knows of each bidder besides its bid, at the opening: its credit code, and (once the credit
registry and the guarantees are wired) its credit grade and any debarment. The machine review and the objective
items read it (``fairbid.domain.evaluation.machine.BidStanding``)."""

from __future__ import annotations

from collections.abc import Sequence

from fairbid.domain.bid import Bid
from fairbid.domain.evaluation.machine import BidStanding
from fairbid.ports import UnitOfWork

__all__ = ["standings"]


def standings(uow: UnitOfWork, bids: Sequence[Bid]) -> dict[str, BidStanding]:
    """Each bidder's standing, by bidder ID."""
    orgs = uow.organisations.names([b.bidder_id for b in bids])
    return {o_id: BidStanding(o.credit_code) for o_id, o in orgs.items()}
