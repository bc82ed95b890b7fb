"""The unit of work: one transaction, its repositories, commit or roll back as a whole."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from fairbid.domain.errors import Conflict
from fairbid.ports import BlobStore
from fairbid.store.ledger_store import SealedEntryRepository
from fairbid.store.repositories import (
    BidRepository,
    KeyRepository,
    LedgerRepository,
    MarkRepository,
    OrganisationRepository,
    ProjectRepository,
    RecordRepository,
    SectionRepository,
    UserRepository,
)

__all__ = ["SqlUnitOfWork", "UnitOfWorkFactory"]


class SqlUnitOfWork:
    """``with uow: ...; uow.commit()``. Leaving the block without ``commit`` rolls everything back."""

    organisations: OrganisationRepository
    users: UserRepository
    projects: ProjectRepository
    sections: SectionRepository
    bids: BidRepository
    keys: KeyRepository
    ledger: LedgerRepository
    records: RecordRepository
    sealed: SealedEntryRepository
    marks: MarkRepository

    def __init__(self, session_factory: sessionmaker[Session], blobs: BlobStore) -> None:
        self._factory = session_factory
        self.blobs = blobs
        self.committed = False

    def __enter__(self) -> SqlUnitOfWork:
        self.session = self._factory()
        self.committed = False
        s = self.session
        self.organisations = OrganisationRepository(s)
        self.users = UserRepository(s)
        self.projects = ProjectRepository(s)
        self.sections = SectionRepository(s)
        self.bids = BidRepository(s)
        self.keys = KeyRepository(s)
        self.ledger = LedgerRepository(s)
        self.records = RecordRepository(s)
        self.sealed = SealedEntryRepository(s)
        self.marks = MarkRepository(s)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        # close() rolls back anything uncommitted and detaches rows without expiring them, so results
        # read inside the block stay readable after it.
        self.session.close()

    def commit(self) -> None:
        try:
            self.session.commit()
        except StaleDataError as e:
            self.session.rollback()
            raise Conflict("The record was changed by another request meanwhile; reload and try again.") from e
        except IntegrityError as e:
            self.session.rollback()
            raise Conflict("The change conflicts with stored data (a duplicate, probably).") from e
        self.committed = True

    def flush(self) -> None:
        try:
            self.session.flush()
        except StaleDataError as e:
            raise Conflict("The record was changed by another request meanwhile; reload and try again.") from e


class UnitOfWorkFactory:
    """Makes a fresh unit of work per use case; holds the engine and blob store."""

    def __init__(self, engine: Engine, blobs: BlobStore) -> None:
        self.engine = engine
        self.blobs = blobs
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def __call__(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self._sessions, self.blobs)
