"""Repositories: rows to domain objects and back, explicitly; optimistic locking through ``version``."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from fairbid.domain.actor import Role
from fairbid.domain.bid import Bid, BidStatus, OpenedBidData
from fairbid.domain.errors import Conflict, NotFound
from fairbid.domain.party import Organisation, Project, User
from fairbid.domain.section import Schedule, Section, SectionKind, SectionStatus
from fairbid.ledger.chain import EntryContent
from fairbid.store.rows import (
    BidRow,
    CandidateRow,
    DocumentRow,
    KeyRow,
    LedgerEntryRow,
    OpeningRecordRow,
    OrganisationRow,
    PlatformMarkRow,
    ProjectRow,
    SectionRow,
    SignInFailureRow,
    TokenRow,
    UserRow,
)

__all__ = [
    "BidRepository",
    "KeyRepository",
    "LedgerRepository",
    "MarkRepository",
    "OrganisationRepository",
    "ProjectRepository",
    "RecordRepository",
    "SectionRepository",
    "UserRepository",
]


class OrganisationRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, org: Organisation, *, now: datetime) -> None:
        self.session.add(
            OrganisationRow(id=org.id, name=org.name, credit_code=org.credit_code, region=org.region, created_at=now)
        )

    def get(self, org_id: str) -> Organisation:
        row = self.session.get(OrganisationRow, org_id)
        if row is None:
            raise NotFound(f"No organisation with id {org_id}.")
        return _org(row)

    def by_credit_code(self, code: str) -> Organisation | None:
        row = self.session.scalars(select(OrganisationRow).where(OrganisationRow.credit_code == code)).first()
        return None if row is None else _org(row)

    def names(self, ids: Sequence[str]) -> dict[str, Organisation]:
        rows = self.session.scalars(select(OrganisationRow).where(OrganisationRow.id.in_(list(ids))))
        return {r.id: _org(r) for r in rows}


def _org(row: OrganisationRow) -> Organisation:
    return Organisation(id=row.id, name=row.name, credit_code=row.credit_code, region=row.region)


class UserRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, user: User, *, password_hash: str, now: datetime) -> None:
        self.session.add(
            UserRow(
                id=user.id,
                username=user.username,
                display_name=user.display_name,
                password_hash=password_hash,
                role=user.role.value,
                organisation_id=user.organisation_id,
                active=user.active,
                created_at=now,
            )
        )

    def by_username(self, username: str) -> tuple[User, str] | None:
        row = self.session.scalars(select(UserRow).where(UserRow.username == username)).first()
        return None if row is None else (_user(row), row.password_hash)

    def get(self, user_id: str) -> User:
        row = self.session.get(UserRow, user_id)
        if row is None:
            raise NotFound(f"No user with id {user_id}.")
        return _user(row)

    def set_password_hash(self, user_id: str, password_hash: str) -> None:
        row = self.session.get(UserRow, user_id)
        if row is not None:
            row.password_hash = password_hash

    def add_token(self, digest: str, user_id: str, *, issued_at: datetime, expires_at: datetime) -> None:
        self.session.add(TokenRow(token_digest=digest, user_id=user_id, issued_at=issued_at, expires_at=expires_at))

    def token(self, digest: str) -> tuple[str, datetime, datetime | None] | None:
        row = self.session.get(TokenRow, digest)
        return None if row is None else (row.user_id, row.expires_at, row.revoked_at)

    def revoke_token(self, digest: str, *, now: datetime) -> None:
        row = self.session.get(TokenRow, digest)
        if row is not None and row.revoked_at is None:
            row.revoked_at = now

    def sign_in_failures(self, key_digest: str, *, since: datetime) -> list[datetime]:
        """When ``key_digest`` failed to sign in after ``since``, oldest first."""
        stmt = (
            select(SignInFailureRow.failed_at)
            .where(SignInFailureRow.key_digest == key_digest, SignInFailureRow.failed_at > since)
            .order_by(SignInFailureRow.failed_at)
        )
        return list(self.session.scalars(stmt))

    def add_sign_in_failure(self, key_digest: str, *, now: datetime) -> None:
        self.session.add(SignInFailureRow(key_digest=key_digest, failed_at=now))

    def clear_sign_in_failures(self, key_digest: str) -> None:
        self.session.execute(delete(SignInFailureRow).where(SignInFailureRow.key_digest == key_digest))

    def prune_sign_in_failures(self, *, before: datetime) -> None:
        """Forget failures at or before ``before``: they no longer count towards any limit."""
        self.session.execute(delete(SignInFailureRow).where(SignInFailureRow.failed_at <= before))


def _user(row: UserRow) -> User:
    return User(
        id=row.id,
        username=row.username,
        display_name=row.display_name,
        role=Role(row.role),
        organisation_id=row.organisation_id,
        active=row.active,
    )


class KeyRepository:
    """Bidders' public keys."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, key_id: str, organisation_id: str, suite: str, public_key: str, *, now: datetime) -> None:
        self.session.add(
            KeyRow(
                key_id=key_id,
                organisation_id=organisation_id,
                suite=suite,
                public_key=public_key,
                registered_at=now,
            )
        )

    def get(self, key_id: str) -> KeyRow | None:
        return self.session.get(KeyRow, key_id)

    def active_for(self, organisation_id: str) -> list[KeyRow]:
        stmt = select(KeyRow).where(KeyRow.organisation_id == organisation_id, KeyRow.revoked_at.is_(None))
        return list(self.session.scalars(stmt))


class ProjectRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, project: Project) -> None:
        self.session.add(
            ProjectRow(
                id=project.id,
                code=project.code,
                name=project.name,
                tenderee_id=project.tenderee_id,
                agency_id=project.agency_id,
                created_at=project.created_at,
            )
        )

    def get(self, project_id: str) -> Project:
        row = self.session.get(ProjectRow, project_id)
        if row is None:
            raise NotFound(f"No project with id {project_id}.")
        return Project(row.id, row.code, row.name, row.tenderee_id, row.agency_id, row.created_at)

    def code_taken(self, code: str) -> bool:
        return self.session.scalars(select(ProjectRow.id).where(ProjectRow.code == code)).first() is not None


class SectionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, section: Section, *, now: datetime) -> None:
        row = SectionRow(id=section.id, created_at=now, version=0, open_objections=0)
        _section_to_row(section, row)
        self.session.add(row)
        self.session.flush()
        section.version = row.version

    def get(self, section_id: str, *, for_update: bool = False) -> Section:
        """Load a section; ``for_update`` locks its row (PostgreSQL) so the opening and a late upload serialise."""
        return _section(self._row(section_id, for_update=for_update))

    def _row(self, section_id: str, *, for_update: bool = False) -> SectionRow:
        row = self.session.get(SectionRow, section_id, with_for_update=for_update or None)
        if row is None:
            raise NotFound(f"No section with id {section_id}.")
        return row

    def code_taken(self, code: str) -> bool:
        return self.session.scalars(select(SectionRow.id).where(SectionRow.code == code)).first() is not None

    def save(self, section: Section, *, next_check: datetime | None) -> None:
        row = self._row(section.id)
        if row.version != section.version:
            raise Conflict(f"Section {section.code} was changed by someone else; reload and try again.")
        _section_to_row(section, row)
        row.next_check = next_check
        self.session.flush()
        section.version = row.version

    def seed(self, section_id: str) -> str | None:
        """The platform's secret seed; only the publication and opening use cases read it."""
        return self._row(section_id).seed

    def set_seed(self, section_id: str, seed: str) -> None:
        self._row(section_id).seed = seed

    def due_ids(self, now: datetime) -> list[str]:
        stmt = select(SectionRow.id).where(SectionRow.next_check <= now).order_by(SectionRow.next_check)
        return list(self.session.scalars(stmt))

    def list_public(self, limit: int = 200) -> list[Section]:
        stmt = (
            select(SectionRow)
            .where(SectionRow.status.not_in([SectionStatus.DRAFT.value, SectionStatus.CHECKED.value]))
            .order_by(SectionRow.created_at.desc())
            .limit(limit)
        )
        return [_section(r) for r in self.session.scalars(stmt)]

    def list_all(self) -> list[Section]:
        return [_section(r) for r in self.session.scalars(select(SectionRow).order_by(SectionRow.created_at))]

    def next_check_of(self, section_id: str) -> datetime | None:
        return self._row(section_id).next_check


