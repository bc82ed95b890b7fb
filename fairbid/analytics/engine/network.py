"""The co-bidding network's inputs (``fairbid.analytics.network.CoBidding``) as Ibis expressions.

Edges join two bidders that bid in the same tender, weighted by the number of such tenders (pairs ordered
``bidder_a < bidder_b``); the bidder table counts each bidder's tenders and wins. The graph algorithms (groups,
cover bidders, rotation) then run on these aggregates, which are small next to the bids.
"""

from __future__ import annotations

import ibis.expr.types as ir

__all__ = ["bidder_table", "edge_table"]


def edge_table(bids: ir.Table) -> ir.Table:
    """``bidder_a, bidder_b, weight``: in how many tenders both bid (each pair once, ``bidder_a < bidder_b``)."""
    who = bids.select("tender_id", "bidder_id").distinct()
    other = who.select(tid=who.tender_id, partner=who.bidder_id)
    pairs = who.join(other, (who.tender_id == other.tid) & (who.bidder_id < other.partner))
    return pairs.group_by([pairs.bidder_id.name("bidder_a"), pairs.partner.name("bidder_b")]).aggregate(
        weight=pairs.tid.count()
    )


def bidder_table(bids: ir.Table) -> ir.Table:
    """``bidder_id, tenders, wins``: distinct tenders bid in and won."""
    return bids.group_by("bidder_id").aggregate(
        tenders=bids.tender_id.nunique(), wins=bids.tender_id.nunique(where=bids.winner)
    )
