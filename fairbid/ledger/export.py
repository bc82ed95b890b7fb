"""Ledger exports: the JSON document the standalone verifier checks (format in docs/ledger.md).

The entries are written as the exact objects their ``entry_hash`` covers (``entry_json``), so the verifier
recomputes each hash from what it reads; the Merkle leaf of entry ``seq`` is its 32-byte ``entry_hash``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import fields
from datetime import datetime
from typing import Any

from fairbid.domain.errors import InvalidInput
from fairbid.ledger.chain import EntryContent, entry_commitment, entry_hash
from fairbid.ledger.head import HeadVerifier, SignedTreeHead, verify_tree_head
from fairbid.ledger.merkle import InvalidProof, MerkleTree, leaf_hash, verify_inclusion

__all__ = [
    "EXPORT_FORMAT",
    "build_export",
    "entry_from_json",
    "entry_json",
    "entry_leaf",
    "receipt_proof",
    "verify_commitment_proof",
    "verify_receipt_proof",
]

EXPORT_FORMAT = "fairbid-ledger-export/1"


def entry_leaf(entry_hash: str) -> bytes:
    """The Merkle leaf data of an entry: its entry hash as 32 bytes."""
    return bytes.fromhex(entry_hash)


def entry_json(content: EntryContent, entry_hash: str, *, payload: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """An entry as exported: the hashed fields exactly as ``chain.entry_hash`` sees them, plus its hash.

    ``payload``, when given, is included unhashed; the verifier checks it against ``payload_digest``.
    """
    # A shallow copy: dataclasses.asdict deep-copies the datetime, ten times the cost of the rest.
    out: dict[str, Any] = {f.name: getattr(content, f.name) for f in fields(content)}
    out["recorded_at"] = content.recorded_at.isoformat(timespec="microseconds")
    out["entry_hash"] = entry_hash
    if payload is not None:
        out["payload"] = dict(payload)
    return out


def build_export(
    entries: Iterable[Mapping[str, Any]],
    *,
    tree: MerkleTree,
    heads: Sequence[SignedTreeHead],
    inclusion: Iterable[int] = (),
) -> dict[str, Any]:
    """The export document: entries (from ``entry_json``), heads, and their proofs.

    Adds a consistency proof between each pair of successive heads, and an inclusion proof against the
    latest head for each ``seq`` in ``inclusion`` (the entries a reader cares about, e.g. one bidder's).
    """
    ordered = sorted(heads, key=lambda h: (h.tree_size, h.timestamp_ms))
    sizes = sorted({h.tree_size for h in ordered})
    consistency = [
        {"first": first, "second": second, "path": [h.hex() for h in tree.consistency_proof(first, second)]}
        for first, second in itertools.pairwise(sizes)
    ]
    latest = sizes[-1] if sizes else 0
    proofs = [
        {"seq": seq, "tree_size": latest, "path": [h.hex() for h in tree.inclusion_proof(seq, latest)]}
        for seq in inclusion
    ]
    return {
        "format": EXPORT_FORMAT,
        "hash": "sm3",
        "leaf": "entry_hash",
        "entries": [dict(entry) for entry in entries],
        "heads": [h.to_json() for h in ordered],
        "consistency": consistency,
        "inclusion": proofs,
    }


def receipt_proof(tree: MerkleTree, *, seq: int, entry_hash: str, head: SignedTreeHead) -> dict[str, Any]:
    """What a receipt carries so its holder can later hold the platform to its history.

    ``head`` must cover ``seq`` (sign a head right after the append). The ``tree_head`` key is what
    ``python -m fairbid.ledger.verifier … --head RECEIPT.json`` reads.
    """
    return {
        "seq": seq,
        "entry_hash": entry_hash,
        "tree_head": head.to_json(),
        "inclusion": [h.hex() for h in tree.inclusion_proof(seq, head.tree_size)],
    }


def verify_receipt_proof(proof: Mapping[str, Any], verifier: HeadVerifier) -> SignedTreeHead:
    """Check a ``receipt_proof``: the head's signature, then the entry's inclusion; return the head.

    Raises ``InvalidSignature``, ``InvalidProof``, or ``InvalidInput`` when malformed.
    """
    head = SignedTreeHead.from_json(proof.get("tree_head"))
    try:
        seq, leaf = int(proof["seq"]), entry_leaf(str(proof["entry_hash"]))
        path = [bytes.fromhex(h) for h in proof["inclusion"]]
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidInput(f"malformed receipt proof: {exc}") from exc
    verify_tree_head(head, verifier)
    verify_inclusion(leaf_hash(leaf), seq, head.tree_size, path, head.root_hash)
    return head


def entry_from_json(value: Mapping[str, Any]) -> EntryContent:
    """The content of an entry written by ``entry_json``; raises ``InvalidInput`` when malformed."""
    try:
        data = {f.name: value[f.name] for f in fields(EntryContent)}
        data["recorded_at"] = datetime.fromisoformat(str(data["recorded_at"]))
        return EntryContent(**data)
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidInput(f"malformed ledger entry: {exc}") from exc


def verify_commitment_proof(proof: Mapping[str, Any], commitment: str, verifier: HeadVerifier) -> SignedTreeHead:
    """Check that the entry in ``proof`` (from ``GET /api/ledger/commitments/{c}``) is the one a receipt committed
    to, that its hash is what the proof includes, and that a signed head includes it; return the head.

    Raises ``InvalidProof`` when the entry is another, ``InvalidSignature``/``InvalidProof`` as
    ``verify_receipt_proof`` does, ``InvalidInput`` when malformed or not yet covered by a head.
    """
    entry = proof.get("entry")
    if not isinstance(entry, Mapping):
        raise InvalidInput("malformed commitment proof: no entry")
    content = entry_from_json(entry)
    if entry_commitment(content) != commitment:
        raise InvalidProof("The entry is not the one the receipt committed to.")
    if entry_hash(content) != entry.get("entry_hash") or entry.get("entry_hash") != proof.get("entry_hash"):
        raise InvalidProof("The entry's hash does not match its content.")
    if proof.get("inclusion") is None:
        raise InvalidInput("No signed head covers this entry yet; ask again after the next head.")
    return verify_receipt_proof(proof, verifier)
