"""The unit of work: one transaction, every repository, and the ledger's writer (``store.uow.SqlUnitOfWork``).

Services reach stored state only through this port: ``with uow: …; uow.commit()``; anything short of the commit
rolls back. Ledger entries are appended in the same transaction as the change they record.
"""

from __future__ import annotations

from datetime import datetime
from types import TracebackType
from typing import Any, Protocol, Self

from fairbid.domain.actor import Actor
from fairbid.ledger.chain import LedgerAction
from fairbid.ledger.snapshot import SubjectType
from fairbid.ports.award import CandidateRepository, CollusionWarningRepository, ObjectionRepository
from fairbid.ports.bidding import BidRepository, OpeningRecordRepository
from fairbid.ports.evaluation import (
    CommitteeRepository,
    ExpertRepository,
    ScoreRepository,
    SessionRepository,
    SheetRepository,
    VenueRepository,
    WarningRepository,
)
from fairbid.ports.ledger import HeadRepository, LedgerRepository, MarkRepository, SealedEntryRepository
from fairbid.ports.parties import KeyRepository, OrganisationRepository, UserRepository
from fairbid.ports.platform import BlobStore
from fairbid.ports.tendering import DocumentRepository, ProjectRepository, SectionRepository, TermsRepository

__all__ = ["UnitOfWork"]


class UnitOfWork(Protocol):
    """``with uow: ...; uow.commit()``: every repository of every context, and the ledger's writer."""

    @property
    def organisations(self) -> OrganisationRepository: ...
    @property
    def users(self) -> UserRepository: ...
    @property
    def keys(self) -> KeyRepository: ...
    @property
    def projects(self) -> ProjectRepository: ...
    @property
    def sections(self) -> SectionRepository: ...
    @property
    def documents(self) -> DocumentRepository: ...
    @property
    def terms(self) -> TermsRepository: ...
    @property
    def bids(self) -> BidRepository: ...
    @property
    def openings(self) -> OpeningRecordRepository: ...
    @property
    def experts(self) -> ExpertRepository: ...
    @property
    def venues(self) -> VenueRepository: ...
    @property
    def committees(self) -> CommitteeRepository: ...
    @property
    def sheets(self) -> SheetRepository: ...
    @property
    def session_actions(self) -> SessionRepository: ...
    @property
    def score_warnings(self) -> WarningRepository: ...
    @property
    def scores(self) -> ScoreRepository: ...
    @property
    def candidates(self) -> CandidateRepository: ...
    @property
    def objections(self) -> ObjectionRepository: ...
    @property
    def collusion_warnings(self) -> CollusionWarningRepository: ...
    @property
    def ledger(self) -> LedgerRepository: ...
    @property
    def heads(self) -> HeadRepository: ...
    @property
    def sealed(self) -> SealedEntryRepository: ...
    @property
    def marks(self) -> MarkRepository: ...
    @property
    def blobs(self) -> BlobStore: ...

    committed: bool

    def __enter__(self) -> Self: ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    def commit(self) -> None:
        """Commit the transaction; ``Conflict`` when a versioned row changed meanwhile or a duplicate appeared."""

    def flush(self) -> None: ...

    def read_only(self) -> None:
        """Declare, first thing inside the block, that this unit of work only reads (ledger proofs)."""

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
        """Append a ledger entry in this transaction; its sequence number."""
        ...

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
        """Record an entry about a sealed bid outside the ledger until the opening; its commitment."""
        ...

    def release_sealed(self, section_id: str) -> str:
        """Append the section's sealed entries to the ledger at its opening; the chain's last link."""
        ...

    def sealed_anchor(self, section_id: str) -> str:
        """SM3(seed ‖ last link) of the section's sealed entries, for a section closing without an opening."""
        ...
