"""Proofs read from the database: the same paths as the tree rebuilt in memory, checked by the standalone
verifier, in two queries, and no trace of the proof's autocommit reads left on the pooled connection."""

from __future__ import annotations

import itertools
from collections.abc import Collection, Iterator, Mapping
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import delete, event, func, select, update

from fairbid.bootstrap import Platform
from fairbid.clock import SimulatedClock
from fairbid.domain.actor import Actor, Role
from fairbid.domain.errors import InvalidInput, NotFound
from fairbid.ledger import verifier
from fairbid.ledger.chain import LedgerAction
from fairbid.ledger.export import entry_leaf, verify_receipt_proof
from fairbid.ledger.head import KeyHeadVerifier, SignedTreeHead
from fairbid.ledger.merkle import MemoryNodeStore, MerkleTree
from fairbid.ledger.snapshot import SubjectType
from fairbid.services.oversight.ledger import consistency_proof, ledger_receipt, list_heads, prove_entry, publish_head
from fairbid.store.rows import LedgerEntryRow

ACTOR = Actor(role=Role.MACHINE, job="test-proofs")
HEAD_SIZES = (1, 2, 5, 64, 65, 100)


def _append(p: Platform, clock: SimulatedClock, upto: int) -> None:
    with p.uow() as uow:
        start = uow.ledger.lock_head()[0] + 1
        for i in range(start, upto):
            uow.record(
                actor=ACTOR,
                action=LedgerAction.BID_SUBMITTED,
                subject_type=SubjectType.BID,
                subject_id=f"bid-{i}",
                payload={"price": f"{1000 + i}.50"},
                now=clock.now(),
            )
        uow.commit()


def _publish(p: Platform, clock: SimulatedClock) -> SignedTreeHead:
    clock.advance(timedelta(seconds=1))
    head = publish_head(uow=p.uow(), clock=clock, platform_key=p.platform_key, force=True)
    assert head is not None
    return head


@pytest.fixture
def ledger(platform: Platform, clock: SimulatedClock) -> tuple[Platform, MerkleTree, list[str]]:
    """Heads of 1, 2, 5, 64, 65 and 100 entries; the tree rebuilt in memory from the entry hashes."""
    for size in HEAD_SIZES:
        _append(platform, clock, size)
        _publish(platform, clock)
    with platform.uow() as uow:
        hashes = list(uow.session.scalars(select(LedgerEntryRow.entry_hash).order_by(LedgerEntryRow.seq)))
    memory = MerkleTree(MemoryNodeStore())
    for h in hashes:
        memory.append(entry_leaf(h))
    return platform, memory, hashes


def _public_key(p: Platform) -> bytes:
    return verifier.load_public_key(p.platform_key.public.to_text())


def _standalone_inclusion(proof: Mapping[str, Any], public_key: bytes) -> bool:
    """The standalone verifier's own code: the head's SM2 signature, then the audit path."""
    head = verifier._parse_head(proof["tree_head"], "receipt")
    verifier._check_signature(head, public_key)
    leaf = verifier.sm3(b"\x00" + bytes.fromhex(proof["entry_hash"]))
    path = [bytes.fromhex(h) for h in proof["inclusion"]]
    return verifier.verify_inclusion(leaf, proof["seq"], head.tree_size, path, head.root_hash)


def test_every_inclusion_proof_matches_memory_and_verifies_standalone(
    ledger: tuple[Platform, MerkleTree, list[str]],
) -> None:
    p, memory, hashes = ledger
    public_key = _public_key(p)
    size = HEAD_SIZES[-1]
    for seq in range(size):
        proof = prove_entry(seq, uow=p.uow())
        assert proof["entry_hash"] == hashes[seq]
        assert proof["tree_head"]["tree_size"] == size
        assert proof["tree_head"]["root_hash"] == memory.root(size).hex()
        assert proof["inclusion"] == [h.hex() for h in memory.inclusion_proof(seq, size)]
        assert _standalone_inclusion(proof, public_key)
        verify_receipt_proof(proof, KeyHeadVerifier(p.platform_key.public))


