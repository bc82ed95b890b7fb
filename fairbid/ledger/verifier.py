"""Standalone verifier for a Fairbid ledger export — trust the platform's public key, nothing else.

Usage::

    python -m fairbid.ledger.verifier EXPORT.json --public-key KEY [--head HEAD.json ...]

``KEY`` is the platform's SM2 public key: hex (64 bytes X‖Y, or 65 with the 04 prefix), or a file holding
that hex or a PEM ``PUBLIC KEY``. ``--head`` adds a signed tree head kept independently (from a receipt or
the public page); the export must be consistent with it. Exit status 0 when everything checks, 1 with the
first failure otherwise. The export format is specified in docs/ledger.md. Only the standard library,
``cryptography`` (SM3) and ``gmssl_pyx`` (SM2) are imported, so this file can be copied out and run alone; it
re-implements the few lines of hashing it needs rather than trust the platform's.
"""

from __future__ import annotations

import argparse
import base64
import gc
import hmac
import itertools
import json
import struct
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes
from gmssl_pyx import sm2_verify

__all__ = ["ExportSummary", "VerificationFailed", "load_public_key", "main", "verify_export"]

FORMAT = "fairbid-ledger-export/1"
GENESIS_HASH = "0" * 64
HEAD_PREFIX = b"fairbid/tree-head/v1\x00"
_NOT_HASHED = ("entry_hash", "payload")


class VerificationFailed(Exception):
    """The export does not check out; ``seq`` is the first bad entry when one can be named."""

    def __init__(self, message: str, *, seq: int | None = None) -> None:
        super().__init__(message)
        self.seq = seq


@dataclass(frozen=True, slots=True)
class ExportSummary:
    """What a successful verification covered."""

    entries: int
    heads: int
    consistency_proofs: int
    inclusion_proofs: int
    root_hash: str


