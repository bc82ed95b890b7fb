"""The ledger's Merkle log in the database: node rows on ``ledger_entries.merkle_nodes``, signed heads.

``SqlNodeStore`` is the ``fairbid.ledger.merkle.NodeStore`` over the entry table (option 1 of docs/ledger.md):
the row a new leaf completes is held until the entry row is inserted with it, in the same unit of work, so
an entry and its Merkle nodes commit together or not at all. ``HeadRepository`` keeps every signed tree head
ever published (the public page shows them all, so a split view is caught when two readers compare)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Collection, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, insert, select, text
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from fairbid.ledger.chain import GENESIS_HASH, EntryContent, StoredEntry
from fairbid.ledger.head import SignedTreeHead
from fairbid.ledger.merkle import MerkleTree
from fairbid.ledger.sealed import SealedRecord
from fairbid.store.rows import (
    LedgerEntryRow,
    LedgerHeadRow,
    SealedEntryRow,
)

__all__ = [
    "CHRONOGRAPH_JOB",
    "FRONTIERS",
    "FrontierCache",
    "HeadRepository",
    "LedgerRepository",
    "SealedEntryRepository",
    "SqlNodeStore",
    "backfill_merkle_nodes",
    "insert_entry",
    "lock_ledger",
]


_ENTRIES = cast(Table, LedgerEntryRow.__table__)

_HEADS = cast(Table, LedgerHeadRow.__table__)

# Statements are built once and run as Core on the session's connection: building an ORM statement and
# loading ORM rows cost more than SQLite's insert, and several times a proof's whole query on PostgreSQL.
_INSERT = insert(_ENTRIES)

# no parameters, so sent as driver SQL: no compiled-cache lookup (about 10 µs of a 200 µs SQLite append)
_HEAD = "SELECT seq, entry_hash FROM ledger_entries ORDER BY seq DESC LIMIT 1"

CHRONOGRAPH_JOB = "chronograph"  # the actor ID of the chronograph's entries (services.chronograph.CHRONOGRAPH)

_PG_LOCK = "SELECT pg_advisory_xact_lock(4207001)"  # the lock of LedgerRepository.lock_head

_NODE_ROWS = select(_ENTRIES.c.seq, _ENTRIES.c.merkle_nodes).where(
    _ENTRIES.c.seq.in_(bindparam("seqs", expanding=True))
)

_ENTRY_HASH = select(_ENTRIES.c.entry_hash).where(_ENTRIES.c.seq == bindparam("seq"))

_HEAD_COLUMNS = (_HEADS.c.tree_size, _HEADS.c.root_hash, _HEADS.c.timestamp_ms, _HEADS.c.signature)

_LATEST_HEAD = select(*_HEAD_COLUMNS).order_by(_HEADS.c.tree_size.desc()).limit(1)

_latest = _LATEST_HEAD.subquery()

# the newest head and one entry's hash in one round trip (no row at all when no head is published)
_LATEST_HEAD_AND_ENTRY = select(
    _latest.c.tree_size,
    _latest.c.root_hash,
    _latest.c.timestamp_ms,
    _latest.c.signature,
    _ENTRY_HASH.scalar_subquery(),
)

_HEAD_OF_SIZE = select(_HEADS.c.tree_size).where(_HEADS.c.tree_size == bindparam("size"))


def lock_ledger(session: Session) -> tuple[int, str | None]:
    """Serialise appenders and return (last seq, its hash), as ``LedgerRepository.lock_head`` does, in Core."""
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(_PG_LOCK)
    row = conn.exec_driver_sql(_HEAD).first()
    return (-1, None) if row is None else (int(row[0]), str(row[1]))


class SqlNodeStore:
    """Merkle node rows stored on the entry rows; ``append`` holds the row until the entry is inserted."""

    def __init__(self, session: Session, size: int) -> None:
        self.session = session
        self._size = size
        self.pending: dict[int, bytes] = {}

    def size(self) -> int:
        return self._size

    def append(self, index: int, hashes: bytes) -> None:
        if index != self._size:
            raise ValueError(f"row {index} appended to a store of {self._size} rows")
        self.pending[index] = hashes
        self._size += 1

    def rows(self, indices: Collection[int]) -> Mapping[int, bytes]:
        out = {i: self.pending[i] for i in indices if i in self.pending}
        wanted = [i for i in indices if i not in out]
        if wanted:
            for seq, nodes in self.session.connection().execute(_NODE_ROWS, {"seqs": wanted}):
                if nodes is None:
                    raise RuntimeError(f"ledger entry {seq} has no Merkle nodes (written before the Merkle log)")
                out[seq] = bytes(nodes)
        missing = set(indices) - out.keys()
        if missing:
            raise RuntimeError(f"ledger entries {sorted(missing)} are missing from the Merkle log")
        return out

    @classmethod
    def current(cls, session: Session) -> SqlNodeStore:
        """The store over every entry now in the table (its size is the highest ``seq`` + 1)."""
        top = session.scalar(select(func.max(LedgerEntryRow.seq)))
        return cls(session, 0 if top is None else top + 1)


def insert_entry(
    session: Session,
    content: EntryContent,
    *,
    entry_hash: str,
    payload: dict[str, Any],
    embargo_section_id: str | None,
    merkle_nodes: bytes,
) -> None:
    """Insert one entry row with its Merkle nodes: one INSERT statement in the session's transaction."""
    session.connection().execute(
        _INSERT,
        {
            "seq": content.seq,
            "recorded_at": content.recorded_at,
            "actor_kind": content.actor_kind,
            "actor_role": content.actor_role,
            "actor_id": content.actor_id,
            "organisation_id": content.organisation_id,
            "action": content.action,
            "subject_type": content.subject_type,
            "subject_id": content.subject_id,
            "payload": payload,
            "payload_digest": content.payload_digest,
            "subject_digest": content.subject_digest,
            "prev_hash": content.prev_hash,
            "entry_hash": entry_hash,
            "embargo_section_id": embargo_section_id,
            "merkle_nodes": merkle_nodes,
        },
    )


