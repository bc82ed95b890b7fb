"""The NodeStore contract over SQL: the tree gives the same roots and proofs from a table as from memory."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterator, Mapping

import pytest

from fairbid.ledger.merkle import MemoryNodeStore, MerkleTree, leaf_hash, verify_consistency, verify_inclusion


class SqliteNodeStore:
    """The reference table design: ``ledger_node(seq INTEGER PRIMARY KEY, hashes BLOB NOT NULL)``."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        self.queries = 0
        db.execute("CREATE TABLE IF NOT EXISTS ledger_node (seq INTEGER PRIMARY KEY, hashes BLOB NOT NULL)")

    def size(self) -> int:
        return int(self._db.execute("SELECT COALESCE(MAX(seq) + 1, 0) FROM ledger_node").fetchone()[0])

    def append(self, index: int, hashes: bytes) -> None:
        self._db.execute("INSERT INTO ledger_node (seq, hashes) VALUES (?, ?)", (index, hashes))

    def rows(self, indices: Collection[int]) -> Mapping[int, bytes]:
        wanted = list(indices)
        assert wanted, "a store is never asked for no rows"
        self.queries += 1
        marks = ",".join("?" * len(wanted))
        return dict(self._db.execute(f"SELECT seq, hashes FROM ledger_node WHERE seq IN ({marks})", wanted))


@pytest.fixture
def db() -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(":memory:")
    yield connection
    connection.close()


def test_sql_store_gives_the_same_tree_as_memory(db: sqlite3.Connection) -> None:
    sql, memory = MerkleTree(SqliteNodeStore(db)), MerkleTree(MemoryNodeStore())
    assert sql.root() == memory.root()
    for i in range(300):
        sql.append(i.to_bytes(2, "big"))
        memory.append(i.to_bytes(2, "big"))
    for size in (1, 2, 77, 128, 300):
        assert sql.root(size) == memory.root(size)
        for index in (0, size // 2, size - 1):
            assert sql.inclusion_proof(index, size) == memory.inclusion_proof(index, size)
        assert sql.consistency_proof(size // 3, size) == memory.consistency_proof(size // 3, size)


def test_sql_store_proof_takes_one_query(db: sqlite3.Connection) -> None:
    store = SqliteNodeStore(db)
    tree = MerkleTree(store)
    for i in range(1000):
        tree.append(i.to_bytes(2, "big"))
    store.queries = 0
    path = tree.inclusion_proof(617, 1000)
    assert store.queries == 1
    verify_inclusion(leaf_hash((617).to_bytes(2, "big")), 617, 1000, path, tree.root())
    store.queries = 0
    path = tree.consistency_proof(333, 1000)
    assert store.queries == 1
    verify_consistency(333, 1000, path, tree.root(333), tree.root())


def test_tree_reopened_from_sql_continues_where_it_stopped(db: sqlite3.Connection) -> None:
    tree = MerkleTree(SqliteNodeStore(db))
    for i in range(45):
        tree.append(bytes([i]))
    reopened = MerkleTree(SqliteNodeStore(db))
    assert (reopened.size, reopened.root()) == (45, tree.root())
    reopened.append(b"next")
    assert reopened.root(45) == tree.root()


def test_stale_tree_cannot_append_over_a_newer_one(db: sqlite3.Connection) -> None:
    stale = MerkleTree(SqliteNodeStore(db))
    stale.append(b"first")
    fresh = MerkleTree(SqliteNodeStore(db))
    fresh.append(b"second")
    # The primary key on seq refuses the stale writer's row, so the tree never forks silently.
    with pytest.raises(sqlite3.IntegrityError):
        stale.append(b"other second")
    assert stale.size == 1
