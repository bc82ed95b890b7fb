"""The unit of work: one transaction, every repository, the ledger's writer; commit or roll back as a whole.

Services reach the database only through this object (``fairbid.ports.UnitOfWork``): every repository is an
attribute, and ``record`` / ``record_sealed`` append to the ledger in the same transaction as the change.
"""

from __future__ import annotations

from datetime import datetime
from types import TracebackType
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from fairbid.domain.actor import Actor
from fairbid.domain.errors import Conflict
from fairbid.ledger.chain import LedgerAction
from fairbid.ledger.snapshot import SubjectType
from fairbid.ports import BlobStore
from fairbid.store.award import CandidateRepository
from fairbid.store.bidding import BidRepository, OpeningRecordRepository
from fairbid.store.database import READ_ONLY, make_session_factory
from fairbid.store.disputes import ObjectionRepository
from fairbid.store.evaluation import (
    CommitteeRepository,
    ScoreRepository,
    SessionRepository,
    SheetRepository,
    WarningRepository,
)
from fairbid.store.expert_pool import ExpertRepository, VenueRepository
from fairbid.store.ledger import HeadRepository, LedgerRepository, SealedEntryRepository
from fairbid.store.ledger_writer import LedgerWriter
from fairbid.store.oversight import CollusionWarningRepository
from fairbid.store.parties import KeyRepository, OrganisationRepository, UserRepository
from fairbid.store.platform import MarkRepository
from fairbid.store.tendering import DocumentRepository, ProjectRepository, SectionRepository, TermsRepository

__all__ = ["SqlUnitOfWork", "UnitOfWorkFactory"]

_STALE = "The record was changed by another request meanwhile; reload and try again."


class SqlUnitOfWork:
    """``with uow: ...; uow.commit()``. Leaving the block without ``commit`` rolls everything back."""

    # parties
    organisations: OrganisationRepository
    users: UserRepository
    keys: KeyRepository
    # tendering
    projects: ProjectRepository
    sections: SectionRepository
    documents: DocumentRepository
    terms: TermsRepository
    # bidding
    bids: BidRepository
    openings: OpeningRecordRepository
    # evaluation
    experts: ExpertRepository
    venues: VenueRepository
    committees: CommitteeRepository
    sheets: SheetRepository
    session_actions: SessionRepository
    score_warnings: WarningRepository
    scores: ScoreRepository
    # award, disputes, oversight
    candidates: CandidateRepository
    objections: ObjectionRepository
    collusion_warnings: CollusionWarningRepository
    # the ledger and the platform
    ledger: LedgerRepository
    heads: HeadRepository
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
        self.organisations, self.users, self.keys = OrganisationRepository(s), UserRepository(s), KeyRepository(s)
        self.projects, self.sections, self.documents = ProjectRepository(s), SectionRepository(s), DocumentRepository(s)
        self.terms = TermsRepository(s)
        self.bids, self.openings = BidRepository(s), OpeningRecordRepository(s)
        self.experts, self.venues, self.committees = ExpertRepository(s), VenueRepository(s), CommitteeRepository(s)
        self.sheets, self.session_actions = SheetRepository(s), SessionRepository(s)
        self.score_warnings, self.scores = WarningRepository(s), ScoreRepository(s)
        self.candidates, self.objections = CandidateRepository(s), ObjectionRepository(s)
        self.collusion_warnings = CollusionWarningRepository(s)
        self.ledger, self.heads, self.sealed = LedgerRepository(s), HeadRepository(s), SealedEntryRepository(s)
        self.marks = MarkRepository(s)
        self._writer = LedgerWriter(s, self.sealed)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        # close() rolls back anything uncommitted and detaches rows without expiring them, so results
        # read inside the block stay readable after it.
        self.session.close()

    def read_only(self) -> None:
        """Declare (first thing inside the block) that this unit of work only reads, e.g. a ledger proof.

        On PostgreSQL the reads run in autocommit: no BEGIN and no ROLLBACK, two of a proof's round trips. No
        transaction is needed to keep a proof consistent: the head is read first, every entry it covers committed
        before it was signed (``publish_head`` holds the appenders' lock), rows are never updated, and each later
        statement sees a snapshot at least as new (under READ COMMITTED, PostgreSQL's default, statements inside
        a transaction get their own snapshots anyway). The pool restores the isolation level when the connection
        is returned (``tests/ledger/test_ledger_proof_reads.py`` checks the next unit of work rolls back). SQLite
        keeps its transaction (its BEGIN costs no round trip) but begins deferred, without the write lock the
        engine's begin hook otherwise takes: under WAL the reads see a snapshot and never wait on an appender.
        """
        if self.session.get_bind().dialect.name == "postgresql":
            self.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        else:
            self.session.connection(execution_options={READ_ONLY: True})

    def record(
        self,
        *,
        actor: Actor,
        action: LedgerAction,
        subject_type: SubjectType,
        subject_id: str,
        payload: dict[str, Any],
        now: datetime,
        snapshot: dict[str, Any] | None = None,
    ) -> int:
        """Append a ledger entry in this transaction (``LedgerWriter.record``); its sequence number."""
        return self._writer.record(
            actor=actor,
            action=action,
            subject_type=subject_type,
            subject_id=subject_id,
            payload=payload,
            now=now,
            snapshot=snapshot,
        )

    def record_sealed(
        self,
        *,
        section_id: str,
        actor: Actor,
        action: LedgerAction,
        subject_type: SubjectType,
        subject_id: str,
        payload: dict[str, Any],
        now: datetime,
        snapshot: dict[str, Any] | None = None,
    ) -> str:
        """Record an entry about a sealed bid, outside the ledger until the opening; its commitment."""
        return self._writer.record_sealed(
            section_id=section_id,
            actor=actor,
            action=action,
            subject_type=subject_type,
            subject_id=subject_id,
            payload=payload,
            now=now,
            snapshot=snapshot,
        )

    def release_sealed(self, section_id: str) -> str:
        """Append the section's sealed entries to the ledger (at its opening); the chain's last link."""
        return self._writer.release_sealed(section_id)

    def sealed_anchor(self, section_id: str) -> str:
        """SM3(seed ‖ last link) of the section's sealed entries, for a section closing without an opening."""
        return self._writer.sealed_anchor(section_id, self.sections.seed(section_id))

    def commit(self) -> None:
        try:
            self.session.commit()
        except (StaleDataError, Conflict) as e:
            self.session.rollback()
            raise Conflict(_STALE) from e
        except IntegrityError as e:
            self.session.rollback()
            raise Conflict("The change conflicts with stored data (a duplicate, probably).") from e
        self.committed = True

    def flush(self) -> None:
        try:
            self.session.flush()
        except StaleDataError as e:
            raise Conflict(_STALE) from e


class UnitOfWorkFactory:
    """Makes a fresh unit of work per use case; holds the engine and blob store."""

    def __init__(self, engine: Engine, blobs: BlobStore) -> None:
        self.engine = engine
        self.blobs = blobs
        self._sessions = make_session_factory(engine)

    def __call__(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self._sessions, self.blobs)