def backfill_merkle_nodes(session: Session) -> int:
    """Write the Merkle nodes of entries recorded before the Merkle log (``merkle_nodes`` NULL); return how many.

    The nodes are recomputed from the entry hashes in order, so the tree is the one the entries determine.
    """
    from fairbid.ledger.merkle import MemoryNodeStore, MerkleTree

    missing = session.scalar(select(func.count()).where(LedgerEntryRow.merkle_nodes.is_(None)))
    if not missing:
        return 0
    nodes = MemoryNodeStore()
    tree = MerkleTree(nodes)
    updates = []
    for seq, digest, stored in session.execute(
        select(LedgerEntryRow.seq, LedgerEntryRow.entry_hash, LedgerEntryRow.merkle_nodes).order_by(LedgerEntryRow.seq)
    ):
        tree.append(bytes.fromhex(digest))
        if stored is None:
            updates.append({"s": seq, "n": nodes.row(seq)})
    session.connection().execute(text("UPDATE ledger_entries SET merkle_nodes = :n WHERE seq = :s"), updates)
    return len(updates)


class FrontierCache:
    """The tree's frontier after each append, keyed by (database, size, hash of the last entry).

    The last entry's hash commits to the whole chain, hence to every leaf, hence to the frontier: a hit can
    only be the frontier of the tree now in the database, and an append whose transaction rolled back is
    simply never looked up again. A miss reads the frontier from at most ``log2 n`` node rows.
    """

    def __init__(self, capacity: int = 256) -> None:
        self._lock = threading.Lock()
        self._items: OrderedDict[tuple[str, int, str], tuple[bytes, ...]] = OrderedDict()
        self._capacity = capacity

    def get(self, database: str, size: int, last_hash: str | None) -> tuple[bytes, ...] | None:
        if last_hash is None:
            return () if size == 0 else None
        with self._lock:
            return self._items.get((database, size, last_hash))

    def put(self, database: str, size: int, last_hash: str, frontier: Sequence[bytes]) -> None:
        with self._lock:
            self._items[(database, size, last_hash)] = tuple(frontier)
            while len(self._items) > self._capacity:
                self._items.popitem(last=False)


FRONTIERS = FrontierCache()


def _head(row: LedgerHeadRow | Row[Any]) -> SignedTreeHead:  # an ORM row or a Core row of its columns
    return SignedTreeHead(
        tree_size=int(row.tree_size),
        root_hash=bytes.fromhex(row.root_hash),
        timestamp_ms=int(row.timestamp_ms),
        signature=bytes.fromhex(row.signature),
    )


