"""Verifying the ledger against itself and against the rows it vouches for."""

from __future__ import annotations

from dataclasses import dataclass, field

from fairbid.crypto.digest import canonical_json, sm3_hex
from fairbid.domain.actor import Actor, Role
from fairbid.domain.errors import NotPermitted
from fairbid.ledger.chain import ChainBreak, EntryContent, subject_digest, verify_chain
from fairbid.services.trace import bid_snapshot, candidate_snapshot, section_snapshot
from fairbid.store.rows import LedgerEntryRow
from fairbid.store.uow import SqlUnitOfWork

__all__ = ["LedgerReport", "list_ledger", "verify_ledger"]


@dataclass(frozen=True, slots=True)
class LedgerReport:
    entries: int
    head_hash: str | None
    chain_break: ChainBreak | None
    mismatches: list[ChainBreak] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.chain_break is None and not self.mismatches

    @property
    def first_problem(self) -> ChainBreak | None:
        problems = ([self.chain_break] if self.chain_break else []) + self.mismatches
        return min(problems, key=lambda p: p.seq) if problems else None


def _content(row: LedgerEntryRow) -> EntryContent:
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


def verify_ledger(*, uow: SqlUnitOfWork, actor: Actor) -> LedgerReport:
    """Check every link and hash, then that each tracked row still matches its latest entry.

    A bid, score, opening record, candidate or section changed behind the platform's back (plain SQL)
    no longer hashes to the ``subject_digest`` of the entry that last vouched for it: that entry is named.
    """
    if actor.role not in (Role.OPERATOR, Role.SUPERVISOR, Role.MACHINE):
        raise NotPermitted("Only the centre and the supervisor run a full ledger verification.")
    with uow:
        latest: dict[tuple[str, str], tuple[int, str]] = {}
        head: list[str] = []

        def walk() -> object:
            for row in uow.ledger.iter_rows():
                if row.subject_digest is not None:
                    latest[(row.subject_type, row.subject_id)] = (row.seq, row.subject_digest)
                head[:] = [row.entry_hash]
                yield _content(row), row.entry_hash, row.payload

        count, chain_break = verify_chain(walk())  # type: ignore[arg-type]
        current = _current_digests(uow)
        mismatches = []
        for key, (seq, digest) in latest.items():
            now_digest = current.get(key)
            if now_digest is not None and now_digest != digest:
                mismatches.append(ChainBreak(seq, f"the {key[0]} {key[1]} was changed after this entry recorded it"))
            if now_digest is None and key[0] in ("bid", "opening_record", "candidate"):
                mismatches.append(ChainBreak(seq, f"the {key[0]} {key[1]} this entry recorded is gone"))
        mismatches.sort(key=lambda b: b.seq)
    return LedgerReport(count, head[0] if head else None, chain_break, mismatches)


def _current_digests(uow: SqlUnitOfWork) -> dict[tuple[str, str], str]:
    out: dict[tuple[str, str], str] = {}
    for bid in uow.bids.all():
        out[("bid", bid.id)] = subject_digest(bid_snapshot(bid))
    for section in uow.sections.list_all():
        out[("section", section.id)] = subject_digest(section_snapshot(section))
    for rec in uow.records.opening_records():
        # the record's own content is rehashed, so an edited price in it shows too
        out[("opening_record", rec.section_id)] = subject_digest({"digest": sm3_hex(canonical_json(rec.content))})
    for c in uow.records.all_candidates():
        out[("candidate", f"{c.section_id}:{c.rank}")] = subject_digest(
            candidate_snapshot(c.rank, c.bid_id, c.bidder_id, str(c.price), c.awarded_at is not None)
        )
    return out


def list_ledger(*, uow: SqlUnitOfWork, actor: Actor, after: int = -1, limit: int = 100) -> list[LedgerEntryRow]:
    """The public prefix of the ledger, up to the first entry about a bid still sealed (see ``visible``)."""
    with uow:
        sealed = {s.id for s in uow.sections.list_all() if s.status.bids_are_secret}
        return uow.ledger.visible(sealed_section_ids=sealed, limit=min(limit, 1000), after=after)
