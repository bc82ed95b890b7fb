"""Checking the chains of sealed entries: what a section recorded about its bids before the opening.

Entries about sealed bids wait outside the ledger, chained per section (``chain.sealed_link``), until the opening
appends them (``services.trace.release_sealed``). A section that opened records the chain's last link in its
``section:opened`` entry; one that closed without an opening records SM3(seed ‖ last link). ``check_sealed``
recomputes every commitment and link from the stored rows and holds them to the ledger.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fairbid.crypto.digest import sm3_hex
from fairbid.ledger.chain import GENESIS_HASH, ChainBreak, EntryContent, entry_commitment, payload_digest, sealed_link

__all__ = ["SEALED", "SealedRecord", "check_sealed"]

SEALED = -1  # the ``seq`` a problem gets when the entry it names is not (yet) in the ledger


@dataclass(frozen=True, slots=True)
class SealedRecord:
    """A stored sealed entry: its content without a place in the ledger, its payload and its chain link."""

    section_id: str
    position: int
    commitment: str
    link: str
    content: EntryContent  # with seq -1 and the genesis prev_hash: neither is part of the commitment
    payload: Mapping[str, Any] | None
    released_seq: int | None


def check_sealed(
    records: Sequence[SealedRecord],
    *,
    released: Mapping[int, EntryContent],
    opened: Mapping[str, tuple[int, str]],
    closed: Mapping[str, tuple[int, str]],
    seeds: Mapping[str, str],
) -> list[ChainBreak]:
    """Every problem with the sealed entries, each named by the ledger entry that vouches for it.

    ``released``: the ledger's entries at the records' ``released_seq``; ``opened``/``closed``: per section, the
    seq and the recorded last link (or anchor) of its ``section:opened`` or closing entry; ``seeds``: the
    sections' seeds, to check a closing anchor.
    """
    problems: list[ChainBreak] = []
    by_section: dict[str, list[SealedRecord]] = {}
    for r in records:
        by_section.setdefault(r.section_id, []).append(r)
    for section_id in sorted(set(by_section) | set(opened) | set(closed)):
        rows = sorted(by_section.get(section_id, []), key=lambda r: r.position)
        link = GENESIS_HASH
        for expected, r in enumerate(rows):
            where = r.released_seq if r.released_seq is not None else SEALED
            name = f"section {section_id}'s sealed entry {r.position} ({r.content.action} {r.content.subject_id})"
            if r.position != expected:
                problems.append(ChainBreak(where, f"{name}: positions jump from {expected - 1} to {r.position}"))
            if r.payload is None or payload_digest(r.payload) != r.content.payload_digest:
                problems.append(ChainBreak(where, f"{name}: its stored payload does not match its digest"))
            if entry_commitment(r.content) != r.commitment:
                problems.append(ChainBreak(where, f"{name}: its content does not match its commitment"))
            link = sealed_link(link, r.commitment)
            if link != r.link:
                problems.append(ChainBreak(where, f"{name}: its link to the previous sealed entry is broken"))
            if r.released_seq is not None:
                appended = released.get(r.released_seq)
                if appended is None or entry_commitment(appended) != r.commitment:
                    problems.append(ChainBreak(r.released_seq, f"{name}: the ledger entry it became is not it"))
        if section_id in opened:
            seq, recorded = opened[section_id]
            unreleased = [r.position for r in rows if r.released_seq is None]
            if recorded != link or unreleased:
                problems.append(
                    ChainBreak(seq, f"section {section_id}'s sealed entries are not the ones its opening appended")
                )
        elif section_id in closed:
            seq, recorded = closed[section_id]
            seed = seeds.get(section_id)
            anchor = link if seed is None else sm3_hex(bytes.fromhex(seed) + bytes.fromhex(link))
            if recorded != anchor:
                problems.append(
                    ChainBreak(seq, f"section {section_id}'s sealed entries are not the ones recorded when it closed")
                )
    return problems