class HeadRepository:
    """Signed tree heads, one per published tree size, oldest first."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, head: SignedTreeHead, *, suite: str, published_at: datetime) -> None:
        self.session.add(
            LedgerHeadRow(
                tree_size=head.tree_size,
                root_hash=head.root_hash.hex(),
                timestamp_ms=head.timestamp_ms,
                signature=head.signature.hex(),
                suite=suite,
                published_at=published_at,
            )
        )
        self.session.flush()

    def latest(self) -> SignedTreeHead | None:
        """The newest head (the largest), or ``None`` before the first is published."""
        row = self.session.connection().execute(_LATEST_HEAD).first()
        return None if row is None else _head(cast(Row[Any], row))

    def latest_and_entry(self, seq: int) -> tuple[SignedTreeHead | None, str | None]:
        """The newest head and the ``entry_hash`` of entry ``seq`` (``None`` if there is no such entry).

        One query while a head exists (what a proof or a receipt reads first); a second one, for the entry
        alone, only before the first head is published.
        """
        conn = self.session.connection()
        row = conn.execute(_LATEST_HEAD_AND_ENTRY, {"seq": seq}).first()
        if row is not None:
            return _head(cast(Row[Any], row)), row[4]
        return None, conn.execute(_ENTRY_HASH, {"seq": seq}).scalar()

    def has_size(self, tree_size: int) -> bool:
        """Whether a head of ``tree_size`` entries was published."""
        return self.session.connection().execute(_HEAD_OF_SIZE, {"size": tree_size}).first() is not None

    def all(self) -> list[SignedTreeHead]:
        return [_head(r) for r in self.session.scalars(select(LedgerHeadRow).order_by(LedgerHeadRow.tree_size))]

    def published(self) -> list[tuple[SignedTreeHead, datetime]]:
        rows = self.session.scalars(select(LedgerHeadRow).order_by(LedgerHeadRow.tree_size))
        return [(_head(r), r.published_at) for r in rows]

    def changed_since(self, seq: int, *, action_prefix: str) -> bool:
        """Whether the chronograph made any entry from ``seq`` on with an action starting with ``action_prefix``.

        Only the chronograph's, which fire at published times: a person (or a machine check a person starts)
        can touch a section whenever they like, and a head after each would let them measure how many entries
        (mostly sealed bids) arrived in between."""
        stmt = (
            select(LedgerEntryRow.seq)
            .where(
                LedgerEntryRow.seq >= seq,
                LedgerEntryRow.action.startswith(action_prefix),
                LedgerEntryRow.actor_kind == "machine",
                LedgerEntryRow.actor_id == CHRONOGRAPH_JOB,
            )
            .limit(1)
        )
        return self.session.scalar(stmt) is not None


class SealedEntryRepository:
    """Entries about sealed bids, per section, until the opening appends them to the ledger."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def last(self, section_id: str) -> SealedEntryRow | None:
        """The section's newest sealed entry (the caller holds the section's lock)."""
        stmt = (
            select(SealedEntryRow)
            .where(SealedEntryRow.section_id == section_id)
            .order_by(SealedEntryRow.position.desc())
            .limit(1)
        )
        return self.session.scalar(stmt)

    def add(self, row: SealedEntryRow) -> None:
        self.session.add(row)
        self.session.flush()

    def in_section(self, section_id: str) -> list[SealedEntryRow]:
        stmt = select(SealedEntryRow).where(SealedEntryRow.section_id == section_id).order_by(SealedEntryRow.position)
        return list(self.session.scalars(stmt))

    def all(self) -> list[SealedEntryRow]:
        stmt = select(SealedEntryRow).order_by(SealedEntryRow.section_id, SealedEntryRow.position)
        return list(self.session.scalars(stmt))

    def get(self, commitment: str) -> SealedEntryRow | None:
        return self.session.get(SealedEntryRow, commitment)

    def records(self) -> list[SealedRecord]:
        """Every sealed entry as ``ledger.sealed.check_sealed`` reads it, by section and position."""
        return [_sealed_record(r) for r in self.all()]

    def find(self, commitment: str) -> SealedRecord | None:
        row = self.get(commitment)
        return None if row is None else _sealed_record(row)


def _sealed_record(row: SealedEntryRow) -> SealedRecord:
    content = EntryContent(
        seq=-1,
        prev_hash=GENESIS_HASH,
        recorded_at=row.recorded_at,
        actor_kind=row.actor_kind,
        actor_role=row.actor_role,
        actor_id=row.actor_id,
        organisation_id=row.organisation_id,
        action=row.action,
        subject_type=row.subject_type,
        subject_id=row.subject_id,
        payload_digest=row.payload_digest,
        subject_digest=row.subject_digest,
    )
    return SealedRecord(row.section_id, row.position, row.commitment, row.link, content, row.payload, row.released_seq)


