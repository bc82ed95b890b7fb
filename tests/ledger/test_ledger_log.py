"""The Merkle log in the database: nodes with each entry, signed heads, proofs, and tampering caught."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import delete, select, update

from fairbid.bootstrap import Platform
from fairbid.clock import SimulatedClock
from fairbid.domain.actor import Actor, Role
from fairbid.domain.errors import NotFound
from fairbid.ledger.chain import GENESIS_HASH, entry_hash
from fairbid.ledger.export import entry_leaf, verify_receipt_proof
from fairbid.ledger.head import KeyHeadVerifier
from fairbid.ledger.merkle import MemoryNodeStore, MerkleTree
from fairbid.ledger.snapshot import SubjectType
from fairbid.services.oversight.ledger import (
    _content,
    consistency_proof,
    list_heads,
    prove_entry,
    publish_head,
    verify_ledger,
)
from fairbid.store.rows import LedgerEntryRow, LedgerHeadRow
from tests.factories import check_and_publish, make_world

AUDITOR = Actor(role=Role.MACHINE, job="test-verify")


def _verify(p: Platform, **kw: object) -> object:
    return verify_ledger(uow=p.uow(), actor=AUDITOR, verifier=KeyHeadVerifier(p.platform_key.public), **kw)  # type: ignore[arg-type]


def _publish(p: Platform, clock: SimulatedClock, *, force: bool = True) -> object:
    return publish_head(uow=p.uow(), clock=clock, platform_key=p.platform_key, force=force)


def test_entries_carry_their_merkle_nodes_and_heads_match_the_tree(platform: Platform, clock: SimulatedClock) -> None:
    make_world(platform, clock, bidders=2)
    head = _publish(platform, clock)
    with platform.uow() as uow:
        rows = list(uow.session.scalars(select(LedgerEntryRow).order_by(LedgerEntryRow.seq)))
    memory = MerkleTree(MemoryNodeStore())
    for row in rows:
        memory.append(entry_leaf(row.entry_hash))
    assert head is not None and head.tree_size == len(rows)  # type: ignore[attr-defined]
    assert head.root_hash == memory.root()  # type: ignore[attr-defined]
    report = _verify(platform)
    assert report.ok and report.heads == 1 and report.root == memory.root().hex()  # type: ignore[attr-defined]


def test_heads_follow_a_fixed_cadence_never_an_action(platform: Platform, clock: SimulatedClock) -> None:
    window = timedelta(minutes=10)

    def due() -> object:
        return publish_head(uow=platform.uow(), clock=clock, platform_key=platform.platform_key, interval=window)

    clock.set(clock.now().replace(minute=0, second=0, microsecond=0) + timedelta(hours=1))
    w = make_world(platform, clock, bidders=1)
    first = due()  # the first head: the ledger has entries and no head yet
    assert first is not None
    section = w.section()  # a person acts: no head, whenever they act within the window
    check_and_publish(w, section)
    clock.advance(timedelta(minutes=9, seconds=59))
    w.add_bidder()
    assert due() is None  # not before the window ends
    clock.advance(timedelta(seconds=1))  # the next window: the ledger grew, so a head
    second = due()
    assert second is not None and second.tree_size > first.tree_size  # type: ignore[attr-defined]
    clock.advance(window * 3)
    assert due() is None  # nothing new: no head
    heads = [h for h, _ in list_heads(uow=platform.uow())]
    assert [h.tree_size for h in heads] == [first.tree_size, second.tree_size]  # type: ignore[attr-defined]
    path = consistency_proof(heads[0].tree_size, heads[1].tree_size, uow=platform.uow())
    assert path and _verify(platform).ok  # type: ignore[attr-defined]


def test_proof_of_an_entry_comes_with_the_next_head(platform: Platform, clock: SimulatedClock) -> None:
    make_world(platform, clock, bidders=1)
    _publish(platform, clock)
    w = make_world(platform, clock, bidders=1)
    with platform.uow() as uow:
        seq = uow.ledger.lock_head()[0]
    with pytest.raises(NotFound):
        prove_entry(seq, uow=platform.uow())  # the head predates the entry
    assert w.bidders
    _publish(platform, clock)
    proof = prove_entry(seq, uow=platform.uow())
    head = verify_receipt_proof(proof, KeyHeadVerifier(platform.platform_key.public))
    assert head.tree_size == seq + 1


def test_deleting_the_last_entries_is_caught_by_an_earlier_head(platform: Platform, clock: SimulatedClock) -> None:
    make_world(platform, clock, bidders=2)
    head = _publish(platform, clock)
    size = head.tree_size  # type: ignore[attr-defined]
    with platform.uow() as uow:
        uow.session.execute(delete(LedgerEntryRow).where(LedgerEntryRow.seq >= size - 3))
        uow.commit()
    report = _verify(platform)
    assert not report.ok  # type: ignore[attr-defined]
    problem = report.first_problem  # type: ignore[attr-defined]
    assert problem.seq == size - 3 and f"entries {size - 3}..{size - 1} are missing" in problem.reason
    # the platform deletes its heads too: a head held by a bidder still catches it
    with platform.uow() as uow:
        uow.session.execute(delete(LedgerHeadRow))
        uow.commit()
    assert _verify(platform).ok  # type: ignore[attr-defined]
    held = _verify(platform, held_heads=[head])
    assert not held.ok and "are missing" in held.first_problem.reason  # type: ignore[attr-defined]


def test_a_consistent_rewrite_is_caught_by_the_signed_root(platform: Platform, clock: SimulatedClock) -> None:
    make_world(platform, clock, bidders=2)
    head = _publish(platform, clock)
    victim = 5
    with platform.uow() as uow:  # rewrite entry 5 and recompute every later hash and every Merkle node
        rows = list(uow.session.scalars(select(LedgerEntryRow).order_by(LedgerEntryRow.seq)))
        nodes = MemoryNodeStore()
        tree = MerkleTree(nodes)
        prev = GENESIS_HASH
        changes = []
        for row in rows:
            content = replace(_content(row), prev_hash=prev)
            if row.seq == victim:
                content = replace(content, actor_id="someone-else")
            prev = entry_hash(content)
            tree.append(entry_leaf(prev))
            changes.append((row.seq, content, prev, nodes.row(row.seq)))
        uow.session.expunge_all()
        for seq, content, new_hash, row_nodes in changes:
            uow.session.execute(
                update(LedgerEntryRow)
                .where(LedgerEntryRow.seq == seq)
                .values(
                    actor_id=content.actor_id, prev_hash=content.prev_hash, entry_hash=new_hash, merkle_nodes=row_nodes
                )
            )
        uow.commit()
    report = _verify(platform)
    assert report.chain_break is None and report.mismatches == []  # type: ignore[attr-defined]
    problem = report.first_problem  # type: ignore[attr-defined]
    assert problem is not None and f"entries 0..{head.tree_size - 1} were rewritten" in problem.reason  # type: ignore[attr-defined]


def test_an_append_rolled_back_leaves_the_tree_consistent(platform: Platform, clock: SimulatedClock) -> None:
    from fairbid.ledger.chain import LedgerAction

    make_world(platform, clock, bidders=1)
    for commit in (False, True, False, True):
        with platform.uow() as uow:
            uow.record(
                actor=AUDITOR,
                action=LedgerAction.USER_CREATED,
                subject_type=SubjectType.USER,
                subject_id="u",
                payload={"commit": commit},
                now=clock.now(),
            )
            if commit:
                uow.commit()
    _publish(platform, clock)
    report = _verify(platform)
    assert report.ok and report.merkle == []  # type: ignore[attr-defined]


def test_a_ledger_from_before_the_merkle_log_gets_its_nodes(platform: Platform, clock: SimulatedClock) -> None:
    from fairbid.store.ledger import FRONTIERS

    w = make_world(platform, clock, bidders=1)
    with platform.uow() as uow:
        uow.session.execute(update(LedgerEntryRow).values(merkle_nodes=None))
        uow.commit()
    FRONTIERS._items.clear()  # as after a restart
    w.add_bidder()  # record() finds no nodes, writes them for the old entries, then appends
    head = _publish(platform, clock)
    with platform.uow() as uow:
        missing = uow.session.scalar(select(LedgerEntryRow.seq).where(LedgerEntryRow.merkle_nodes.is_(None)))
    assert missing is None and head is not None
    assert _verify(platform).ok  # type: ignore[attr-defined]


def test_payloads_with_few_possible_values_are_salted_so_their_public_digest_cannot_be_guessed(
    platform: Platform, clock: SimulatedClock
) -> None:
    """条例 第四十九条: a score sheet's digest is public; without a salt, hashing every plausible score finds it."""
    from fairbid.ledger.chain import LedgerAction, payload_digest

    same = {"seat": 1, "bid_id": "b", "digest": "0" * 64}
    with platform.uow() as uow:
        seqs = [
            uow.record(
                actor=AUDITOR,
                action=action,
                subject_type=SubjectType.COMMITTEE,
                subject_id="s",
                payload=same,
                now=clock.now(),
            )
            for action in (
                LedgerAction.SCORE_SHEET_SUBMITTED,
                LedgerAction.SCORE_SHEET_SUBMITTED,
                LedgerAction.USER_CREATED,
            )
        ]
        uow.commit()
    with platform.uow() as uow:
        rows = [uow.session.get(LedgerEntryRow, seq) for seq in seqs]
    salted, again, plain = rows
    assert salted is not None and again is not None and plain is not None
    assert len(salted.payload["salt"]) == 32 and salted.payload["salt"] != again.payload["salt"]
    assert salted.payload_digest != again.payload_digest != payload_digest(same)
    assert plain.payload == same and plain.payload_digest == payload_digest(same)  # other entries stay as they were
    assert _verify(platform).ok  # type: ignore[attr-defined]
