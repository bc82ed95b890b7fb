"""Run the catalog over a dataset: every check's outcome, the scores, the snapshot for the next run."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping

from fairbid.domain.quality.catalog import CATALOG
from fairbid.domain.quality.coherence import (
    check_award_within_ceiling,
    check_contract_follows_award,
    check_contract_matches_award,
    check_opening_digest,
    check_phase_order,
    check_savings_rate,
    check_valid_bid_count,
)
from fairbid.domain.quality.dataset import (
    check_agency_concentration,
    check_expert_concentration,
    check_repeated_award_amounts,
    check_split_sections,
)
from fairbid.domain.quality.format import (
    check_amounts_and_times,
    check_credit_codes,
    check_region_codes,
    check_trading_codes,
)
from fairbid.domain.quality.model import CheckContext, CheckScore, Failure, Outcome, QualityReport
from fairbid.domain.quality.record import TradingDataset
from fairbid.domain.quality.reference import (
    check_parties_exist,
    check_phases_forward,
    check_trading_codes_persist,
    check_winner_is_bidder,
    snapshot,
)

__all__ = ["CHECKS", "CheckFunction", "run_checks"]

CheckFunction = Callable[[TradingDataset, CheckContext], Outcome]

CHECKS: Mapping[str, CheckFunction] = {
    "F01": check_credit_codes,
    "F02": check_region_codes,
    "F03": check_trading_codes,
    "F04": check_amounts_and_times,
    "C01": check_phase_order,
    "C02": check_award_within_ceiling,
    "C03": check_contract_follows_award,
    "K01": check_valid_bid_count,
    "K02": check_savings_rate,
    "K03": check_contract_matches_award,
    "K04": check_opening_digest,
    "R01": check_winner_is_bidder,
    "R02": check_parties_exist,
    "D01": check_repeated_award_amounts,
    "D02": check_agency_concentration,
    "D03": check_expert_concentration,
    "D04": check_split_sections,
    "T01": check_trading_codes_persist,
    "T02": check_phases_forward,
}
assert set(CHECKS) == set(CATALOG), "every catalog entry has exactly one check function"


def run_checks(dataset: TradingDataset, ctx: CheckContext, *, only: Collection[str] | None = None) -> QualityReport:
    """Run the catalog (or the checks in ``only``) over ``dataset`` and score it (数据质量自检).

    >>> from datetime import UTC, datetime
    >>> report = run_checks(TradingDataset(()), CheckContext(datetime(2026, 1, 1, tzinfo=UTC), frozenset()))
    >>> str(report.overall)
    '100.00'
    """
    unknown = sorted(set(only or ()) - set(CHECKS))
    if unknown:
        raise ValueError(f"unknown check id(s): {', '.join(unknown)}")
    scores: list[CheckScore] = []
    failures: list[Failure] = []
    for check_id, check in CHECKS.items():
        if only is not None and check_id not in only:
            continue
        outcome = check(dataset, ctx)
        scores.append(CheckScore(check_id, outcome.checked, outcome.failed))
        failures.extend(outcome.failures)
    return QualityReport(ctx.as_of, tuple(scores), tuple(failures), snapshot(dataset))
