"""The data-quality self-check (数据质量自检): a catalog of checks over neutral trading records, scored per run.

Pure: the records, the GB/T 2260 code list, the run time and the previous run's snapshot are passed in.
"""

from fairbid.domain.quality.catalog import CATALOG, Category, Check, FixPlace, Severity, check_of
from fairbid.domain.quality.model import (
    CheckContext,
    CheckScore,
    DatasetThresholds,
    Failure,
    Outcome,
    QualityReport,
    SectionSnapshot,
)
from fairbid.domain.quality.record import (
    PHASE_ORDER,
    AwardRecord,
    BidState,
    CandidateRecord,
    ContractRecord,
    OpeningRecord,
    PartyRecord,
    Phase,
    PhaseTimes,
    SectionRecord,
    TradingBid,
    TradingDataset,
    TradingRecord,
)
from fairbid.domain.quality.run import CHECKS, run_checks

__all__ = [
    "CATALOG",
    "CHECKS",
    "PHASE_ORDER",
    "AwardRecord",
    "BidState",
    "CandidateRecord",
    "Category",
    "Check",
    "CheckContext",
    "CheckScore",
    "ContractRecord",
    "DatasetThresholds",
    "Failure",
    "FixPlace",
    "OpeningRecord",
    "Outcome",
    "PartyRecord",
    "Phase",
    "PhaseTimes",
    "QualityReport",
    "SectionRecord",
    "SectionSnapshot",
    "Severity",
    "TradingBid",
    "TradingDataset",
    "TradingRecord",
    "check_of",
    "run_checks",
]
