"""The ledger's Merkle layer at 1 M entries: append, proof size and time, full verification of an export.

Then, in one SQLite database in the same run: a plain INSERT of the entry row against the ledger append
(entry row + its Merkle node row, or the node hashes as a column of the entry row, or nodes written by a
batching sequencer), one transaction per entry as a service commits (target: within 2× of the plain
insert); in memory (the worst case for the ratio) and in a WAL file.

Run: .venv/bin/python bench/ledger_merkle.py [--entries N] [--sqlite-entries N] [--sqlite-file-entries N]
"""

from __future__ import annotations

import argparse
import gc
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import astuple
from pathlib import Path
from typing import Any

from gmssl_pyx import sm2_key_generate, sm2_sign
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # runnable without installing fairbid

from datetime import UTC, datetime, timedelta

from fairbid.crypto.digest import canonical_json, sm3_hex
from fairbid.ledger import verifier
from fairbid.ledger.chain import GENESIS_HASH, EntryContent, entry_hash
from fairbid.ledger.export import build_export, entry_json, entry_leaf
from fairbid.ledger.head import SignedTreeHead, sign_tree_head
from fairbid.ledger.merkle import (
    MemoryNodeStore,
    MerkleTree,
    NodeStore,
    verify_consistency,
    verify_inclusion,
)
from fairbid.ledger.snapshot import SubjectType

START = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
console = Console(width=120)


class _Signer:
    def __init__(self) -> None:
        self.public_key, self._private = sm2_key_generate()

    def sign(self, message: bytes) -> bytes:
        return bytes(sm2_sign(self._private, self.public_key, message))

    def verify(self, message: bytes, signature: bytes) -> None:  # not used here
        raise NotImplementedError


def _content(seq: int, prev: str) -> EntryContent:
    return EntryContent(
        seq=seq,
        recorded_at=START + timedelta(milliseconds=seq * 37),
        actor_kind="person" if seq % 3 else "machine",
        actor_role="bidder" if seq % 3 else "system",
        actor_id=f"user-{seq % 997}" if seq % 3 else "job:opening",
        organisation_id=f"org-{seq % 101}" if seq % 3 else None,
        action="bid:submitted",
        subject_type=SubjectType.BID,
        subject_id=f"bid-{seq}",
        payload_digest=f"{seq:064x}",
        subject_digest=None,
        prev_hash=prev,
    )


def _chain(count: int) -> list[tuple[EntryContent, str]]:
    out = []
    prev = GENESIS_HASH
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("hash-chaining entries", total=count)
        for seq in range(count):
            item = _content(seq, prev)
            # Same bytes as chain.entry_hash (checked below) without dataclasses.asdict's deep copy.
            fields = entry_json(item, "")
            del fields["entry_hash"]
            prev = sm3_hex(canonical_json(fields))
            if seq < 100 and prev != entry_hash(item):
                raise SystemExit("the bench's entry hash differs from chain.entry_hash")
            out.append((item, prev))
            if seq % 10_000 == 0:
                progress.update(task, completed=seq)
    return out


