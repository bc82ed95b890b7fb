"""The ledger as the platform writes it: uow.record through the real unit of work, against a plain insert.

For each database (SQLite file; PostgreSQL when reachable), in the same run and interleaved in batches:

- plain: one transaction inserting one entry-shaped row (values precomputed, no lock, no hash, no Merkle);
- append: one transaction running ``SqlUnitOfWork.record`` (head lock, SM3 entry hash, Merkle leaf
  and node row on the entry) and committing — what every use case pays per entry. Target: within 2×.

Then proofs read from the database as the API serves them, each in its own unit of work: inclusion proofs
of random entries against the newest head (``prove_entry``, target: single-digit milliseconds) and the
consistency proof between the two heads (``consistency_proof``), median and p95, every one checked
(``verify_receipt_proof``, ``verify_consistency``) outside the timing; "÷ plain insert" is the proof's
median over the plain insert's (a proof reads, an insert commits: with SQLite's synchronous=FULL the insert
is mostly an fsync, so this says more about the disk than about the proof). Then the full ``verify_ledger``
over the database (median of three), and at 1 M entries (in memory) proof size and time and the full
verification (chain, hashes, Merkle tree rebuilt, heads checked). The load average is printed with each
database: on a shared machine every absolute figure moves with it.

Run: .venv/bin/python bench/ledger_append.py [--entries N] [--proofs N] [--million N (0: skip)]
     [--pg URL] [--only sqlite|postgresql]
(--pg, default $FAIRBID_BENCH_PG_URL or postgresql://postgres@127.0.0.1:5432/test, is the server; the bench
creates a scratch database on it and drops it afterwards.)
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
from fairbid.ledger.export import entry_leaf, verify_receipt_proof
from fairbid.ledger.head import KeyHeadSigner, SignedTreeHead, sign_tree_head
from fairbid.ledger.merkle import MemoryNodeStore, MerkleTree, leaf_hash, verify_consistency, verify_inclusion
from fairbid.ledger.snapshot import SubjectType
from fairbid.services.oversight.ledger import consistency_proof, prove_entry, publish_head, verify_ledger
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


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def _load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def bench_append(url: str, label: str, entries: int, proofs: int, batch: int = 100) -> dict[str, Any]:
    """Interleaved batches of plain inserts and ledger appends, one transaction per entry each; then proofs."""
    load_before = _load()
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
            uow.record(
                actor=ACTOR,
                action=LedgerAction.BID_SUBMITTED,
                subject_type=SubjectType.BID,
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

    clock = SimulatedClock(now + timedelta(days=1))
    key = generate_key()
    signer = KeyHeadSigner(key)
    heads: list[SignedTreeHead | None] = []
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
            if not heads and n_append >= entries // 2:  # a first head halfway (untimed), for a consistency proof
                heads.append(publish_head(uow=uows(), clock=clock, platform_key=key, force=True))
    clock.advance(timedelta(seconds=1))
    heads.append(publish_head(uow=uows(), clock=clock, platform_key=key, force=True))
    first, second = heads
    assert first is not None and second is not None and second.tree_size == n_append
    proof_times: list[float] = []
    cons_times: list[float] = []
    sizes = []
    rng = random.Random(7)
    for i in range(proofs + 20):  # the first 20 warm the pool and the statement caches, untimed
        seq = rng.randrange(n_append)
        t0 = time.perf_counter()
        proof = prove_entry(seq, uow=uows())
        t1 = time.perf_counter()
        path = consistency_proof(first.tree_size, second.tree_size, uow=uows())
        t2 = time.perf_counter()
        if i >= 20:
            proof_times.append(t1 - t0)
            cons_times.append(t2 - t1)
        # every proof checked, outside the timing: signed head, audit path, consistency path
        assert verify_receipt_proof(proof, signer) == second
        verify_consistency(
            first.tree_size, second.tree_size, [bytes.fromhex(h) for h in path], first.root_hash, second.root_hash
        )
        sizes.append(len(proof["inclusion"]))
    verify_times = []
    for _ in range(3):  # the median of three: the first also compiles the ORM loads the proofs no longer use
        t0 = time.perf_counter()
        report = verify_ledger(uow=uows(), actor=ACTOR, verifier=signer)
        verify_times.append(time.perf_counter() - t0)
        assert report.ok, report.first_problem
    verify_s = statistics.median(verify_times)
    engine.dispose()
    return {
        "label": label,
        "entries": entries,
        "plain": statistics.median(plain_times),
        "append": statistics.median(append_times),
        "ratio": statistics.median(ratios),
        "ratio_iqr": statistics.quantiles(ratios, n=4, method="inclusive")[::2],
        "proofs": proofs,
        "proof": statistics.median(proof_times),
        "proof_p95": _p95(proof_times),
        "proof_hashes": max(sizes),
        "cons": statistics.median(cons_times),
        "cons_p95": _p95(cons_times),
        "cons_sizes": (first.tree_size, second.tree_size),
        "verify": verify_s,
        "load": f"{load_before} → {_load()}",
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
                subject_type=SubjectType.BID,
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
    parser.add_argument("--proofs", type=int, default=1000, help="inclusion and consistency proofs timed per database")
    parser.add_argument(
        "--million", type=int, default=1_000_000, help="entries for the in-memory proofs (0: skip that part)"
    )
    parser.add_argument(
        "--pg",
        default=os.environ.get("FAIRBID_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/test"),
        help="PostgreSQL server URL (a scratch database is created on it and dropped)",
    )
    parser.add_argument("--only", choices=("sqlite", "postgresql"), help="run one database only")
    args = parser.parse_args()
    if args.entries < 200 or args.proofs < 2:
        parser.error("--entries must be at least 200 (a head halfway and one at the end), --proofs at least 2")
    results = []
    if args.only != "postgresql":
        with tempfile.TemporaryDirectory() as tmp:
            results.append(bench_append(f"sqlite:///{tmp}/bench.db", "SQLite", args.entries, args.proofs))
    pg = _pg_database(args.pg) if args.only != "sqlite" else None
    if pg is not None:
        url, drop = pg
        try:
            results.append(bench_append(url, "PostgreSQL", args.entries, args.proofs))
        finally:
            drop()
    table = Table(title="Ledger append through the unit of work (SQLite: file, WAL; one transaction per entry)")
    for col in (
        "database",
        "entries",
        "plain insert",
        "uow.record",
        "ratio",
        "ratio IQR",
        "verify_ledger",
        "load 1/5/15",
    ):
        table.add_column(col, justify="right")
    for r in results:
        lo, hi = r["ratio_iqr"]
        table.add_row(
            r["label"],
            f"{r['entries']:,}",
            _us(r["plain"]),
            _us(r["append"]),
            f"{r['ratio']:.2f}×",
            f"{lo:.2f}–{hi:.2f}×",
            f"{r['verify']:.2f} s",
            r["load"],
        )
    console.print(table)
    title = "Proofs from the database, one unit of work each, every one verified (untimed)"
    if results:
        a, b = results[0]["cons_sizes"]
        title += f"; consistency {a:,} → {b:,}"
    table = Table(title=title)
    for col in (
        "database",
        "proofs",
        "inclusion median",
        "p95",
        "hashes",
        "÷ plain insert",
        "consistency median",
        "p95",
    ):
        table.add_column(col, justify="right")
    for r in results:
        table.add_row(
            r["label"],
            f"{r['proofs']:,}",
            _us(r["proof"]),
            _us(r["proof_p95"]),
            str(r["proof_hashes"]),
            f"{r['proof'] / r['plain']:.2f}",
            _us(r["cons"]),
            _us(r["cons_p95"]),
        )
    console.print(table)
    if args.million <= 0:
        return
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
