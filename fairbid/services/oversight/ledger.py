"""Verifying the ledger, publishing signed tree heads, proofs and exports (全程留痕, RFC 9162).

``verify_ledger`` walks the chain, recomputes the Merkle tree from the entry hashes, checks every signed head
against it (and consistency between successive heads), then every tracked row against its latest entry.
``publish_head`` signs a head at section transitions and on demand — never per entry, so heads cannot be
used to count sealed bids (docs/ledger.md, "When heads are published").
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from fairbid.crypto.digest import canonical_json, sm3_hex
from fairbid.crypto.key import PrivateKey
from fairbid.domain.actor import Actor, Role
from fairbid.domain.errors import CryptoFailure, InvalidInput, NotFound, NotPermitted
from fairbid.ledger.chain import ChainBreak, EntryContent, StoredEntry, subject_digest, verify_chain
from fairbid.ledger.export import build_export, entry_json, entry_leaf, receipt_proof
from fairbid.ledger.head import HeadVerifier, KeyHeadSigner, SignedTreeHead, sign_tree_head, verify_tree_head
from fairbid.ledger.merkle import MemoryNodeStore, MerkleTree, verify_consistency
from fairbid.ledger.sealed import SEALED, check_sealed
from fairbid.ledger.snapshot import (
    SubjectType,
    bid_snapshot,
    candidate_snapshot,
    collusion_warning_snapshot,
    committee_snapshot,
    objection_snapshot,
    score_sheet_snapshot,
    score_warning_snapshot,
    section_snapshot,
)
from fairbid.ports import Clock, UnitOfWork

__all__ = [
    "LedgerReport",
    "consistency_proof",
    "export_ledger",
    "ledger_receipt",
    "list_heads",
    "list_ledger",
    "prove_commitment",
    "prove_entry",
    "publish_head",
    "verify_ledger",
]

_AUDITORS = (Role.OPERATOR, Role.SUPERVISOR, Role.MACHINE)
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True, slots=True)
class LedgerReport:
    entries: int
    head_hash: str | None
    chain_break: ChainBreak | None
    mismatches: list[ChainBreak] = field(default_factory=list)
    heads: int = 0
    root: str | None = None
    merkle: list[ChainBreak] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.chain_break is None and not self.mismatches and not self.merkle

    @property
    def first_problem(self) -> ChainBreak | None:
        problems = ([self.chain_break] if self.chain_break else []) + self.mismatches + self.merkle
        return min(problems, key=lambda p: p.seq) if problems else None


_MUST_EXIST = ("bid", "opening_record", "candidate", "objection", "collusion_warning", "score_sheet")  # never deleted
_NO_PAYLOAD: Mapping[str, Any] = {"payload": "missing"}  # digests to nothing any entry recorded


def _content(row: StoredEntry) -> EntryContent:
    return EntryContent(
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
    )


def verify_ledger(
    *,
    uow: UnitOfWork,
    actor: Actor,
    verifier: HeadVerifier | None = None,
    held_heads: Sequence[SignedTreeHead] = (),
) -> LedgerReport:
    """Check every link and hash, the Merkle log against every signed head, then every tracked row.

    A bid, score, opening record, candidate or section changed behind the platform's back (plain SQL) no
    longer hashes to the ``subject_digest`` of the entry that last vouched for it: that entry is named. An
    entry rewritten with every later hash recomputed no longer matches the root of a head signed before; the
    last entries deleted leave a signed head larger than the ledger. ``held_heads`` are heads kept outside the
    platform (a receipt's): they are checked the same way, so deleting the platform's heads does not help.
    ``verifier`` (the platform's public key) checks each head's signature.
    """
    if actor.role not in _AUDITORS:
        raise NotPermitted("Only the centre and the supervisor run a full ledger verification.")
    with uow:
        latest: dict[tuple[str, str], tuple[int, str]] = {}
        head: list[str] = []
        heads = _distinct_heads([*uow.heads.all(), *held_heads])
        wanted = {h.tree_size for h in heads}
        nodes = MemoryNodeStore()
        tree = MerkleTree(nodes)
        roots: dict[int, bytes] = {0: tree.root()} if 0 in wanted else {}
        merkle: list[ChainBreak] = []
        sealed = uow.sealed.records()
        released_at = {r.released_seq for r in sealed if r.released_seq is not None}
        released: dict[int, EntryContent] = {}
        anchors: dict[str, dict[str, tuple[int, str]]] = {"sealed_log_head": {}, "sealed_anchor": {}}

        def walk() -> Iterator[tuple[EntryContent, str, Mapping[str, Any] | None]]:
            for row in uow.ledger.iter_entries():
                if row.subject_digest is not None:
                    latest[(row.subject_type, row.subject_id)] = (row.seq, row.subject_digest)
                if row.seq in released_at:
                    released[row.seq] = _content(row)
                if row.subject_type == "section" and isinstance(row.payload, dict):
                    for key, found in anchors.items():
                        if isinstance(row.payload.get(key), str):
                            found[row.subject_id] = (row.seq, row.payload[key])
                head[:] = [row.entry_hash]
                tree.append(entry_leaf(row.entry_hash))
                if tree.size in wanted:
                    roots[tree.size] = tree.root()
                if row.merkle_nodes is not None and bytes(row.merkle_nodes) != nodes.row(row.seq):
                    merkle.append(ChainBreak(row.seq, "its stored Merkle nodes do not match the entry hashes"))
                # every stored entry has a payload; a JSON null must not switch the payload check off
                yield _content(row), row.entry_hash, row.payload if row.payload is not None else _NO_PAYLOAD

        count, chain_break = verify_chain(walk())
        merkle += _check_heads(heads, roots, tree, count, verifier)
        seeds = {s.id: seed for s in uow.sections.list_all() if (seed := uow.sections.seed(s.id)) is not None}
        merkle += check_sealed(
            sealed, released=released, opened=anchors["sealed_log_head"], closed=anchors["sealed_anchor"], seeds=seeds
        )
        for r in sealed:  # a bid's newest state is vouched for by a sealed entry until the opening
            if r.released_seq is None and r.content.subject_digest is not None:
                latest[(r.content.subject_type, r.content.subject_id)] = (SEALED, r.content.subject_digest)
        current = _current_digests(uow)
        mismatches = []
        for key, (seq, digest) in latest.items():
            now_digest = current.get(key)
            if now_digest is not None and now_digest != digest:
                mismatches.append(ChainBreak(seq, f"the {key[0]} {key[1]} was changed after this entry recorded it"))
            if now_digest is None and key[0] in _MUST_EXIST:
                mismatches.append(ChainBreak(seq, f"the {key[0]} {key[1]} this entry recorded is gone"))
        mismatches.sort(key=lambda b: b.seq)
    root = tree.root().hex() if count else None
    return LedgerReport(count, head[0] if head else None, chain_break, mismatches, len(heads), root, merkle)


def _distinct_heads(heads: Sequence[SignedTreeHead]) -> list[SignedTreeHead]:
    seen: dict[tuple[int, bytes, int], SignedTreeHead] = {}
    for h in heads:
        seen.setdefault((h.tree_size, h.root_hash, h.timestamp_ms), h)
    return sorted(seen.values(), key=lambda h: (h.tree_size, h.timestamp_ms))


def _check_heads(
    heads: Sequence[SignedTreeHead],
    roots: Mapping[int, bytes],
    tree: MerkleTree,
    count: int,
    verifier: HeadVerifier | None,
) -> list[ChainBreak]:
    """Each head: signed by the platform, its root that of the first ``tree_size`` entries; successive heads
    consistent (RFC 9162 §2.1.4) and dated in order of size."""
    problems: list[ChainBreak] = []
    good: list[SignedTreeHead] = []
    for h in heads:
        if verifier is not None:
            try:
                verify_tree_head(h, verifier)
            except CryptoFailure:
                problems.append(ChainBreak(max(h.tree_size - 1, 0), f"the head of {h.tree_size} entries is not signed"))
                continue
        if h.tree_size > count:
            problems.append(
                ChainBreak(
                    count,
                    f"a signed head covers {h.tree_size} entries but the ledger has {count}: "
                    f"entries {count}..{h.tree_size - 1} are missing (deleted?)",
                )
            )
            continue
        if roots.get(h.tree_size) != h.root_hash:
            start = good[-1].tree_size if good else 0
            problems.append(
                ChainBreak(
                    start,
                    f"entries {start}..{h.tree_size - 1} were rewritten: their Merkle root does not match "
                    f"the signed head of {h.tree_size} entries",
                )
            )
            continue
        good.append(h)
    for a, b in itertools.pairwise(good):
        if b.timestamp_ms < a.timestamp_ms:
            problems.append(ChainBreak(a.tree_size, f"the head of {b.tree_size} entries is dated before a smaller one"))
        try:
            verify_consistency(
                a.tree_size, b.tree_size, tree.consistency_proof(a.tree_size, b.tree_size), a.root_hash, b.root_hash
            )
        except CryptoFailure:
            problems.append(ChainBreak(a.tree_size, f"heads of {a.tree_size} and {b.tree_size} are inconsistent"))
    return problems


def _current_digests(uow: UnitOfWork) -> dict[tuple[str, str], str]:
    """Each tracked subject's digest as the store holds it now, keyed like its latest ledger entry."""
    out: dict[tuple[str, str], str] = {}
    for bid in uow.bids.all():
        out[(SubjectType.BID, bid.id)] = subject_digest(bid_snapshot(bid))
    for section in uow.sections.list_all():
        out[(SubjectType.SECTION, section.id)] = subject_digest(section_snapshot(section))
        for o in uow.objections.in_section(section.id):
            out[(SubjectType.OBJECTION, o.id)] = subject_digest(objection_snapshot(o))
        if section.terms_digest is not None:  # the pinned terms' stored JSON, rehashed
            stored = uow.terms.stored(section.id, section.terms_digest)
            digest = "missing" if stored is None else sm3_hex(canonical_json(stored))
            out[(SubjectType.TERMS, section.id)] = subject_digest({"terms_sm3": digest})
        for raised in uow.score_warnings.for_section(section.id):
            out[(SubjectType.SCORE_WARNING, raised.id)] = subject_digest(score_warning_snapshot(raised))
    for committee in uow.committees.all():
        out[(SubjectType.COMMITTEE, committee.section_id)] = subject_digest(committee_snapshot(committee))
        for sheet in uow.sheets.for_section(committee.section_id):
            key = (SubjectType.SCORE_SHEET, f"{committee.section_id}:{committee.seat_of(sheet.member_id)}")
            out[key] = subject_digest(score_sheet_snapshot(sheet))
    for w in uow.collusion_warnings.all():
        out[(SubjectType.COLLUSION_WARNING, w.id)] = subject_digest(collusion_warning_snapshot(w.payload))
    for rec in uow.openings.all():
        # the record's own content is rehashed, so an edited price in it shows too
        key = (SubjectType.OPENING_RECORD, rec.section_id)
        out[key] = subject_digest({"digest": sm3_hex(canonical_json(dict(rec.content)))})
    for c in uow.candidates.all():
        out[(SubjectType.CANDIDATE, f"{c.section_id}:{c.rank}")] = subject_digest(
            candidate_snapshot(c.rank, c.bid_id, c.bidder_id, str(c.price), c.awarded_at is not None)
        )
    return out


_WITHHELD_SUBJECTS = frozenset({SubjectType.EXPERT, SubjectType.EXPERT_KEY})
"""Subjects whose IDs the public list withholds: a pool expert's ID next to a time (an account linked, a status
changed, a report-signing key registered) could say who sits on a committee before the result (招标投标法
第三十七条). Auditors see them."""


def list_ledger(*, uow: UnitOfWork, actor: Actor, after: int = -1, limit: int = 100) -> list[StoredEntry]:
    """The public entries in order. Entries about sealed bids are not in the ledger before their opening; entries
    from before that rule (``embargo_section_id``) stay hidden until theirs. Expert IDs are withheld."""
    with uow:
        sealed = {s.id for s in uow.sections.list_all() if s.status.bids_are_secret}
        rows = uow.ledger.visible(sealed_section_ids=sealed, limit=min(limit, 1000), after=after)
    if actor.role in _AUDITORS:
        return rows
    return [replace(r, subject_id="withheld") if r.subject_type in _WITHHELD_SUBJECTS else r for r in rows]


def publish_head(
    *,
    uow: UnitOfWork,
    clock: Clock,
    platform_key: PrivateKey,
    interval: timedelta = timedelta(minutes=10),
    force: bool = False,
) -> SignedTreeHead | None:
    """Sign and store a head of the ledger as it is now; return it, or ``None`` when none is due.

    A head is due on a fixed cadence: once per ``interval`` window of the server clock (aligned to the epoch),
    when the ledger grew since the last head; or when ``force`` (on demand by the centre: ``fairbid ledger
    head``, an export). No participant picks the instant. Nor could a head count bids at any instant: entries
    about sealed bids stay out of the ledger until their section's opening (``trace.record_sealed``), so a
    head's size never includes them (招标投标法 第二十二条).
    """
    now = clock.now()
    with uow:
        last_seq, _ = uow.ledger.lock_head()
        size = last_seq + 1
        repo = uow.heads
        latest = repo.latest()
        if size == 0 or (latest is not None and latest.tree_size >= size):
            return None
        window = int(interval.total_seconds() * 1000)
        if not force and latest is not None and _epoch_ms(now) // window <= latest.timestamp_ms // window:
            return None
        uow.ledger.backfill()  # entries recorded before the Merkle log, if any
        root = uow.ledger.merkle(size).root()
        head = sign_tree_head(size, root, now=now, signer=KeyHeadSigner(platform_key))
        repo.add(head, suite=platform_key.suite.value, published_at=now)
        uow.commit()
    return head


def _epoch_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def list_heads(*, uow: UnitOfWork) -> list[tuple[SignedTreeHead, datetime]]:
    """Every signed head ever published, smallest first, with its publication time (public)."""
    with uow:
        return uow.heads.published()


def prove_entry(seq: int, *, uow: UnitOfWork) -> dict[str, Any]:
    """The inclusion proof of entry ``seq`` against the newest signed head, as a receipt carries it.

    Raises ``NotFound`` when no published head covers the entry yet (the next comes with the next section
    transition).

    Two queries: the newest head with the entry's hash, then the node rows of the path. The head's
    signature is not checked here — the platform signed it, and the reader checks it
    (``export.verify_receipt_proof``); the tree's frontier is not read — a proof does not need it.
    """
    with uow:
        uow.read_only()
        head, entry = uow.heads.latest_and_entry(seq)
        if head is None or not 0 <= seq < head.tree_size:
            raise NotFound(f"No published head covers ledger entry {seq} yet; heads follow section transitions.")
        if entry is None:
            raise NotFound(f"Ledger entry {seq} does not exist.")
        tree = uow.ledger.merkle(head.tree_size, load_frontier=False)
        return receipt_proof(tree, seq=seq, entry_hash=entry, head=head)


def ledger_receipt(commitment: str, *, uow: UnitOfWork) -> dict[str, Any]:
    """What a bid receipt adds about the ledger: the entry's commitment and the newest signed head.

    The submission's entry joins the ledger only at the opening (``trace.record_sealed``), so the receipt holds
    no position and no proof yet; afterwards ``prove_commitment`` (``GET /api/ledger/commitments/{c}``,
    ``fairbid ledger prove --commitment C``) gives the entry, its position and its inclusion proof.
    """
    with uow:
        uow.read_only()
        head = uow.heads.latest()
        return {
            "entry_commitment": commitment,
            "tree_head": None if head is None else head.to_json(),
            "inclusion": None,
        }


def prove_commitment(commitment: str, *, uow: UnitOfWork) -> dict[str, Any]:
    """The entry a receipt's commitment names, once its section's opening put it in the ledger, with its proof.

    The same ``NotFound`` for a commitment that does not exist and for one still sealed: nobody learns from
    this call whether a bid exists before the opening (招标投标法 第二十二条). ``inclusion`` is ``None`` until a
    signed head covers the entry (heads follow a fixed cadence).
    """
    if not _HEX64.match(commitment):
        raise InvalidInput("A commitment is 64 lower-case hex digits.", field="commitment")
    with uow:
        sealed = uow.sealed.find(commitment)
        if sealed is None or sealed.released_seq is None:
            raise NotFound("No ledger entry has this commitment yet; entries about bids join it at the opening.")
        seq = sealed.released_seq
        rows = uow.ledger.for_seqs([seq])
        if not rows:
            raise NotFound(f"Ledger entry {seq} does not exist.")
        row = rows[0]
        out: dict[str, Any] = {
            "entry": entry_json(_content(row), row.entry_hash),
            "seq": seq,
            "tree_head": None,
            "inclusion": None,
        }
        head = uow.heads.latest()
        if head is not None and seq < head.tree_size:
            tree = uow.ledger.merkle(head.tree_size, load_frontier=False)
            out.update(receipt_proof(tree, seq=seq, entry_hash=row.entry_hash, head=head))
        return out


def consistency_proof(first: int, second: int, *, uow: UnitOfWork) -> list[str]:
    """The RFC 9162 consistency proof between two published head sizes (hex hashes)."""
    with uow:
        uow.read_only()
        if not 0 <= first <= second or not uow.heads.has_size(second):
            raise InvalidInput(f"No consistency proof from {first} to {second}: {second} is not a published head size.")
        tree = uow.ledger.merkle(second, load_frontier=False)
        return [h.hex() for h in tree.consistency_proof(first, second)]


def export_ledger(*, uow: UnitOfWork, actor: Actor, inclusion: Sequence[int] = ()) -> dict[str, Any]:
    """The whole ledger with payloads, every head and their proofs (``fairbid-ledger-export/1``).

    Payloads of sealed bids are in it, so only the centre and the supervisor may export.
    """
    if actor.role not in _AUDITORS:
        raise NotPermitted("Only the centre and the supervisor export the whole ledger.")
    with uow:
        heads = uow.heads.all()
        top = heads[-1].tree_size if heads else 0
        entries = [entry_json(_content(r), r.entry_hash, payload=r.payload) for r in uow.ledger.iter_entries()]
        tree = uow.ledger.merkle(top)
        return build_export(entries, tree=tree, heads=heads, inclusion=[s for s in inclusion if s < top])
