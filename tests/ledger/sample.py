"""A small hash-chained ledger with its Merkle tree and signed heads, built the way the platform will."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from fairbid.ledger.chain import GENESIS_HASH, EntryContent, entry_hash, payload_digest
from fairbid.ledger.export import build_export, entry_json, entry_leaf
from fairbid.ledger.head import SignedTreeHead, sign_tree_head
from fairbid.ledger.merkle import MemoryNodeStore, MerkleTree
from fairbid.ledger.snapshot import SubjectType

from .signer import Sm2TestSigner

START = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)


@dataclass
class Ledger:
    entries: list[dict[str, Any]]
    tree: MerkleTree
    heads: list[SignedTreeHead]

    def export(self, *, inclusion: Sequence[int] = ()) -> dict[str, Any]:
        # A deep copy, so a test that tampers with its export cannot reach the shared fixture.
        return copy.deepcopy(build_export(self.entries, tree=self.tree, heads=self.heads, inclusion=inclusion))


def content(seq: int, prev: str, *, payload: dict[str, Any], action: str = "bid:submitted") -> EntryContent:
    return EntryContent(
        seq=seq,
        recorded_at=START + timedelta(seconds=seq),
        actor_kind="person" if seq % 3 else "machine",
        actor_role="bidder" if seq % 3 else "system",
        actor_id=f"user-{seq % 7}" if seq % 3 else "job:opening",
        organisation_id=f"org-{seq % 5}" if seq % 3 else None,
        action=action,
        subject_type=SubjectType.BID,
        subject_id=f"bid-{seq}",
        payload_digest=payload_digest(payload),
        subject_digest=None,
        prev_hash=prev,
    )


def build_ledger(count: int, signer: Sm2TestSigner, head_sizes: Sequence[int]) -> Ledger:
    tree = MerkleTree(MemoryNodeStore())
    entries: list[dict[str, Any]] = []
    heads: list[SignedTreeHead] = []
    prev = GENESIS_HASH
    for seq in range(count):
        payload = {"price": f"{1000 + seq}.50", "名称": f"投标人{seq}"}
        item = content(seq, prev, payload=payload)
        digest = entry_hash(item)
        entries.append(entry_json(item, digest, payload=payload))
        tree.append(entry_leaf(digest))
        prev = digest
        if tree.size in head_sizes:
            now = START + timedelta(seconds=seq, milliseconds=500)
            heads.append(sign_tree_head(tree.size, tree.root(), now=now, signer=signer))
    return Ledger(entries, tree, heads)