_SM3 = hashes.Hash(hashes.SM3())  # copied per digest: cheaper than building a Hash each time
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sm3(data: bytes) -> bytes:
    """SM3 (GB/T 32905-2016)."""
    h = _SM3.copy()
    h.update(data)
    return h.finalize()


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8: the bytes entry hashes are taken over."""
    return _ENCODER.encode(value).encode("utf-8")


def _node(left: bytes, right: bytes) -> bytes:
    return sm3(b"\x01" + left + right)


class _Frontier:
    """RFC 9162 root of a growing list of leaves, O(log n) memory."""

    def __init__(self) -> None:
        self.size = 0
        self._stack: list[bytes] = []

    def append(self, data: bytes) -> None:
        merged = sm3(b"\x00" + data)
        index = self.size
        while index & 1:
            merged = _node(self._stack.pop(), merged)
            index >>= 1
        self._stack.append(merged)
        self.size += 1

    def root(self) -> bytes:
        if not self._stack:
            return sm3(b"")
        merged = self._stack[-1]
        for left in reversed(self._stack[:-1]):
            merged = _node(left, merged)
        return merged


def verify_inclusion(leaf_hash: bytes, index: int, size: int, path: Sequence[bytes], root: bytes) -> bool:
    """RFC 9162 §2.1.3.2."""
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf_hash
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = _node(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = _node(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and hmac.compare_digest(r, root)


def verify_consistency(first: int, second: int, path: Sequence[bytes], root1: bytes, root2: bytes) -> bool:
    """RFC 9162 §2.1.4.2 (plus the trivial cases: equal sizes, and the empty first tree)."""
    if not 0 <= first <= second:
        return False
    if first == second:
        return not path and hmac.compare_digest(root1, root2)
    if first == 0:
        return not path
    if not path:
        return False
    hashes_ = ([root1] if first & (first - 1) == 0 else []) + list(path)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = hashes_[0]
    for c in hashes_[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = _node(c, fr), _node(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = _node(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and hmac.compare_digest(fr, root1) and hmac.compare_digest(sr, root2)


def load_public_key(text: str) -> bytes:
    """An SM2 public key (64 bytes X‖Y) from hex, or from a file of hex or PEM."""
    if len(text) < 4096 and Path(text).is_file():
        text = Path(text).read_text(encoding="ascii")
    text = text.strip().removeprefix("gm:")  # fairbid.crypto.key writes SM2 keys as "gm:04…"
    if text.startswith("-----BEGIN"):
        body = "".join(line for line in text.splitlines() if not line.startswith("-----"))
        der = base64.b64decode(body)
        raw = der[-65:]  # an EC SubjectPublicKeyInfo ends with the uncompressed point 04‖X‖Y
    else:
        try:
            raw = bytes.fromhex(text)
        except ValueError as exc:
            raise VerificationFailed("the public key is neither hex nor PEM") from exc
    if len(raw) == 65 and raw[0] == 4:
        raw = raw[1:]
    if len(raw) != 64:
        raise VerificationFailed("the public key is not an uncompressed SM2 point")
    return raw


@dataclass(frozen=True, slots=True)
class _Head:
    tree_size: int
    root_hash: bytes
    timestamp_ms: int
    signature: bytes
    source: str

    def describe(self) -> str:
        return f"the {self.source} head of {self.tree_size} entries (timestamp_ms {self.timestamp_ms})"


def _parse_head(value: Any, source: str) -> _Head:
    try:
        head = _Head(
            tree_size=_uint(value["tree_size"]),
            root_hash=bytes.fromhex(value["root_hash"]),
            timestamp_ms=_uint(value["timestamp_ms"]),
            signature=bytes.fromhex(value["signature"]),
            source=source,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise VerificationFailed(f"a {source} tree head is malformed: {exc}") from exc
    if len(head.root_hash) != 32:
        raise VerificationFailed(f"a {source} tree head's root hash is not 32 bytes")
    return head


def _check_signature(head: _Head, public_key: bytes) -> None:
    fields = struct.pack(">QQB", head.timestamp_ms, head.tree_size, 32)
    message = HEAD_PREFIX + fields + head.root_hash + b"\x00\x00"
    try:
        good = bool(sm2_verify(public_key, message, head.signature))
    except Exception:  # gmssl_pyx raises on malformed DER; that is a bad signature too
        good = False
    if not good:
        raise VerificationFailed(f"{head.describe()} is not signed by this public key")


def _check_entries(entries: Any, head_sizes: set[int]) -> tuple[int, dict[int, bytes], list[bytes]]:
    """Walk the chain; return (count, root at each head size and at the end, leaf data by seq)."""
    if not isinstance(entries, list):
        raise VerificationFailed("the export has no entry list")
    frontier = _Frontier()
    roots = {0: frontier.root()} if 0 in head_sizes else {}
    leaves: list[bytes] = []
    prev: object = GENESIS_HASH
    for position, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise VerificationFailed(f"entry {position} is not an object", seq=position)
        if entry.get("seq") != position:
            raise VerificationFailed(
                f"entry {position}: expected seq {position}, found {entry.get('seq')!r} "
                "(an entry is missing, duplicated or out of order)",
                seq=position,
            )
        stored = entry.get("entry_hash")
        data = _hash_bytes(stored)
        if data is None:
            raise VerificationFailed(f"entry {position}: entry_hash is missing or malformed", seq=position)
        if entry.get("prev_hash") != prev:
            link = f"the hash of entry {position - 1}" if position else "the genesis hash"
            raise VerificationFailed(
                f"entry {position}: prev_hash does not match {link} (the chain is broken here)", seq=position
            )
        content = {key: value for key, value in entry.items() if key not in _NOT_HASHED}
        if not hmac.compare_digest(sm3(canonical_json(content)), data):
            raise VerificationFailed(
                f"entry {position}: its content does not match its entry_hash (the entry was edited)",
                seq=position,
            )
        if "payload" in entry and sm3(canonical_json(entry["payload"])).hex() != entry.get("payload_digest"):
            raise VerificationFailed(f"entry {position}: its payload does not match its payload_digest", seq=position)
        leaves.append(data)
        frontier.append(data)
        prev = stored
        if frontier.size in head_sizes:
            roots[frontier.size] = frontier.root()
    roots[-1] = frontier.root()
    return frontier.size, roots, leaves


def verify_export(export: Any, public_key: bytes, *, held_heads: Iterable[Any] = ()) -> ExportSummary:
    """Check an export end to end; raise ``VerificationFailed`` naming the first problem.

    Checks, in order: every entry's seq, prev_hash link and entry_hash (and payload digest when a payload
    is included); every head's signature; each head's root against the Merkle root of the entries up to its
    size; the consistency proofs between successive heads of the export; the inclusion proofs. Heads in
    ``held_heads`` (kept by a bidder from a receipt) are checked the same way, so an export that dropped or
    rewrote entries covered by them fails.
    """
    if not isinstance(export, dict) or export.get("format") != FORMAT:
        raise VerificationFailed(f"not a {FORMAT} document")
    exported = [_parse_head(h, "exported") for h in export.get("heads", [])]
    held = [_parse_head(h, "held") for h in held_heads]
    heads = sorted(exported + held, key=lambda h: (h.tree_size, h.timestamp_ms))
    count, roots, leaves = _check_entries(export.get("entries"), {h.tree_size for h in heads})
    for head in heads:
        _check_signature(head, public_key)
    checked = 0
    for head in heads:
        if head.tree_size > count:
            raise VerificationFailed(
                f"{head.describe()} covers entries 0..{head.tree_size - 1}, but the export has only {count} "
                f"entries: entries {count}..{head.tree_size - 1} are missing (deleted?)",
                seq=count,
            )
        if not hmac.compare_digest(roots[head.tree_size], head.root_hash):
            raise VerificationFailed(
                f"entries {checked}..{head.tree_size - 1} were rewritten: their Merkle root does not match "
                f"{head.describe()}",
                seq=checked,
            )
        checked = head.tree_size
    for earlier, later in itertools.pairwise(heads):
        if later.timestamp_ms < earlier.timestamp_ms:
            raise VerificationFailed(f"{later.describe()} is dated before {earlier.describe()}")
    by_size = {h.tree_size: h.root_hash for h in heads}
    proofs = _check_consistency(export.get("consistency", []), by_size, exported)
    inclusions = _check_inclusion(export.get("inclusion", []), by_size, leaves)
    root = roots[-1].hex()
    return ExportSummary(count, len(heads), proofs, inclusions, root)


def _check_consistency(items: Any, by_size: dict[int, bytes], exported: list[_Head]) -> int:
    proven: set[tuple[int, int]] = set()
    for item in items:
        try:
            first, second = _uint(item["first"]), _uint(item["second"])
            path = [bytes.fromhex(h) for h in item["path"]]
        except (KeyError, TypeError, ValueError) as exc:
            raise VerificationFailed(f"a consistency proof is malformed: {exc}") from exc
        if first not in by_size or second not in by_size:
            raise VerificationFailed(f"the consistency proof {first} -> {second} is not between signed heads")
        if not verify_consistency(first, second, path, by_size[first], by_size[second]):
            raise VerificationFailed(
                f"the consistency proof from {first} to {second} entries does not verify: "
                f"the later head does not extend the earlier one",
                seq=first,
            )
        proven.add((first, second))
    sizes = sorted({h.tree_size for h in exported})
    for first, second in itertools.pairwise(sizes):
        if (first, second) not in proven:
            raise VerificationFailed(f"no consistency proof between the heads of {first} and {second} entries")
    return len(proven)


def _check_inclusion(items: Any, by_size: dict[int, bytes], leaves: list[bytes]) -> int:
    count = 0
    for item in items:
        try:
            seq, size = _uint(item["seq"]), _uint(item["tree_size"])
            path = [bytes.fromhex(h) for h in item["path"]]
            data = bytes.fromhex(item["entry_hash"]) if "entry_hash" in item else leaves[seq]
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise VerificationFailed(f"an inclusion proof is malformed: {exc}") from exc
        if size not in by_size:
            raise VerificationFailed(f"the inclusion proof of entry {seq} is not against a signed head")
        if seq < len(leaves) and not hmac.compare_digest(data, leaves[seq]):
            raise VerificationFailed(f"entry {seq}: the inclusion proof is for another entry_hash", seq=seq)
        if not verify_inclusion(sm3(b"\x00" + data), seq, size, path, by_size[size]):
            raise VerificationFailed(
                f"entry {seq}: the inclusion proof does not lead to the head of {size} entries", seq=seq
            )
        count += 1
    return count


def _hash_bytes(value: Any) -> bytes | None:
    if not isinstance(value, str) or len(value) != 64:
        return None
    try:
        return bytes.fromhex(value)
    except ValueError:
        return None


def _uint(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{value!r} is not a non-negative integer")
    return value


def _load_json(path: str) -> Any:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m fairbid.ledger.verifier", description="Verify a ledger export.")
    parser.add_argument("export", help="the ledger export (JSON)")
    parser.add_argument("--public-key", required=True, help="platform SM2 public key: hex, or a hex/PEM file")
    parser.add_argument("--head", action="append", default=[], help="a signed tree head held independently")
    args = parser.parse_args(argv)
    try:
        key = load_public_key(args.public_key)
        held = [_load_json(path) for path in args.head]
        held = [value.get("tree_head", value) if isinstance(value, dict) else value for value in held]
        export = _load_json(args.export)
        gc.freeze()  # the parsed export lives to the end: spare the collector rescanning millions of objects
        summary = verify_export(export, key, held_heads=held)
    except VerificationFailed as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    except (OSError, json.JSONDecodeError) as exc:
        print(f"FAILED: cannot read input: {exc}", file=sys.stderr)
        return 1
    if not summary.heads:
        print("WARNING: the export has no signed head: only the hash chain was checked", file=sys.stderr)
    print(
        f"OK: {summary.entries} entries chained and hashed; {summary.heads} signed heads match their roots; "
        f"{summary.consistency_proofs} consistency and {summary.inclusion_proofs} inclusion proofs verify; "
        f"root {summary.root_hash}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