def test_every_consistency_proof_matches_memory_and_verifies_standalone(
    ledger: tuple[Platform, MerkleTree, list[str]],
) -> None:
    p, memory, _ = ledger
    heads = {h.tree_size: h for h, _ in list_heads(uow=p.uow())}
    assert sorted(heads) == list(HEAD_SIZES)
    for second in HEAD_SIZES:
        for first in range(second + 1):
            path = consistency_proof(first, second, uow=p.uow())
            assert path == [h.hex() for h in memory.consistency_proof(first, second)]
            if 0 < first < second:
                ok = verifier.verify_consistency(
                    first, second, [bytes.fromhex(h) for h in path], memory.root(first), heads[second].root_hash
                )
                assert ok, (first, second)
    for a, b in itertools.pairwise(HEAD_SIZES):  # and between heads, with both roots as signed
        between = [bytes.fromhex(h) for h in consistency_proof(a, b, uow=p.uow())]
        assert verifier.verify_consistency(a, b, between, heads[a].root_hash, heads[b].root_hash)


def test_refusals_are_unchanged(ledger: tuple[Platform, MerkleTree, list[str]], clock: SimulatedClock) -> None:
    p, _, hashes = ledger
    size = HEAD_SIZES[-1]
    for seq in (-1, size, size + 10):
        with pytest.raises(NotFound, match="No published head covers"):
            prove_entry(seq, uow=p.uow())
    _append(p, clock, size + 3)  # entries after the newest head: no proof yet
    with pytest.raises(NotFound, match="No published head covers"):
        prove_entry(size + 1, uow=p.uow())
    receipt = ledger_receipt("ab" * 32, uow=p.uow())  # what a bid receipt adds: the newest head, no proof
    assert receipt["tree_head"]["tree_size"] == size and receipt["inclusion"] is None
    for first, second in ((0, 3), (6, 5), (-1, 5), (5, 101)):
        with pytest.raises(InvalidInput):
            consistency_proof(first, second, uow=p.uow())
    with p.uow() as uow:  # an entry deleted under a head: named, not a crash
        uow.session.execute(delete(LedgerEntryRow).where(LedgerEntryRow.seq == size + 2))
        uow.session.execute(update(LedgerEntryRow).where(LedgerEntryRow.seq == 3).values(entry_hash="ff" * 32))
        uow.commit()
    assert prove_entry(3, uow=p.uow())["entry_hash"] == "ff" * 32  # read as stored; the verifier rejects it
    assert not _standalone_inclusion(prove_entry(3, uow=p.uow()), _public_key(p))
    assert _standalone_inclusion(prove_entry(4, uow=p.uow()), _public_key(p))
    assert hashes[3] != "ff" * 32


def test_receipt_before_any_head(platform: Platform, clock: SimulatedClock) -> None:
    _append(platform, clock, 3)
    receipt = ledger_receipt("ab" * 32, uow=platform.uow())
    assert receipt == {"entry_commitment": "ab" * 32, "tree_head": None, "inclusion": None}
    with pytest.raises(NotFound, match="No published head covers"):
        prove_entry(0, uow=platform.uow())
    with platform.uow() as uow:
        assert uow.heads.latest() is None
        assert uow.heads.latest_and_entry(9) == (None, None)


