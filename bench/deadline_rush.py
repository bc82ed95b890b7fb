"""The last-minute rush against a live ``fairbid serve`` on the real clock (issue #20's independent re-run).

    .venv/bin/python bench/deadline_rush.py [--bidders 40] [--mb 12] [--earliest 3.0] [--latest 0.3] [--pg URL]

Setup (not timed): a fresh database (SQLite, or a new PostgreSQL database with ``--pg``) and data folder; N
bidders with keys; a section whose bid deadline is about two minutes ahead in real time; one envelope of M MB
sealed per bidder. Then ``fairbid serve`` starts as its own process, on the real clock, with its scheduler.

The rush: every bidder sends its body but for the last 64 KiB well before the deadline, then finishes at its own
instant, drawn uniformly between ``--earliest`` and ``--latest`` seconds before the deadline, so every last byte
reaches the server in time while the scheduler fires the opening at the deadline with checks still under way.
Printed: receipts, how many are dated before the deadline, refusals, and whether the opening's beacon counts
exactly the receipted envelopes (电子招标投标办法 第二十七条: the last byte decides).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
from rich.console import Console
from rich.table import Table

_TAIL = 64 * 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bidders", type=int, default=40)
    parser.add_argument("--mb", type=float, default=12.0)
    parser.add_argument("--earliest", type=float, default=3.0, help="seconds before the deadline")
    parser.add_argument("--latest", type=float, default=0.3, help="seconds before the deadline")
    parser.add_argument("--pg", help="a PostgreSQL server URL; a new database is made on it")
    args = parser.parse_args()
    console = Console()

    import fairbid.services.party as party_service
    from fairbid.bootstrap import bootstrap
    from fairbid.clock import SimulatedClock
    from fairbid.crypto.digest import sm3_hex
    from fairbid.crypto.receipt import SignedReceipt, verify_receipt
    from fairbid.settings import Settings
    from tests.factories import make_world
    from tests.reliability.live import FAST_HASHER, LiveServer, bidding_section, login

    party_service.hash_password = FAST_HASHER.hash  # type: ignore[assignment]  # cheap hashes for the accounts
    work = Path(tempfile.mkdtemp(prefix="fairbid-rush-"))
    url = f"sqlite:///{work / 'fairbid.db'}" if not args.pg else _new_pg_database(args.pg)
    settings = Settings(
        environment="test",
        database_url=url,
        data_dir=work / "data",
        platform_key_passphrase="bench-passphrase",  # type: ignore[arg-type]
        max_envelope_bytes=int(args.mb * 1024 * 1024) + 1024 * 1024,
    )
    clock = SimulatedClock(datetime.now(UTC) - timedelta(days=30))
    platform = bootstrap(settings, clock=clock)
    w = make_world(platform, clock, bidders=args.bidders)
    deadline = (datetime.now(UTC) + timedelta(seconds=120)).replace(microsecond=0)
    s = bidding_section(w, deadline=deadline)
    size = int(args.mb * 1024 * 1024)
    with console.status(f"sealing {args.bidders} envelopes of {args.mb:g} MB"):
        envelopes = [w.seal(s.id, b, f"{9_000_000 + i}.00", size=size) for i, b in enumerate(w.bidders)]
    platform.close()

    logs = work / "logs"
    logs.mkdir()
    server = LiveServer(settings, logs)
    server.start()
    try:
        with httpx.Client(base_url=server.url, timeout=120) as c:
            headers = [{**login(c, b), "Content-Type": "application/octet-stream"} for b in w.bidders]
        rng = random.Random(7)
        finish = [deadline - timedelta(seconds=rng.uniform(args.latest, args.earliest)) for _ in w.bidders]
        start_bulk = deadline - timedelta(seconds=args.earliest + 20)
        _sleep_until(start_bulk)

        def body(i: int) -> Iterator[bytes]:
            data = envelopes[i]
            for pos in range(0, len(data) - _TAIL, 1 << 20):
                yield data[pos : min(pos + (1 << 20), len(data) - _TAIL)]
            _sleep_until(finish[i])
            yield data[-_TAIL:]

        limits = httpx.Limits(max_connections=args.bidders + 5)
        with (
            httpx.Client(base_url=server.url, timeout=300, limits=limits) as c,
            ThreadPoolExecutor(args.bidders) as pool,
        ):
            answers = list(
                pool.map(
                    lambda i: c.post(f"/api/sections/{s.id}/bids", content=body(i), headers=headers[i]),
                    range(args.bidders),
                )
            )
        for _ in range(600):  # the scheduler opens once the on-time bids are checked
            if _status(settings, s.id) != "bidding":
                break
            time.sleep(0.1)
    finally:
        server.kill()

    platform = bootstrap(settings, clock=SimulatedClock(datetime.now(UTC)), migrate=False)
    key = platform.platform_key.public
    receipts = []
    for r in answers:
        if r.status_code == 201:
            receipt = SignedReceipt.from_json(r.json())
            verify_receipt(key, receipt)
            receipts.append(receipt)
    with platform.uow() as uow:
        opened = [e for e in uow.ledger.for_subject("section", s.id) if e.action == "beacon:revealed"]
        opened_at = [e.payload for e in uow.ledger.for_subject("section", s.id) if e.action == "section:opened"]
    platform.close()
    counted = sorted(opened[0].payload["envelope_digests"]) if opened else []
    receipted = sorted(r.fields.envelope_sm3 for r in receipts)
    early = [(deadline - r.fields.server_time).total_seconds() for r in receipts]
    table = Table(
        title=f"{args.bidders} × {args.mb:g} MB, last bytes {args.latest:g}–{args.earliest:g} s before the deadline"
    )
    table.add_column("figure")
    table.add_column("value", justify="right")
    table.add_row("receipts (201)", str(len(receipts)))
    table.add_row("receipts dated before the deadline", str(sum(1 for e in early if e > 0)))
    table.add_row("refused", str(sum(1 for r in answers if r.status_code != 201)))
    table.add_row(
        "receipt time before the deadline, min / max s", f"{min(early, default=0):.3f} / {max(early, default=0):.3f}"
    )
    table.add_row("the opening counts exactly the receipted envelopes", str(counted == receipted and bool(counted)))
    table.add_row(
        "opening began after the deadline (ms)", str(opened_at[0].get("opened_after_deadline_ms") if opened_at else "-")
    )
    table.add_row("every receipt names its envelope", str(receipted == sorted(sm3_hex(e) for e in envelopes)))
    console.print(table)


def _sleep_until(moment: datetime) -> None:
    delay = (moment - datetime.now(UTC)).total_seconds()
    if delay > 0:
        threading.Event().wait(delay)


def _status(settings: object, section_id: str) -> str:
    from sqlalchemy import create_engine, text

    from fairbid.store.database import normalise_url

    engine = create_engine(normalise_url(settings.database_url))  # type: ignore[attr-defined]
    with engine.connect() as conn:
        status = conn.execute(text("SELECT status FROM sections WHERE id = :id"), {"id": section_id}).scalar()
    engine.dispose()
    return str(status)


def _new_pg_database(server_url: str) -> str:
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from fairbid.store.database import normalise_url

    base = make_url(normalise_url(server_url))
    name = f"fairbid_rush_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


if __name__ == "__main__":
    main()