def _section_to_row(s: Section, row: SectionRow) -> None:
    row.project_id = s.project_id
    row.code = s.code
    row.name = s.name
    row.kind = s.kind.value
    row.estimated_price = s.estimated_price
    row.ceiling_price = s.ceiling_price
    row.sale_start = s.schedule.sale_start
    row.sale_end = s.schedule.sale_end
    row.bid_deadline = s.schedule.bid_deadline
    row.decryption_minutes = s.schedule.decryption_minutes
    row.publicity_days = s.schedule.publicity_days
    row.tenderee_id = s.tenderee_id
    row.agency_id = s.agency_id
    row.status = s.status.value
    row.state_funded = s.state_funded
    row.k_values = [str(k) for k in s.k_values]
    row.seed_commitment = s.seed_commitment
    row.beacon = s.beacon
    row.document_digest = s.document_digest
    row.publicity_ends = s.publicity_ends
    row.open_objections = s.open_objections
    row.outcome_reason = s.outcome_reason


def _section(row: SectionRow) -> Section:
    return Section(
        id=row.id,
        project_id=row.project_id,
        code=row.code,
        name=row.name,
        kind=SectionKind(row.kind),
        estimated_price=row.estimated_price,
        ceiling_price=row.ceiling_price,
        schedule=Schedule(
            sale_start=row.sale_start,
            sale_end=row.sale_end,
            bid_deadline=row.bid_deadline,
            decryption_minutes=row.decryption_minutes,
            publicity_days=row.publicity_days,
        ),
        tenderee_id=row.tenderee_id,
        agency_id=row.agency_id,
        status=SectionStatus(row.status),
        version=row.version,
        state_funded=row.state_funded,
        k_values=tuple(Decimal(k) for k in row.k_values),
        seed_commitment=row.seed_commitment,
        beacon=row.beacon,
        revealed_seed=row.seed if row.beacon else None,  # 开标时公开 with the beacon
        document_digest=row.document_digest,
        publicity_ends=row.publicity_ends,
        open_objections=row.open_objections,
        outcome_reason=row.outcome_reason,
    )


class BidRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def for_bidder(self, section_id: str, bidder_id: str) -> Bid | None:
        stmt = select(BidRow).where(BidRow.section_id == section_id, BidRow.bidder_id == bidder_id)
        row = self.session.scalars(stmt).first()
        return None if row is None else _bid(row)

    def get(self, bid_id: str) -> Bid:
        row = self.session.get(BidRow, bid_id)
        if row is None:
            raise NotFound(f"No bid with id {bid_id}.")
        return _bid(row)

    def in_section(self, section_id: str) -> list[Bid]:
        stmt = select(BidRow).where(BidRow.section_id == section_id).order_by(BidRow.submitted_at, BidRow.id)
        return [_bid(r) for r in self.session.scalars(stmt)]

    def all(self) -> Iterator[Bid]:
        for row in self.session.scalars(select(BidRow).order_by(BidRow.id)):
            yield _bid(row)

    def record_authoring(
        self, bid_id: str, *, machine_fingerprint: str, signing_key_id: str, tool_version: str, upload_ip: str | None
    ) -> None:
        """Envelope metadata and the upload address, for the collusion checks (条例 第四十条)."""
        row = self.session.get(BidRow, bid_id)
        if row is not None:
            row.machine_fingerprint = machine_fingerprint
            row.signing_key_id = signing_key_id
            row.tool_version = tool_version
            row.upload_ip = upload_ip

    def record_decrypt_ip(self, bid_id: str, ip: str | None) -> None:
        row = self.session.get(BidRow, bid_id)
        if row is not None:
            row.decrypt_ip = ip

    def save(self, bid: Bid) -> None:
        row = self.session.get(BidRow, bid.id)
        if row is None:
            row = BidRow(id=bid.id, version=0)
            self.session.add(row)
        elif row.version != bid.version:
            raise Conflict("This bid was changed by another request; reload and try again.")
        row.section_id = bid.section_id
        row.bidder_id = bid.bidder_id
        row.envelope_digest = bid.envelope_digest
        row.envelope_size = bid.envelope_size
        row.submitted_at = bid.submitted_at
        row.status = bid.status.value
        row.revision = bid.revision
        row.price = bid.data.price if bid.data else None
        row.data = _bid_data_json(bid.data, bid.attachments)
        row.decrypted_at = bid.decrypted_at
        row.reject_reason = bid.reject_reason
        self.session.flush()
        bid.version = row.version


