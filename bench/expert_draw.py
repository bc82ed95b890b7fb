"""Draw 9 experts from a pool of 100,000 with avoidance against 200 bidders (target: under 1 s).

Run: .venv/bin/python bench/expert_draw.py
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rich.console import Console

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # runnable without installing fairbid

from fairbid.crypto.draw import BeaconStream
from fairbid.domain.credit_code import check_character
from fairbid.domain.expert import (
    CommitteeSpec,
    DrawParties,
    DrawPlan,
    Employment,
    Expert,
    ExpertStatus,
    PastDraw,
    Period,
    Relationship,
    Title,
    Venue,
    VenueRole,
    draw_committee,
    plan_quotas,
)

POOL = 100_000
BIDDERS = 200
REGIONS = [f"{code}00" for code in range(3201, 3224)]  # 23 partner cities
SPECIALTIES = [f"A{n:02d}" for n in range(1, 31)]


def _code(n: int) -> str:
    first17 = f"91320100{n:09d}"
    return first17 + check_character(first17)


def _mix(i: int, salt: int) -> int:
    # decorrelates attributes from the index (Knuth's multiplicative hash)
    return (((i + salt * 7919) * 2_654_435_761) % 2**32) >> 11


def _pool(now: datetime, bidders: list[str]) -> list[Expert]:
    experts = []
    for i in range(POOL):
        experts.append(
            Expert(
                expert_id=f"E{i:06d}",
                name=f"专家{i}",
                specialties=frozenset({SPECIALTIES[i % 30], SPECIALTIES[(i * 7) % 30]}),
                region=REGIONS[i % len(REGIONS)],
                employer=bidders[i % BIDDERS] if i % 50 == 0 else _code(10_000 + i % 5_000),
                title=Title.SENIOR if _mix(i, 1) % 5 else Title.INTERMEDIATE,
                years=5 + _mix(i, 2) % 20,
                status=ExpertStatus.SUSPENDED if i % 97 == 0 else ExpertStatus.ACTIVE,
                history=(PastDraw(_code(1), now - timedelta(days=30)),) * (i % 4),
                relationships=(Relationship(bidders[(i * 3) % BIDDERS], "relative"),) if i % 41 == 0 else (),
                former_employers=(
                    (Employment(bidders[i % BIDDERS], now - timedelta(days=3000), now - timedelta(days=400)),)
                    if i % 37 == 0
                    else ()
                ),
            )
        )
    return experts


def main() -> None:
    console = Console()
    now = datetime(2026, 11, 27, 8, tzinfo=UTC)
    bidders = [_code(i) for i in range(100, 100 + BIDDERS)]
    with console.status("building the pool"):
        pool = _pool(now, bidders)
    venues = (
        Venue("main", "主场", VenueRole.MAIN, frozenset(REGIONS[:3])),
        Venue("sub-1", "副场一", VenueRole.SECONDARY, frozenset(REGIONS[3:6])),
        Venue("sub-2", "副场二", VenueRole.SECONDARY, frozenset(REGIONS[6:9])),
    )
    plan = DrawPlan(
        committee=CommitteeSpec(9),
        quotas=plan_quotas({"A01": 3, "A02": 3, "A03": 3}, {"main": 3, "sub-1": 3, "sub-2": 3}),
        venues=venues,
        evaluation=Period(now + timedelta(days=1), now + timedelta(days=2)),
    )
    parties = DrawParties(tenderee=_code(1), agency=_code(2), bidders=frozenset(bidders))
    runs, cpu = [], []
    for round_ in range(5):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = draw_committee(pool, plan, parties, BeaconStream(bytes(32), f"bench:{round_}"), now=now)
        runs.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    console.print(f"pool {POOL:,} experts, {BIDDERS} bidders, {len(result.seats)} drawn across 3 venues")
    console.print(f"eligible per cell: {[c[2] for c in result.eligible_counts]}")
    console.print(
        f"draw time: wall best {min(runs) * 1000:.1f} ms / worst {max(runs) * 1000:.1f} ms, "
        f"CPU best {min(cpu) * 1000:.1f} ms (target < 1000 ms)"
    )

    wide = DrawPlan(
        committee=CommitteeSpec(9),
        quotas=plan_quotas({"A01": 9}, {"main": 9}),
        venues=(Venue("main", "主场", VenueRole.MAIN, frozenset(REGIONS)),),
        evaluation=plan.evaluation,
    )
    start = time.perf_counter()
    draw_committee(pool, wide, parties, BeaconStream(bytes(32), "bench:wide"), now=now)
    console.print(f"worst case (one venue over all 23 regions): {(time.perf_counter() - start) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