def _stored(row: LedgerEntryRow) -> StoredEntry:
    return StoredEntry(
        seq=row.seq,
        recorded_at=row.recorded_at,
        actor_kind=row.actor_kind,
        actor_role=row.actor_role,
        actor_id=row.actor_id,
        organisation_id=row.organisation_id,
        action=row.action,
        subject_type=row.subject_type,
        subject_id=row.subject_id,
        payload_digest=row.payload_digest,
        subject_digest=row.subject_digest,
        prev_hash=row.prev_hash,
        entry_hash=row.entry_hash,
        payload=row.payload,
        merkle_nodes=None if row.merkle_nodes is None else bytes(row.merkle_nodes),
        embargo_section_id=row.embargo_section_id,
    )


class LedgerRepository:
    """Read access to the ledger (appends go through ``LedgerWriter``), its Merkle tree and signed heads' inputs."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def lock_head(self) -> tuple[int, str | None]:
        """Serialise appenders and return (last seq, its hash) (PostgreSQL advisory lock; SQLite holds its
        write lock already)."""
        return lock_ledger(self.session)

    def count(self) -> int:
        return int(self.session.scalar(select(func.count()).select_from(LedgerEntryRow)) or 0)

    def iter_entries(self, *, batch: int = 2000) -> Iterator[StoredEntry]:
        last = -1
        while True:
            stmt = select(LedgerEntryRow).where(LedgerEntryRow.seq > last).order_by(LedgerEntryRow.seq).limit(batch)
            rows = list(self.session.scalars(stmt))
            if not rows:
                return
            yield from (_stored(r) for r in rows)
            last = rows[-1].seq
            self.session.expunge_all()

    def for_seqs(self, seqs: Sequence[int]) -> list[StoredEntry]:
        stmt = select(LedgerEntryRow).where(LedgerEntryRow.seq.in_(list(seqs))).order_by(LedgerEntryRow.seq)
        return [_stored(r) for r in self.session.scalars(stmt)]

    def for_subject(self, subject_type: str, subject_id: str) -> list[StoredEntry]:
        stmt = (
            select(LedgerEntryRow)
            .where(LedgerEntryRow.subject_type == subject_type, LedgerEntryRow.subject_id == subject_id)
            .order_by(LedgerEntryRow.seq)
        )
        return [_stored(r) for r in self.session.scalars(stmt)]

    def for_subjects(self, subjects: set[tuple[str, str]]) -> list[StoredEntry]:
        ids = {sid for _, sid in subjects}
        stmt = select(LedgerEntryRow).where(LedgerEntryRow.subject_id.in_(ids)).order_by(LedgerEntryRow.seq)
        return [_stored(r) for r in self.session.scalars(stmt) if (r.subject_type, r.subject_id) in subjects]

    def visible(self, *, sealed_section_ids: set[str], limit: int, after: int) -> list[StoredEntry]:
        """The public entries after ``after``: up to the first one still under the older embargo, if any.

        Since sealed entries exist, no entry about a sealed bid is in the ledger before its opening; entries
        recorded before that carry ``embargo_section_id`` and, with everything after them, stay hidden until
        their section opens, so neither gaps nor counts reveal how many bids a section has (招标投标法 第二十二条).
        """
        horizon = None
        if sealed_section_ids:
            horizon = self.session.scalar(
                select(func.min(LedgerEntryRow.seq)).where(LedgerEntryRow.embargo_section_id.in_(sealed_section_ids))
            )
        stmt = select(LedgerEntryRow).where(LedgerEntryRow.seq > after)
        if horizon is not None:
            stmt = stmt.where(LedgerEntryRow.seq < horizon)
        return [_stored(r) for r in self.session.scalars(stmt.order_by(LedgerEntryRow.seq).limit(limit))]

    def merkle(self, size: int, *, load_frontier: bool = True) -> MerkleTree:
        """The Merkle tree of the first ``size`` entries over their stored nodes (RFC 9162)."""
        return MerkleTree(SqlNodeStore(self.session, size), load_frontier=load_frontier)

    def backfill(self) -> int:
        """Write the Merkle nodes of entries recorded before the Merkle log; how many."""
        return backfill_merkle_nodes(self.session)
