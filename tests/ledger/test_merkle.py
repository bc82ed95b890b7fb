"""RFC 9162 §2.1 behaviour of the SM3 Merkle tree, checked against the recursive definitions."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairbid.crypto.digest import sm3
from fairbid.ledger import verifier
from fairbid.ledger.merkle import (
    EMPTY_ROOT,
    InvalidProof,
    MemoryNodeStore,
    MerkleTree,
    leaf_hash,
    node_hash,
    verify_consistency,
    verify_inclusion,
)

from . import reference

LEAVES = [f"entry {i}".encode() for i in range(80)]


def _tree(leaves: list[bytes]) -> MerkleTree:
    tree = MerkleTree(MemoryNodeStore())
    for data in leaves:
        tree.append(data)
    return tree


@pytest.fixture(scope="module")
def tree80() -> MerkleTree:
    return _tree(LEAVES)


def test_hashes_use_rfc9162_prefixes_with_sm3() -> None:
    assert leaf_hash(b"x") == sm3(b"\x00x")
    assert node_hash(b"L" * 32, b"R" * 32) == sm3(b"\x01" + b"L" * 32 + b"R" * 32)
    assert EMPTY_ROOT.hex() == "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b"


def test_root_matches_rfc_definition_for_every_size(tree80: MerkleTree) -> None:
    for size in range(81):
        assert tree80.root(size) == reference.mth(LEAVES[:size]), size


def test_root_while_growing_matches_root_at_size_later() -> None:
    tree = MerkleTree(MemoryNodeStore())
    seen = [tree.root()]
    for data in LEAVES[:40]:
        tree.append(data)
        seen.append(tree.root())
    assert seen == [tree.root(size) for size in range(41)]


def test_inclusion_proof_matches_rfc_and_verifies_for_every_size_and_index(tree80: MerkleTree) -> None:
    for size in range(1, 71):
        root = tree80.root(size)
        for index in range(size):
            path = tree80.inclusion_proof(index, size)
            assert path == reference.path(index, LEAVES[:size]), (index, size)
            verify_inclusion(leaf_hash(LEAVES[index]), index, size, path, root)
            assert verifier.verify_inclusion(leaf_hash(LEAVES[index]), index, size, path, root)


def test_consistency_proof_matches_rfc_and_verifies_for_every_pair(tree80: MerkleTree) -> None:
    for second in range(1, 41):
        for first in range(0, second + 1):
            path = tree80.consistency_proof(first, second)
            if 0 < first < second:
                assert path == reference.proof(first, LEAVES[:second]), (first, second)
            else:
                assert path == []
            roots = tree80.root(first), tree80.root(second)
            verify_consistency(first, second, path, *roots)
            assert verifier.verify_consistency(first, second, path, *roots)


def _flipped(hashes: list[bytes], at: int) -> list[bytes]:
    out = list(hashes)
    out[at] = bytes([out[at][0] ^ 1]) + out[at][1:]
    return out


def test_inclusion_proof_fails_when_tampered(tree80: MerkleTree) -> None:
    for size in (2, 3, 7, 8, 13, 64, 70):
        root = tree80.root(size)
        for index in range(size):
            leaf = leaf_hash(LEAVES[index])
            path = tree80.inclusion_proof(index, size)
            bad = [_flipped(path, at) for at in range(len(path))]
            bad += [path[:-1], [*path, path[-1]]]
            if index + 1 < size:
                bad.append(tree80.inclusion_proof(index + 1, size))
            for proof in bad:
                with pytest.raises(InvalidProof):
                    verify_inclusion(leaf, index, size, proof, root)
                assert not verifier.verify_inclusion(leaf, index, size, proof, root)
            # (A path does not pin the tree size on its own: the signed head does.)
            for wrong in ((leaf_hash(b"forged"), index, size), (leaf, size, size), (leaf, -1, size)):
                with pytest.raises(InvalidProof):
                    verify_inclusion(*wrong, path, root)


def test_consistency_proof_fails_when_tampered(tree80: MerkleTree) -> None:
    for second in range(2, 30):
        for first in range(1, second):
            path = tree80.consistency_proof(first, second)
            r1, r2 = tree80.root(first), tree80.root(second)
            bad = [_flipped(path, at) for at in range(len(path))] + [path[:-1], [*path, path[0]]]
            for proof in bad:
                with pytest.raises(InvalidProof):
                    verify_consistency(first, second, proof, r1, r2)
                assert not verifier.verify_consistency(first, second, proof, r1, r2)
            with pytest.raises(InvalidProof):
                verify_consistency(first, second, path, tree80.root(first - 1), r2)
            with pytest.raises(InvalidProof):
                verify_consistency(first, second, path, r1, tree80.root(second - 1))


def test_consistency_fails_against_earlier_head_when_last_entries_deleted() -> None:
    honest = _tree(LEAVES[:50])
    held_size, held_root = honest.size, honest.root()
    # The platform deletes entries 40..49 and carries on appending new ones.
    rewritten = _tree(LEAVES[:40] + [f"replacement {i}".encode() for i in range(15)])
    for size in range(40, rewritten.size + 1):
        path = rewritten.consistency_proof(min(held_size, size), size)
        with pytest.raises(InvalidProof):
            verify_consistency(held_size, size, path, held_root, rewritten.root(size))
    # Right after the deletion the tree is smaller than the held head: no proof can exist.
    with pytest.raises(InvalidProof):
        verify_consistency(held_size, 40, [], held_root, rewritten.root(40))


def test_tree_reopened_on_same_store_continues_identically() -> None:
    store = MemoryNodeStore()
    first = MerkleTree(store)
    for data in LEAVES[:37]:
        first.append(data)
    reopened = MerkleTree(store)
    assert (reopened.size, reopened.root()) == (37, first.root())
    for data in LEAVES[37:]:
        reopened.append(data)
    assert reopened.root() == reference.mth(LEAVES)
    assert reopened.leaf(5) == leaf_hash(LEAVES[5])


def test_store_rows_hold_one_row_per_leaf_with_completed_nodes(tree80: MerkleTree) -> None:
    store = MemoryNodeStore()
    tree = MerkleTree(store)
    for data in LEAVES[:8]:
        tree.append(data)
    rows = store.rows(range(8))
    assert [len(rows[i]) // 32 for i in range(8)] == [1, 2, 1, 3, 1, 2, 1, 4]
    assert rows[7][96:] == tree.root()


def test_tree_refuses_out_of_range_requests(tree80: MerkleTree) -> None:
    with pytest.raises(ValueError, match="not in a tree"):
        tree80.inclusion_proof(5, 5)
    with pytest.raises(ValueError, match="leaves"):
        tree80.root(81)
    for index in (-1, 80):
        with pytest.raises(ValueError, match="not in a tree"):
            tree80.leaf(index)
    with pytest.raises(ValueError, match="no consistency proof"):
        tree80.consistency_proof(10, 9)
    with pytest.raises(ValueError, match="32 bytes"):
        MerkleTree(MemoryNodeStore()).append_leaf_hash(b"short")
    with pytest.raises(ValueError, match="appended"):
        MemoryNodeStore().append(3, b"\x00" * 32)


@settings(max_examples=60, deadline=None)
@given(data=st.data(), size=st.integers(min_value=1, max_value=3000))
def test_proofs_verify_for_random_sizes(big_tree: MerkleTree, data: st.DataObject, size: int) -> None:
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    first = data.draw(st.integers(min_value=0, max_value=size))
    root = big_tree.root(size)
    verify_inclusion(big_tree.leaf(index), index, size, big_tree.inclusion_proof(index, size), root)
    path = big_tree.consistency_proof(first, size)
    verify_consistency(first, size, path, big_tree.root(first), root)
    assert len(path) <= 2 * size.bit_length()


@pytest.fixture(scope="module")
def big_tree() -> MerkleTree:
    return _tree([i.to_bytes(4, "big") for i in range(3000)])
