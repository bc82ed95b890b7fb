"""Projects, sections and their tender documents."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fairbid.domain.errors import Conflict, NotFound
from fairbid.domain.party import Project
from fairbid.domain.section import DocumentVersion, Schedule, Section, SectionKind, SectionStatus, next_check
from fairbid.domain.terms import TenderTerms, terms_from_json, terms_to_json
from fairbid.store.rows import (
    DocumentRow,
    ProjectRow,
    SectionRow,
    TenderTermsRow,
)

__all__ = [
    "DocumentRepository",
    "ProjectRepository",
    "SectionRepository",
    "TermsRepository",
]


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

    def save(self, section: Section) -> None:
        """Store a changed section with the time the scheduler should look at it again (``next_check``)."""
        row = self._row(section.id)
        if row.version != section.version:
            raise Conflict(f"Section {section.code} was changed by someone else; reload and try again.")
        _section_to_row(section, row)
        row.next_check = next_check(section)
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
    row.seed_commitment = s.seed_commitment
    row.beacon = s.beacon
    row.document_digest = s.document_digest
    row.terms_digest = s.terms_digest
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
        seed_commitment=row.seed_commitment,
        beacon=row.beacon,
        revealed_seed=row.seed if row.beacon else None,  # 开标时公开 with the beacon
        document_digest=row.document_digest,
        terms_digest=row.terms_digest,
        publicity_ends=row.publicity_ends,
        open_objections=row.open_objections,
        outcome_reason=row.outcome_reason,
    )


class DocumentRepository:
    """Versions of a section's tender document and amendments; the files are in the blob store."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, doc: DocumentVersion) -> None:
        self.session.add(
            DocumentRow(
                id=doc.id,
                section_id=doc.section_id,
                version_no=doc.version_no,
                kind=doc.kind,
                media_type=doc.media_type,
                filename=doc.filename,
                digest=doc.digest,
                size=doc.size,
                created_at=doc.created_at,
            )
        )

    def in_section(self, section_id: str) -> list[DocumentVersion]:
        stmt = select(DocumentRow).where(DocumentRow.section_id == section_id).order_by(DocumentRow.version_no)
        return [
            DocumentVersion(
                r.id, r.section_id, r.version_no, r.kind, r.media_type, r.filename, r.digest, r.size, r.created_at
            )
            for r in self.session.scalars(stmt)
        ]


class TermsRepository:
    """The executable terms of each document version (``tender_terms``); the section names the pinned one."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, section_id: str, version_no: int, terms: TenderTerms, *, digest: str, now: datetime) -> None:
        self.session.add(
            TenderTermsRow(
                section_id=section_id, version_no=version_no, terms=terms_to_json(terms), digest=digest, recorded_at=now
            )
        )

    def latest(self, section_id: str) -> tuple[int, TenderTerms, str] | None:
        """The newest version's number, terms and digest (what a publication pins)."""
        stmt = (
            select(TenderTermsRow)
            .where(TenderTermsRow.section_id == section_id)
            .order_by(TenderTermsRow.version_no.desc())
            .limit(1)
        )
        row = self.session.scalar(stmt)
        return None if row is None else (row.version_no, terms_from_json(row.terms), row.digest)

    def pinned(self, section_id: str, digest: str) -> TenderTerms:
        """The terms the section pinned (by their digest); ``NotFound`` if none is stored under that digest."""
        stmt = select(TenderTermsRow).where(TenderTermsRow.section_id == section_id, TenderTermsRow.digest == digest)
        row = self.session.scalars(stmt).first()
        if row is None:
            raise NotFound(f"Section {section_id} has no stored terms with digest {digest[:16]}….")
        return terms_from_json(row.terms)

    def stored(self, section_id: str, digest: str) -> dict[str, Any] | None:
        """The stored JSON of the pinned terms, as it is now (``ledger verify`` rehashes it)."""
        stmt = select(TenderTermsRow).where(TenderTermsRow.section_id == section_id, TenderTermsRow.digest == digest)
        row = self.session.scalars(stmt).first()
        return None if row is None else dict(row.terms)