def _bid_data_json(data: OpenedBidData | None, attachments: list[tuple[str, str, int]]) -> dict[str, Any] | None:
    if data is None:
        return None
    return {
        "attachments": [list(a) for a in attachments],
        "price": str(data.price),
        "duration_days": data.duration_days,
        "quality": data.quality,
        "project_manager_id": data.project_manager_id,
        "bid_security_ref": data.bid_security_ref,
        "extra": [list(pair) for pair in data.extra],
    }


def _bid(row: BidRow) -> Bid:
    data = None
    if row.data is not None:
        d = row.data
        # The price column is authoritative; the JSON copy is display data.
        data = OpenedBidData(
            price=row.price if row.price is not None else Decimal(d["price"]),
            duration_days=int(d["duration_days"]),
            quality=str(d["quality"]),
            project_manager_id=str(d["project_manager_id"]),
            bid_security_ref=d.get("bid_security_ref"),
            extra=tuple((str(k), str(v)) for k, v in d.get("extra", [])),
        )
    attachments = [(str(n), str(d), int(z)) for n, d, z in (row.data or {}).get("attachments", [])]
    return Bid(
        attachments=attachments,
        id=row.id,
        section_id=row.section_id,
        bidder_id=row.bidder_id,
        envelope_digest=row.envelope_digest,
        envelope_size=row.envelope_size,
        submitted_at=row.submitted_at,
        status=BidStatus(row.status),
        revision=row.revision,
        version=row.version,
        data=data,
        decrypted_at=row.decrypted_at,
        reject_reason=row.reject_reason,
    )


