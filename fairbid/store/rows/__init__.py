"""SQLAlchemy 2 row models, one module per context. Repositories translate them to domain objects and back,
explicitly; only the store imports them."""

from fairbid.store.rows.award import CandidateRow
from fairbid.store.rows.base import Row
from fairbid.store.rows.bidding import BidRow, OpeningRecordRow
from fairbid.store.rows.disputes import ObjectionRow
from fairbid.store.rows.evaluation import (
    CommitteeRow,
    ExpertRow,
    ScoreRow,
    ScoreSheetRow,
    SessionActionRow,
    VenueRow,
    WarningRow,
)
from fairbid.store.rows.ledger import LedgerEntryRow, LedgerHeadRow, SealedEntryRow
from fairbid.store.rows.parties import KeyRow, OrganisationRow, SignInFailureRow, TokenRow, UserRow
from fairbid.store.rows.platform import PlatformMarkRow
from fairbid.store.rows.tendering import DocumentRow, ProjectRow, SectionRow, TenderTermsRow

__all__ = [
    "BidRow",
    "CandidateRow",
    "CommitteeRow",
    "DocumentRow",
    "ExpertRow",
    "KeyRow",
    "LedgerEntryRow",
    "LedgerHeadRow",
    "ObjectionRow",
    "OpeningRecordRow",
    "OrganisationRow",
    "PlatformMarkRow",
    "ProjectRow",
    "Row",
    "ScoreRow",
    "ScoreSheetRow",
    "SealedEntryRow",
    "SectionRow",
    "SessionActionRow",
    "SignInFailureRow",
    "TenderTermsRow",
    "TokenRow",
    "UserRow",
    "VenueRow",
    "WarningRow",
]