def _median_us(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1e6:,.0f} µs"


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def bench_memory(
    chain: list[tuple[EntryContent, str]], samples: int, signer: _Signer
) -> tuple[MerkleTree, list[SignedTreeHead]]:
    """Build the tree in memory, then time proofs at full size."""
    count = len(chain)
    tree = MerkleTree(MemoryNodeStore())
    heads: list[SignedTreeHead] = []
    head_every = max(count // 10, 1)
    appending = 0.0
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task(f"appending {count:,} leaves", total=count)
        for seq, (_, digest) in enumerate(chain):
            leaf = entry_leaf(digest)
            started = time.perf_counter()
            tree.append(leaf)
            appending += time.perf_counter() - started
            if tree.size % head_every == 0 or tree.size == count:
                now = START + timedelta(seconds=seq)
                heads.append(sign_tree_head(tree.size, tree.root(), now=now, signer=signer))
            if seq % 10_000 == 0:
                progress.update(task, completed=seq)
    rng = random.Random(6)
    size = tree.size
    root = tree.root()
    incl_make, incl_check, incl_len = [], [], []
    for _ in range(samples):
        index = rng.randrange(size)
        elapsed, path = _timed(lambda index=index: tree.inclusion_proof(index, size))  # type: ignore[misc]
        incl_make.append(elapsed)
        incl_len.append(len(path))
        leaf = tree.leaf(index)
        started = time.perf_counter()
        verify_inclusion(leaf, index, size, path, root)
        incl_check.append(time.perf_counter() - started)
    cons_make, cons_check, cons_len = [], [], []
    for _ in range(samples):
        first = rng.randrange(1, size)
        elapsed, path = _timed(lambda first=first: tree.consistency_proof(first, size))  # type: ignore[misc]
        cons_make.append(elapsed)
        cons_len.append(len(path))
        old_root = tree.root(first)
        started = time.perf_counter()
        verify_consistency(first, size, path, old_root, root)
        cons_check.append(time.perf_counter() - started)
    table = Table(title=f"Merkle tree, {size:,} leaves in memory (medians over {samples:,})")
    for column in ("what", "figure"):
        table.add_column(column)
    table.add_row("append (leaf hash + node hashes + row)", f"{appending / count * 1e6:.2f} µs/entry")
    table.add_row("inclusion proof: build", _median_us(incl_make))
    table.add_row("inclusion proof: verify", _median_us(incl_check))
    table.add_row(
        "inclusion proof: size",
        f"{statistics.median(incl_len):.0f} hashes = "
        f"{statistics.median(incl_len) * 32:.0f} bytes (max {max(incl_len)})",
    )
    table.add_row("consistency proof: build", _median_us(cons_make))
    table.add_row("consistency proof: verify", _median_us(cons_check))
    table.add_row(
        "consistency proof: size",
        f"{statistics.median(cons_len):.0f} hashes = "
        f"{statistics.median(cons_len) * 32:.0f} bytes (max {max(cons_len)})",
    )
    table.add_row("root at an old size", _median_us([_timed(lambda: tree.root(size // 3))[0] for _ in range(99)]))
    console.print(table)
    return tree, heads


def bench_verify(
    chain: list[tuple[EntryContent, str]], tree: MerkleTree, heads: list[SignedTreeHead], key: bytes
) -> None:
    """Full verification of an export of every entry by the standalone verifier."""
    with console.status("building the export"):
        entries = [entry_json(item, digest) for item, digest in chain]
        picks = range(0, len(chain), len(chain) // 100 or 1)
        export = build_export(entries, tree=tree, heads=heads, inclusion=picks)
    gc.freeze()
    with console.status(f"verifying {len(entries):,} entries"):
        elapsed, summary = _timed(lambda: verifier.verify_export(export, key))
    console.print(
        f"full verification: {summary.entries:,} entries, {summary.heads} heads, "
        f"{summary.consistency_proofs} consistency + {summary.inclusion_proofs} inclusion proofs in "
        f"[bold]{elapsed:.1f} s[/] ({elapsed / summary.entries * 1e6:.1f} µs/entry)"
    )


class SqliteNodeStore:
    """``NodeStore`` over a ``ledger_node(seq INTEGER PRIMARY KEY, hashes BLOB)`` table (reference design)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        db.execute("CREATE TABLE IF NOT EXISTS ledger_node (seq INTEGER PRIMARY KEY, hashes BLOB NOT NULL)")

    def size(self) -> int:
        return int(self._db.execute("SELECT COALESCE(MAX(seq) + 1, 0) FROM ledger_node").fetchone()[0])

    def append(self, index: int, hashes: bytes) -> None:
        self._db.execute("INSERT INTO ledger_node (seq, hashes) VALUES (?, ?)", (index, hashes))

    def rows(self, indices: Collection[int]) -> Mapping[int, bytes]:
        wanted = list(indices)
        marks = ",".join("?" * len(wanted))
        found = self._db.execute(f"SELECT seq, hashes FROM ledger_node WHERE seq IN ({marks})", wanted)
        return dict(found.fetchall())


class _BufferedNodeStore(SqliteNodeStore):
    """Rows buffered and written with one executemany: a sequencer integrating entries in batches."""

    def __init__(self, db: sqlite3.Connection) -> None:
        super().__init__(db)
        self._db.execute("CREATE TABLE ledger_node_batched (seq INTEGER PRIMARY KEY, hashes BLOB NOT NULL)")
        self._pending: list[tuple[int, bytes]] = []

    def append(self, index: int, hashes: bytes) -> None:
        self._pending.append((index, hashes))

    def flush(self) -> None:
        self._db.executemany("INSERT INTO ledger_node_batched (seq, hashes) VALUES (?, ?)", self._pending)
        self._pending.clear()


class _ColumnNodeStore:
    """Node hashes as a column of the entry row itself: the append hands them to the entry INSERT."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        self.pending = b""

    def size(self) -> int:
        return int(self._db.execute("SELECT COALESCE(MAX(seq) + 1, 0) FROM entry_col").fetchone()[0])

    def append(self, index: int, hashes: bytes) -> None:
        self.pending = hashes

    def rows(self, indices: Collection[int]) -> Mapping[int, bytes]:
        wanted = list(indices)
        marks = ",".join("?" * len(wanted))
        found = self._db.execute(f"SELECT seq, merkle FROM entry_col WHERE seq IN ({marks})", wanted)
        return dict(found.fetchall())


_COLUMNS = (
    "seq INTEGER PRIMARY KEY, recorded_at TEXT, actor_kind TEXT, actor_role TEXT, actor_id TEXT, "
    "organisation_id TEXT, action TEXT, subject_type TEXT, subject_id TEXT, payload_digest TEXT, "
    "subject_digest TEXT, prev_hash TEXT, entry_hash TEXT"
)
_MARKS = ",".join("?" * 13)


def bench_sqlite(chain: list[tuple[EntryContent, str]], path: str) -> None:
    """Plain entry INSERT vs ledger append, same database, one transaction per entry."""
    db = sqlite3.connect(path, isolation_level=None)
    if path != ":memory:":
        db.execute("PRAGMA journal_mode=WAL")
    db.execute(f"CREATE TABLE entry_plain ({_COLUMNS})")
    db.execute(f"CREATE TABLE entry_tree ({_COLUMNS})")
    db.execute(f"CREATE TABLE entry_col ({_COLUMNS}, merkle BLOB NOT NULL)")
    rows = [(*astuple(item)[:1], item.recorded_at.isoformat(), *astuple(item)[2:], digest) for item, digest in chain]
    node_tree = MerkleTree(SqliteNodeStore(db))
    column_store = _ColumnNodeStore(db)
    column_tree = MerkleTree(column_store)
    buffered = _BufferedNodeStore(db)
    sequenced = MerkleTree(buffered)

    def plain(row: tuple[Any, ...]) -> None:
        db.execute("BEGIN")
        db.execute(f"INSERT INTO entry_plain VALUES ({_MARKS})", row)
        db.execute("COMMIT")

    def with_node_row(row: tuple[Any, ...]) -> None:
        db.execute("BEGIN")
        db.execute(f"INSERT INTO entry_tree VALUES ({_MARKS})", row)
        node_tree.append(entry_leaf(row[-1]))
        db.execute("COMMIT")

    def with_column(row: tuple[Any, ...]) -> None:
        db.execute("BEGIN")
        column_tree.append(entry_leaf(row[-1]))
        db.execute(f"INSERT INTO entry_col VALUES ({_MARKS},?)", (*row, column_store.pending))
        db.execute("COMMIT")

    def sequencer(row: tuple[Any, ...]) -> None:
        db.execute("BEGIN")
        db.execute(f"INSERT INTO entry_seq VALUES ({_MARKS})", row)
        db.execute("COMMIT")
        sequenced.append(entry_leaf(row[-1]))
        if sequenced.size % 100 == 0:
            db.execute("BEGIN")
            buffered.flush()
            db.execute("COMMIT")

    db.execute(f"CREATE TABLE entry_seq ({_COLUMNS})")
    variants: list[tuple[str, Callable[[tuple[Any, ...]], None]]] = [
        ("plain INSERT of the entry row", plain),
        ("entry row + Merkle node row", with_node_row),
        ("entry row with Merkle column", with_column),
        ("entry row; node rows flushed per 100", sequencer),
    ]
    spent: dict[str, list[float]] = {name: [] for name, _ in variants}
    batch = 1_000
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task(f"SQLite: {len(rows):,} entries × {len(variants)} ways", total=len(rows))
        # Interleaved in small batches, the ratio taken per batch and its median reported: load from other
        # processes on the machine hits every variant of a batch alike and drops out of the ratio.
        for start in range(0, len(rows), batch):
            for name, insert in variants:
                began = time.perf_counter()
                for row in rows[start : start + batch]:
                    insert(row)
                spent[name].append((time.perf_counter() - began) / len(rows[start : start + batch]))
            progress.update(task, completed=start + batch)
    size = node_tree.size
    rng = random.Random(9)
    proof_times = [_timed(lambda: node_tree.inclusion_proof(rng.randrange(size), size))[0] for _ in range(500)]
    cons_times = [_timed(lambda: node_tree.consistency_proof(rng.randrange(1, size), size))[0] for _ in range(500)]
    where = "in memory" if path == ":memory:" else "file, WAL, synchronous=FULL"
    table = Table(title=f"SQLite {where}, {len(rows):,} entries, one transaction each")
    for column in ("what", "per entry (median batch)", "ratio (median over batches)"):
        table.add_column(column)
    base = spent[variants[0][0]]
    for name, _ in variants:
        ratio = statistics.median(t / b for t, b in zip(spent[name], base, strict=True))
        table.add_row(name, f"{statistics.median(spent[name]) * 1e6:.1f} µs", f"{ratio:.2f}×")
    table.add_row("inclusion proof from SQLite (median)", _median_us(proof_times), "")
    table.add_row("consistency proof from SQLite (median)", _median_us(cons_times), "")
    console.print(table)
    _reopen_check(db, node_tree)


def _reopen_check(db: sqlite3.Connection, tree: MerkleTree) -> None:
    store: NodeStore = SqliteNodeStore(db)
    elapsed, reopened = _timed(lambda: MerkleTree(store))
    if reopened.root() != tree.root():
        raise SystemExit("reopened tree has another root")
    console.print(f"reopening the tree from SQLite (frontier load): {elapsed * 1e3:.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--sqlite-entries", type=int, default=200_000)
    parser.add_argument("--sqlite-file-entries", type=int, default=20_000)
    parser.add_argument("--samples", type=int, default=2_000)
    args = parser.parse_args()
    elapsed, chain = _timed(lambda: _chain(args.entries))
    gc.collect()
    gc.freeze()  # a million long-lived entries: keep full collections from adding noise to every timing
    console.print(f"hash-chained {len(chain):,} entries in {elapsed:.1f} s")
    signer = _Signer()
    tree, heads = bench_memory(chain, args.samples, signer)
    bench_verify(chain, tree, heads, signer.public_key)
    bench_sqlite(chain[: args.sqlite_entries], ":memory:")
    with tempfile.TemporaryDirectory() as folder:
        bench_sqlite(chain[: args.sqlite_file_entries], str(Path(folder) / "ledger.db"))


if __name__ == "__main__":
    main()