class LedgerRepository:
    """Append-only access to the ledger table. Appends are serialised so ``seq`` has no gaps."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def lock_head(self) -> tuple[int, str | None]:
        """Serialise appenders (PostgreSQL advisory lock; SQLite holds its write lock already)."""
        if self.session.get_bind().dialect.name == "postgresql":
            self.session.execute(text("SELECT pg_advisory_xact_lock(4207001)"))
        row = self.session.execute(
            select(LedgerEntryRow.seq, LedgerEntryRow.entry_hash).order_by(LedgerEntryRow.seq.desc()).limit(1)
        ).first()
        return (-1, None) if row is None else (row[0], row[1])

    def add(
        self,
        content: EntryContent,
        *,
        entry_hash: str,
        payload: dict[str, Any],
        embargo_section_id: str | None,
    ) -> None:
        self.session.add(
            LedgerEntryRow(
                seq=content.seq,
                recorded_at=content.recorded_at,
                actor_kind=content.actor_kind,
                actor_role=content.actor_role,
                actor_id=content.actor_id,
                organisation_id=content.organisation_id,
                action=content.action,
                subject_type=content.subject_type,
                subject_id=content.subject_id,
                payload=payload,
                payload_digest=content.payload_digest,
                subject_digest=content.subject_digest,
                prev_hash=content.prev_hash,
                entry_hash=entry_hash,
                embargo_section_id=embargo_section_id,
            )
        )
        self.session.flush()

    def count(self) -> int:
        return int(self.session.scalar(select(func.count()).select_from(LedgerEntryRow)) or 0)

    def iter_rows(self, *, batch: int = 2000) -> Iterator[LedgerEntryRow]:
        last = -1
        while True:
            stmt = select(LedgerEntryRow).where(LedgerEntryRow.seq > last).order_by(LedgerEntryRow.seq).limit(batch)
            rows = list(self.session.scalars(stmt))
            if not rows:
                return
            yield from rows
            last = rows[-1].seq
            self.session.expunge_all()

    def for_seqs(self, seqs: Sequence[int]) -> list[LedgerEntryRow]:
        stmt = select(LedgerEntryRow).where(LedgerEntryRow.seq.in_(list(seqs))).order_by(LedgerEntryRow.seq)
        return list(self.session.scalars(stmt))

    def for_subject(self, subject_type: str, subject_id: str) -> list[LedgerEntryRow]:
        stmt = (
            select(LedgerEntryRow)
            .where(LedgerEntryRow.subject_type == subject_type, LedgerEntryRow.subject_id == subject_id)
            .order_by(LedgerEntryRow.seq)
        )
        return list(self.session.scalars(stmt))

    def for_subjects(self, subjects: set[tuple[str, str]]) -> list[LedgerEntryRow]:
        ids = {sid for _, sid in subjects}
        stmt = select(LedgerEntryRow).where(LedgerEntryRow.subject_id.in_(ids)).order_by(LedgerEntryRow.seq)
        return [r for r in self.session.scalars(stmt) if (r.subject_type, r.subject_id) in subjects]

    def visible(self, *, sealed_section_ids: set[str], limit: int, after: int) -> list[LedgerEntryRow]:
        """The public prefix of the ledger: everything before the first entry still under embargo.

        Entries about bids of sections not yet opened are not shown, and neither is anything after them, so
        neither gaps nor counts reveal how many bids a section has (招标投标法 第二十二条). The public view
        therefore lags until those sections open, as a transparency log has a maximum merge delay.
        """
        horizon = None
        if sealed_section_ids:
            horizon = self.session.scalar(
                select(func.min(LedgerEntryRow.seq)).where(LedgerEntryRow.embargo_section_id.in_(sealed_section_ids))
            )
        stmt = select(LedgerEntryRow).where(LedgerEntryRow.seq > after)
        if horizon is not None:
            stmt = stmt.where(LedgerEntryRow.seq < horizon)
        return list(self.session.scalars(stmt.order_by(LedgerEntryRow.seq).limit(limit)))


class MarkRepository:
    """Facts about the database itself (``platform_marks``)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, name: str) -> str | None:
        row = self.session.get(PlatformMarkRow, name)
        return None if row is None else row.value

    def set(self, name: str, value: str, *, now: datetime) -> None:
        self.session.merge(PlatformMarkRow(name=name, value=value, set_at=now))


class RecordRepository:
    """Documents, opening records and candidates: the section's published records."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add_document(self, row: DocumentRow) -> None:
        self.session.add(row)

    def documents(self, section_id: str) -> list[DocumentRow]:
        stmt = select(DocumentRow).where(DocumentRow.section_id == section_id).order_by(DocumentRow.version_no)
        return list(self.session.scalars(stmt))

    def put_opening_record(self, row: OpeningRecordRow) -> None:
        self.session.merge(row)

    def opening_record(self, section_id: str) -> OpeningRecordRow | None:
        return self.session.get(OpeningRecordRow, section_id)

    def opening_records(self) -> list[OpeningRecordRow]:
        return list(self.session.scalars(select(OpeningRecordRow)))

    def set_candidates(self, section_id: str, rows: Sequence[CandidateRow]) -> None:
        for old in self.candidates(section_id):
            self.session.delete(old)
        self.session.flush()
        self.session.add_all(rows)

    def candidates(self, section_id: str) -> list[CandidateRow]:
        stmt = select(CandidateRow).where(CandidateRow.section_id == section_id).order_by(CandidateRow.rank)
        return list(self.session.scalars(stmt))

    def all_candidates(self) -> list[CandidateRow]:
        return list(self.session.scalars(select(CandidateRow)))