@pytest.fixture
def statements(platform: Platform) -> Iterator[list[str]]:
    seen: list[str] = []

    def log(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(platform.engine, "before_cursor_execute", log)
    yield seen
    event.remove(platform.engine, "before_cursor_execute", log)


def test_a_proof_is_two_queries(ledger: tuple[Platform, MerkleTree, list[str]], statements: list[str]) -> None:
    p, _, _ = ledger

    def selects() -> int:
        n = sum(1 for s in statements if s.lstrip().upper().startswith("SELECT"))
        statements.clear()
        return n

    statements.clear()
    prove_entry(37, uow=p.uow())
    assert selects() == 2  # head with the entry hash; the path's node rows (no frontier)
    ledger_receipt("ab" * 32, uow=p.uow())
    assert selects() == 1  # the newest head
    consistency_proof(5, 64, uow=p.uow())
    assert selects() == 2  # the head size exists; the node rows


def test_proof_reads_leave_the_next_unit_of_work_transactional(
    ledger: tuple[Platform, MerkleTree, list[str]], clock: SimulatedClock
) -> None:
    """On PostgreSQL a proof reads in autocommit; the pooled connection must come back transactional."""
    p, _, _ = ledger
    for _ in range(3):  # more than one pooled connection may be reused
        prove_entry(10, uow=p.uow())
        consistency_proof(2, 64, uow=p.uow())
    with p.uow() as uow:
        before = uow.session.scalar(select(func.count()).select_from(LedgerEntryRow))
    for _ in range(3):
        with p.uow() as uow:  # appended, then left without commit: rolled back as a whole
            uow.record(
                actor=ACTOR,
                action=LedgerAction.BID_SUBMITTED,
                subject_type=SubjectType.BID,
                subject_id="rolled-back",
                payload={},
                now=clock.now(),
            )
    with p.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(LedgerEntryRow)) == before


class _CountingStore(MemoryNodeStore):
    def __init__(self) -> None:
        super().__init__()
        self.queries = 0

    def rows(self, indices: Collection[int]) -> Mapping[int, bytes]:
        self.queries += 1
        return super().rows(indices)


def test_a_tree_opened_for_proofs_reads_its_frontier_only_when_needed() -> None:
    store = _CountingStore()
    eager = MerkleTree(store)
    for i in range(77):
        eager.append(i.to_bytes(2, "big"))
    expected = (eager.inclusion_proof(40, 77), eager.consistency_proof(33, 77), eager.root(50), eager.root())
    store.queries = 0
    lazy = MerkleTree(store, load_frontier=False)
    assert store.queries == 0
    assert (lazy.inclusion_proof(40, 77), lazy.consistency_proof(33, 77), lazy.root(50)) == expected[:3]
    assert store.queries == 3  # one per call, none for the frontier
    assert lazy.root() == expected[3] and lazy.frontier == eager.frontier
    assert store.queries == 4  # the frontier, once
    lazy.root()
    assert store.queries == 4
    other = MemoryNodeStore()
    copy = MerkleTree(other)
    for i in range(77):
        copy.append(i.to_bytes(2, "big"))
    lazy_copy = MerkleTree(other, load_frontier=False)
    lazy_copy.append(b"next")  # appending reads the frontier first
    eager.append(b"next")
    assert lazy_copy.root() == eager.root() and lazy_copy.size == 78


def test_a_proof_on_sqlite_does_not_wait_for_a_writer_holding_the_lock(
    ledger: tuple[Platform, MerkleTree, list[str]], clock: SimulatedClock
) -> None:
    """A proof's unit of work begins deferred on SQLite: it reads its WAL snapshot while an appender holds
    the write lock (with BEGIN IMMEDIATE it would wait out the busy timeout, then fail 'database is locked')."""
    platform, tree, _ = ledger
    if platform.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL readers never wait on writers")
    with platform.uow() as uow:  # a writer mid-append: the lock is held, nothing committed
        uow.record(
            actor=ACTOR,
            action=LedgerAction.BID_SUBMITTED,
            subject_type=SubjectType.BID,
            subject_id="in-flight",
            payload={},
            now=clock.now(),
        )
        proof = prove_entry(3, uow=platform.uow())
        assert proof["inclusion"] == [h.hex() for h in tree.inclusion_proof(3, proof["tree_head"]["tree_size"])]
