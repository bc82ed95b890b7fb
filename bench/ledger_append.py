"""The ledger as the platform writes it: trace.record through the real unit of work, against a plain insert.

For each database (SQLite file; PostgreSQL when reachable), in the same run and interleaved in batches:

- plain: one transaction inserting one entry-shaped row (values precomputed, no lock, no hash, no Merkle);
- append: one transaction running ``fairbid.services.trace.record`` (head lock, SM3 entry hash, Merkle leaf
  and node row on the entry) and committing — what every use case pays per entry. Target: within 2×.

Then proofs and verification: inclusion proofs read from the database (``prove_entry``), the full
``verify_ledger`` over the database, and at 1 M entries (in memory) proof size and time and the full
verification (chain, hashes, Merkle tree rebuilt, heads checked).

Run: .venv/bin/python bench/ledger_append.py [--entries N] [--million N] [--pg URL]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fairbid.clock import SimulatedClock
from fairbid.crypto.key import generate_key
from fairbid.domain.actor import Actor, Role
from fairbid.ledger.chain import GENESIS_HASH, EntryContent, LedgerAction, entry_hash, verify_chain
from fairbid.ledger.export import entry_leaf
from fairbid.ledger.head import KeyHeadSigner, sign_tree_head
from fairbid.ledger.merkle import MemoryNodeStore, MerkleTree, leaf_hash, verify_consistency, verify_inclusion
from fairbid.services.ledger import prove_entry, publish_head, verify_ledger
from fairbid.services.trace import record
from fairbid.store.blob import LocalBlobStore
from fairbid.store.database import make_engine, normalise_url
from fairbid.store.migration import upgrade
from fairbid.store.uow import UnitOfWorkFactory

START = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
ACTOR = Actor(role=Role.MACHINE, job="bench")
console = Console(width=120)
_PLAIN_TABLE = """CREATE TABLE bench_plain (
    seq BIGINT PRIMARY KEY, recorded_at TIMESTAMP, actor_kind VARCHAR(8), actor_role VARCHAR(20),
    actor_id VARCHAR(80), organisation_id VARCHAR(36), action VARCHAR(40), subject_type VARCHAR(20),
    subject_id VARCHAR(80), payload TEXT, payload_digest VARCHAR(64), subject_digest VARCHAR(64),
    prev_hash VARCHAR(64), entry_hash VARCHAR(64) UNIQUE, embargo_section_id VARCHAR(36))"""
_PLAIN_INSERT = text(
    "INSERT INTO bench_plain VALUES (:seq, :at, 'machine', 'machine', 'bench', NULL, 'bid:submitted', 'bid', "
    ":sid, :payload, :digest, NULL, :prev, :hash, NULL)"
)


def _us(seconds: float) -> str:
    return f"{seconds * 1e6:,.0f} µs"


def bench_append(url: str, label: str, entries: int, batch: int = 100) -> dict[str, Any]:
    """Interleaved batches of plain inserts and ledger appends, one transaction per entry each."""
    upgrade(url)
    engine = make_engine(url)
    blobs = LocalBlobStore(Path(tempfile.mkdtemp(prefix="fairbid-bench-blobs-")))
    uows = UnitOfWorkFactory(engine, blobs)
    with engine.begin() as conn:
        conn.execute(text(_PLAIN_TABLE))
    now = START
    plain_times: list[float] = []
    append_times: list[float] = []
    ratios: list[float] = []
    n_plain = n_append = 0

    def plain_one(i: int) -> None:
        uow = uows()
        with uow:
            uow.session.execute(
                _PLAIN_INSERT,
                {
                    "seq": i,
                    "at": now,
                    "sid": f"bid-{i}",
                    "payload": '{"price": "1000.50"}',
                    "digest": "ab" * 32,
                    "prev": f"{i:064x}",
                    "hash": f"{i + 1:064x}",
                },
            )
            uow.commit()

    def append_one(i: int) -> None:
        uow = uows()
        with uow:
            record(
                uow,
                actor=ACTOR,
                action=LedgerAction.BID_SUBMITTED,
                subject_type="bid",
                subject_id=f"bid-{i}",
                payload={"price": "1000.50"},
                now=now + timedelta(microseconds=i),
            )
            uow.commit()

    def timed_batch(fn: Callable[[int], None], start: int) -> float:
        t0 = time.perf_counter()
        for i in range(start, start + batch):
            fn(i)
        return (time.perf_counter() - t0) / batch

    with Progress(console=console, transient=True) as progress:
        task = progress.add_task(f"{label}: plain vs append", total=2 * entries)
        while n_append < entries:
            p = timed_batch(plain_one, n_plain)
            n_plain += batch
            a = timed_batch(append_one, n_append)
            n_append += batch
            plain_times.append(p)
            append_times.append(a)
            ratios.append(a / p)
            progress.advance(task, 2 * batch)
    clock = SimulatedClock(now + timedelta(days=1))
    key = generate_key()
    publish_head(uow=uows(), clock=clock, platform_key=key, force=True)
    proof_times = []
    sizes = []
    rng = random.Random(7)
    for _ in range(200):
        seq = rng.randrange(entries)
        t0 = time.perf_counter()
        proof = prove_entry(seq, uow=uows())
        proof_times.append(time.perf_counter() - t0)
        sizes.append(len(proof["inclusion"]))
    t0 = time.perf_counter()
    report = verify_ledger(uow=uows(), actor=ACTOR, verifier=KeyHeadSigner(key))
    verify_s = time.perf_counter() - t0
    assert report.ok, report.first_problem
    engine.dispose()
    return {
        "label": label,
        "entries": entries,
        "plain": statistics.median(plain_times),
        "append": statistics.median(append_times),
        "ratio": statistics.median(ratios),
        "proof": statistics.median(proof_times),
        "proof_hashes": max(sizes),
        "verify": verify_s,
    }


def bench_million(count: int) -> dict[str, Any]:
    """Chain ``count`` entries in memory, build the tree, prove, and verify everything as verify_ledger does."""
    entries: list[tuple[EntryContent, str]] = []
    prev = GENESIS_HASH
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task(f"chain {count:,} entries", total=count)
        for seq in range(count):
            content = EntryContent(
                seq=seq,
                recorded_at=START + timedelta(milliseconds=seq),
                actor_kind="machine",
                actor_role="machine",
                actor_id="bench",
                organisation_id=None,
                action="bid:submitted",
                subject_type="bid",
                subject_id=f"bid-{seq}",
                payload_digest="ab" * 32,
                subject_digest=None,
                prev_hash=prev,
            )
            prev = entry_hash(content)
            entries.append((content, prev))
            if seq % 10_000 == 0:
                progress.update(task, completed=seq)
    store = MemoryNodeStore()
    tree = MerkleTree(store)
    t0 = time.perf_counter()
    for _, digest in entries:
        tree.append(entry_leaf(digest))
    build_s = time.perf_counter() - t0
    key = generate_key()
    head = sign_tree_head(count, tree.root(), now=START + timedelta(days=30), signer=KeyHeadSigner(key))
    rng = random.Random(1)
    inc_build, inc_verify, cons_build, cons_verify = [], [], [], []
    sizes = []
    for _ in range(1000):
        seq = rng.randrange(count)
        t0 = time.perf_counter()
        path = tree.inclusion_proof(seq, count)
        t1 = time.perf_counter()
        verify_inclusion(leaf_hash(entry_leaf(entries[seq][1])), seq, count, path, head.root_hash)
        t2 = time.perf_counter()
        inc_build.append(t1 - t0)
        inc_verify.append(t2 - t1)
        sizes.append(len(path))
        first = rng.randrange(1, count)
        t0 = time.perf_counter()
        cpath = tree.consistency_proof(first, count)
        t1 = time.perf_counter()
        verify_consistency(first, count, cpath, tree.root(first), head.root_hash)
        cons_build.append(t1 - t0)
        cons_verify.append(time.perf_counter() - t1)
    # the full verification verify_ledger runs, minus the database reads: chain and hashes, tree, head
    t0 = time.perf_counter()
    checked, problem = verify_chain((content, digest, None) for content, digest in entries)
    rebuilt = MerkleTree(MemoryNodeStore())
    for _, digest in entries:
        rebuilt.append(entry_leaf(digest))
    assert problem is None and checked == count and rebuilt.root() == head.root_hash
    verify_s = time.perf_counter() - t0
    return {
        "count": count,
        "build": build_s / count,
        "inc_build": statistics.median(inc_build),
        "inc_verify": statistics.median(inc_verify),
        "inc_hashes": max(sizes),
        "cons_build": statistics.median(cons_build),
        "cons_verify": statistics.median(cons_verify),
        "verify": verify_s,
    }


def _pg_database(url: str) -> tuple[str, Callable[[], None]] | None:
    base = make_url(normalise_url(url))
    name = f"fairbid_bench_{uuid.uuid4().hex[:8]}"
    try:
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # no server: the bench runs on SQLite only
        console.print(f"[yellow]PostgreSQL not reachable ({type(exc).__name__}); SQLite only[/]")
        return None

    def drop() -> None:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return base.set(database=name).render_as_string(hide_password=False), drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=2000, help="entries appended per database")
    parser.add_argument("--million", type=int, default=1_000_000, help="entries for the in-memory proofs")
    parser.add_argument(
        "--pg", default=os.environ.get("FAIRBID_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
    )
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        results.append(bench_append(f"sqlite:///{tmp}/bench.db", "SQLite (file, WAL)", args.entries))
    pg = _pg_database(args.pg)
    if pg is not None:
        url, drop = pg
        try:
            results.append(bench_append(url, "PostgreSQL", args.entries))
        finally:
            drop()
    table = Table(title="Ledger append through the unit of work (one transaction per entry)")
    for col in (
        "database",
        "entries",
        "plain insert",
        "trace.record",
        "ratio (median of batches)",
        "proof from DB",
        "proof hashes",
        "verify_ledger",
        "per entry",
    ):
        table.add_column(col, justify="right")
    for r in results:
        table.add_row(
            r["label"],
            f"{r['entries']:,}",
            _us(r["plain"]),
            _us(r["append"]),
            f"{r['ratio']:.2f}×",
            _us(r["proof"]),
            str(r["proof_hashes"]),
            f"{r['verify']:.2f} s",
            _us(r["verify"] / r["entries"]),
        )
    console.print(table)
    m = bench_million(args.million)
    t = Table(title=f"{m['count']:,} entries in memory")
    t.add_column("figure")
    t.add_column("value", justify="right")
    t.add_row("tree append per entry", _us(m["build"]))
    t.add_row("inclusion proof: build / verify (median of 1,000)", f"{_us(m['inc_build'])} / {_us(m['inc_verify'])}")
    t.add_row("inclusion proof size", f"{m['inc_hashes']} hashes = {32 * m['inc_hashes']} bytes")
    t.add_row("consistency proof: build / verify", f"{_us(m['cons_build'])} / {_us(m['cons_verify'])}")
    t.add_row(
        "full verification (chain, hashes, tree, head)", f"{m['verify']:.1f} s ({_us(m['verify'] / m['count'])}/entry)"
    )
    console.print(t)


if __name__ == "__main__":
    main()
