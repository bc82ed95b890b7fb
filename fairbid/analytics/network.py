"""The co-bidding network across tenders: cover bidders, bid rotation, groups that always bid together.

Nodes are bidders; an edge joins two bidders that bid in the same tender, weighted by how many tenders.

- **Groups that always appear together**: pairs whose tender sets have Jaccard similarity ≥
  ``together`` (0.8) over ≥ ``min_tenders`` (3) shared tenders are joined; each connected component of
  such pairs with ≥ 2 bidders is a group.
- **Cover bidders (陪标专业户, 1117号(十一))**: a bidder with ≥ ``min_bids`` (5) bids and no win, whose
  most frequent partner is present in ≥ ``together`` of its bids; the partners that meet that share are named.
- **Bid rotation**: for a group, over the tenders where all of its members bid (≥ ``min_tenders``), the
  group wins ≥ 80 % of them and at least two members win; the evenness of the wins (normalised entropy ≥
  0.7) and the winners in date order are the evidence.
- **Bid kings (标王)**: a bidder with ≥ ``min_bids`` bids whose win rate is ≥ the upper fence of win rates.

Everything is a clue for review, never proof (发改法规〔2026〕195号 (十一)).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations

from fairbid.analytics.record import BidRecord, TenderRecord
from fairbid.analytics.redflag import fences

__all__ = ["CoBidding", "NetworkFinding", "analyse_network"]


@dataclass(frozen=True, slots=True)
class NetworkFinding:
    """One finding: ``kind`` is "together", "cover", "rotation" or "king"; bidders, tenders and evidence."""

    kind: str
    bidders: tuple[str, ...]
    tenders: tuple[str, ...]
    evidence: tuple[str, ...]


@dataclass(slots=True)
class CoBidding:
    """The co-bidding graph: tenders per bidder, wins per bidder, edge weights per pair."""

    tenders_of: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    wins_of: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    winners_of: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    edges: Counter[tuple[str, str]] = field(default_factory=Counter)

    @classmethod
    def build(cls, bids: Sequence[BidRecord]) -> CoBidding:
        """Build the graph from bid records."""
        g = cls()
        bidders_in: dict[str, set[str]] = defaultdict(set)
        for b in bids:
            g.tenders_of[b.bidder_id].add(b.tender_id)
            bidders_in[b.tender_id].add(b.bidder_id)
            if b.winner:
                g.wins_of[b.bidder_id].add(b.tender_id)
                g.winners_of[b.tender_id].add(b.bidder_id)
        for who in bidders_in.values():
            for a, c in combinations(sorted(who), 2):
                g.edges[(a, c)] += 1
        return g

    def partners(self, bidder: str) -> Counter[str]:
        """How many tenders each other bidder shared with ``bidder``."""
        out: Counter[str] = Counter()
        for (a, c), w in self.edges.items():
            if a == bidder:
                out[c] = w
            elif c == bidder:
                out[a] = w
        return out


def _components(pairs: Sequence[tuple[str, str]]) -> list[set[str]]:
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        parent[find(a)] = find(b)
    groups: dict[str, set[str]] = defaultdict(set)
    for x in list(parent):
        groups[find(x)].add(x)
    return sorted(groups.values(), key=lambda s: sorted(s))


def _order(tender_ids: set[str], dates: dict[str, date | None]) -> list[str]:
    return sorted(tender_ids, key=lambda t: (dates.get(t) is None, dates.get(t) or date.min, t))


def analyse_network(
    bids: Sequence[BidRecord],
    tenders: Sequence[TenderRecord] = (),
    *,
    min_tenders: int = 3,
    min_bids: int = 5,
    together: float = 0.8,
) -> list[NetworkFinding]:
    """All findings of the module docstring, in a stable order."""
    g = CoBidding.build(bids)
    dates = {t.tender_id: t.date for t in tenders}
    out: list[NetworkFinding] = []

    strong = []
    for (a, b), w in sorted(g.edges.items()):
        union = len(g.tenders_of[a] | g.tenders_of[b])
        if w >= min_tenders and w / union >= together:
            strong.append((a, b))
    groups = _components(strong)
    for members in groups:
        shared = set.intersection(*(g.tenders_of[m] for m in members))
        if len(shared) < min_tenders:
            continue
        who = tuple(sorted(members))
        share = len(shared) / len(set.union(*(g.tenders_of[m] for m in members)))
        out.append(
            NetworkFinding(
                "together",
                who,
                tuple(_order(shared, dates)),
                (f"{len(who)} bidders bid together in {len(shared)} tenders ({share:.0%} of all their bids)",),
            )
        )
        ordered = _order(shared, dates)
        winners = [next(iter(sorted(g.winners_of[t] & members)), None) for t in ordered]
        won = [w for w in winners if w is not None]
        distinct = Counter(won)
        if len(distinct) >= 2 and len(won) >= 0.8 * len(ordered):
            entropy = -sum(c / len(won) * math.log(c / len(won)) for c in distinct.values())
            evenness = entropy / math.log(len(members)) if len(members) > 1 else 0.0
            if evenness >= 0.7:
                sequence = " → ".join(w or "(outsider)" for w in winners)
                out.append(
                    NetworkFinding(
                        "rotation",
                        who,
                        tuple(ordered),
                        (
                            f"the group won {len(won)} of the {len(ordered)} tenders it bid in together; "
                            f"{len(distinct)} members took turns (evenness {evenness:.2f})",
                            f"winners in date order: {sequence}",
                        ),
                    )
                )

    for bidder in sorted(g.tenders_of):
        n = len(g.tenders_of[bidder])
        if n < min_bids or g.wins_of.get(bidder):
            continue
        partners = g.partners(bidder)
        close = sorted(p for p, c in partners.items() if c / n >= together)
        if close:
            beside: set[str] = set.intersection(*(g.tenders_of[p] for p in close)) & g.tenders_of[bidder]
            wins_by_partners = sum(1 for t in g.tenders_of[bidder] if g.winners_of.get(t, set()) & set(close))
            out.append(
                NetworkFinding(
                    "cover",
                    (bidder, *close),
                    tuple(_order(beside or g.tenders_of[bidder], dates)),
                    (
                        f"{bidder} bid {n} times and never won; in ≥ {together:.0%} of its bids it bid beside "
                        f"{', '.join(close)}, who won {wins_by_partners} of those tenders",
                    ),
                )
            )

    rates = {b: len(g.wins_of.get(b, ())) / len(t) for b, t in g.tenders_of.items() if len(t) >= min_bids}
    if len(rates) >= 4:
        _, high = fences(rates.values())
        for b in sorted(rates):
            if rates[b] > 0 and rates[b] >= high:
                kingdom = g.wins_of[b]
                out.append(
                    NetworkFinding(
                        "king",
                        (b,),
                        tuple(_order(kingdom, dates)),
                        (
                            f"{b} won {len(kingdom)} of {len(g.tenders_of[b])} bids "
                            f"({rates[b]:.0%}; upper fence {high:.0%})",
                        ),
                    )
                )
    return out
