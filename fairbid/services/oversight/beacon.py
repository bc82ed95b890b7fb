"""Recomputing a section's random draws from public data only (随机抽取，可复算).

What is read: the ledger entries about the section and its bids (public once the section has opened) and the
published opening record. What is recomputed, with nothing but SM3:

1. the seed revealed at the opening against the commitment ``SM3(seed)`` published at publication;
2. the envelope digests the beacon covers against the bids the ledger shows sealed at the deadline;
3. ``beacon = SM3(seed ‖ sorted digests ‖ section id)`` (``crypto.draw.compute_beacon``) against the one
   revealed and the one in the opening record;
4. the K set the opening drew from against the set in the executable terms pinned at publication (the
   ``terms.pinned`` entry carries them whole; their SM3 is the one the publication entry names), and K, drawn with
   ``fairbid.crypto.draw.draw_k`` from the beacon and that set, against the K revealed and the K in the opening
   record;
5. that every committee draw recorded for the section used this beacon (the expert draw itself needs the
   pool, which is not public data).

Each ledger entry used is first checked against its own payload digest.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from fairbid.crypto.digest import sm3_hex
from fairbid.crypto.draw import compute_beacon, draw_k
from fairbid.domain.actor import Actor
from fairbid.domain.errors import FairbidError, NotFound
from fairbid.domain.section import Section
from fairbid.domain.terms import terms_from_json
from fairbid.ledger.chain import LedgerAction, StoredEntry, payload_digest
from fairbid.ledger.snapshot import SubjectType, terms_digest
from fairbid.ports import UnitOfWork

__all__ = ["BeaconVerification", "DrawCheck", "verify_beacon"]

_COMMITTEE_DRAWS = ("committee:drawn", "committee:replaced")


@dataclass(frozen=True, slots=True)
class DrawCheck:
    """One recomputation: what was published (and where) against what the public data gives."""

    name: str
    published: str
    recomputed: str
    source: str

    @property
    def ok(self) -> bool:
        return self.published == self.recomputed


@dataclass(frozen=True, slots=True)
class BeaconVerification:
    """Every check of one section; ``ok`` when there is at least one and none failed."""

    section_id: str
    section_code: str
    checks: tuple[DrawCheck, ...]

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)

    def to_json(self) -> dict[str, Any]:
        return {
            "section_id": self.section_id,
            "section_code": self.section_code,
            "ok": self.ok,
            "checks": [
                {"name": c.name, "ok": c.ok, "published": c.published, "recomputed": c.recomputed, "source": c.source}
                for c in self.checks
            ],
        }


def verify_beacon(section_ref: str, *, uow: UnitOfWork, actor: Actor) -> BeaconVerification:
    """Recompute the beacon and every draw of a section (by ID or code) from its public ledger and record.

    Anyone may ask (``actor`` is any role, the public included). Before the opening there is nothing public
    to recompute, and the answer is the same "not found" for every section, so it reveals nothing.

    >>> verify_beacon("S-2026-001", uow=uow, actor=ANONYMOUS_PUBLIC).ok  # doctest: +SKIP
    True
    """
    with uow:
        section = _find(uow, section_ref)
        if section.status.bids_are_secret or section.beacon is None:
            raise NotFound(f"Section {section_ref} has no revealed beacon: it has not been opened.")
        entries = uow.ledger.for_subject("section", section.id)
        revealed = _last(entries, LedgerAction.BEACON_REVEALED)
        published = _last(entries, LedgerAction.SECTION_PUBLISHED)
        if revealed is None or published is None:
            raise NotFound(f"The ledger holds no publication or beacon entry for section {section_ref}.")
        pinned = _last(uow.ledger.for_subject(SubjectType.TERMS, section.id), LedgerAction.TERMS_PINNED)
        bid_entries = uow.ledger.for_subjects({("bid", b.id) for b in uow.bids.in_section(section.id)})
        draws = [e for e in uow.ledger.for_subject("committee", section.id) if e.action in _COMMITTEE_DRAWS]
        record = uow.openings.get(section.id)
        record_content = None if record is None else dict(record.content)
    checks: list[DrawCheck] = []
    for entry in (published, revealed, *([pinned] if pinned else []), *bid_entries, *draws):
        checks.append(
            DrawCheck(
                f"ledger entry {entry.seq} matches its payload digest",
                entry.payload_digest,
                payload_digest(entry.payload),
                f"ledger {entry.seq} ({entry.action})",
            )
        )
    p = revealed.payload
    seed = str(p.get("seed", ""))
    digests = [str(d) for d in p.get("envelope_digests", [])]
    committed = str(published.payload.get("seed_commitment"))
    checks.append(
        DrawCheck("seed commitment SM3(seed)", committed, _sm3_of_hex(seed), f"ledger {published.seq} (publication)")
    )
    checks.append(
        DrawCheck(
            "envelope digests = bids sealed at the deadline",
            ",".join(sorted(digests)),
            ",".join(_sealed_at(bid_entries, section.id, before=revealed.seq)),
            f"ledger {revealed.seq} against the bid entries",
        )
    )
    beacon = _beacon(seed, digests, section.id)
    checks.append(DrawCheck("beacon (revealed)", str(p.get("beacon")), beacon, f"ledger {revealed.seq}"))
    k_values = [str(v) for v in p.get("k_values", [])]
    checks += _pinned_set(pinned, published, k_values)
    k = _k(beacon, k_values)
    checks.append(DrawCheck("K (revealed)", str(p.get("k")), k, f"ledger {revealed.seq}"))
    if record_content is not None:
        checks.append(DrawCheck("beacon (opening record)", str(record_content.get("beacon")), beacon, "opening record"))
        checks.append(DrawCheck("K (opening record)", str(record_content.get("k")), k, "opening record"))
    for e in draws:
        checks.append(DrawCheck(f"beacon of {e.action}", str(e.payload.get("beacon")), beacon, f"ledger {e.seq}"))
    return BeaconVerification(section.id, section.code, tuple(checks))


def _pinned_set(pinned: StoredEntry | None, published: StoredEntry, k_values: list[str]) -> list[DrawCheck]:
    """The pinned terms are the ones the publication named, and the K set drawn from is theirs."""
    if pinned is None:
        return [DrawCheck("terms pinned before the opening", "(no terms.pinned entry)", "terms.pinned", "ledger")]
    where = f"ledger {pinned.seq} (terms pinned)"
    try:
        terms = terms_from_json(pinned.payload.get("terms", {}))
    except FairbidError as e:
        return [DrawCheck("pinned terms parse", str(e), "fairbid-terms/1", where)]
    checks = [
        DrawCheck("K set = the pinned terms' set", ",".join(k_values), ",".join(str(k) for k in terms.k_values), where)
    ]
    if "terms_sm3" in published.payload:
        checks.append(
            DrawCheck(
                "pinned terms = those the publication named",
                str(published.payload["terms_sm3"]),
                terms_digest(terms),
                where,
            )
        )
    return checks


def _find(uow: UnitOfWork, ref: str) -> Section:
    try:
        return uow.sections.get(ref)
    except NotFound:
        for section in uow.sections.list_public():
            if section.code == ref:
                return section
    raise NotFound(f"Section {ref} has no revealed beacon: it has not been opened.")


def _last(entries: list[StoredEntry], action: LedgerAction) -> StoredEntry | None:
    return next((e for e in reversed(entries) if e.action == action.value), None)


def _sealed_at(entries: list[StoredEntry], section_id: str, *, before: int) -> list[str]:
    """The envelope digest of every bid whose last entry before ``before`` left it sealed in the section."""
    state: dict[str, str | None] = {}
    for e in entries:
        if e.seq >= before or e.payload.get("section_id") != section_id:
            continue
        if e.action in (LedgerAction.BID_SUBMITTED.value, LedgerAction.BID_REPLACED.value):
            state[e.subject_id] = str(e.payload.get("envelope_digest"))
        elif e.action == LedgerAction.BID_WITHDRAWN.value:
            state[e.subject_id] = None
    return sorted(d for d in state.values() if d is not None)


def _sm3_of_hex(value: str) -> str:
    try:
        return sm3_hex(bytes.fromhex(value))
    except ValueError:
        return "(not hex)"


def _beacon(seed: str, digests: list[str], section_id: str) -> str:
    try:
        return compute_beacon(bytes.fromhex(seed), digests, section_id).hex()
    except ValueError:
        return "(seed or digests not hex)"


def _k(beacon: str, k_values: list[str]) -> str:
    try:
        return str(draw_k(bytes.fromhex(beacon), [Decimal(v) for v in k_values]))
    except (ValueError, InvalidOperation):
        return "(no K values or beacon)"
