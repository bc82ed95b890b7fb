"""The self-check over a simulated year: clean scores 100 %, one planted fault per check is caught by its id."""

from __future__ import annotations

import pytest

from fairbid.domain.quality import CATALOG, CheckContext, Phase, run_checks
from fairbid.opendata.region import region_codes
from fairbid.opendata.simulation import SimulatedYear, plant_faults, simulate_year


@pytest.fixture(scope="module")
def year() -> SimulatedYear:
    regions = sorted(c for c in region_codes() if not c.endswith("00"))
    return simulate_year(regions=regions, sections=400, seed=11)


def test_region_codes_hold_the_gbt_2260_list_in_force() -> None:
    codes = region_codes()
    assert {"110000", "110100", "110101", "430200", "430211", "659012", "429000", "710000", "500200"} <= codes
    assert "999999" not in codes and "430299" not in codes
    assert 3200 < len(codes) < 3300


def test_a_clean_year_scores_100_percent(year: SimulatedYear) -> None:
    first = run_checks(year.dataset, CheckContext(year.as_of, region_codes()))
    assert first.failures == () and str(first.overall) == "100.00"
    previous = {s.section_id: s for s in first.snapshot}
    second = run_checks(year.dataset, CheckContext(year.as_of, region_codes(), previous=previous))
    assert second.failures == () and str(second.overall) == "100.00"
    assert all(s.checked > 0 for s in second.scores), [s.check_id for s in second.scores if not s.checked]
    phases = {r.section.phase for r in year.dataset.records}
    assert {Phase.BIDDING, Phase.CONTRACTED, Phase.FAILED} <= phases


def test_one_planted_fault_per_check_is_caught_with_its_check_id(year: SimulatedYear) -> None:
    clean = run_checks(year.dataset, CheckContext(year.as_of, region_codes()))
    faulty, planted = plant_faults(year)
    assert set(planted) == set(CATALOG)
    ctx = CheckContext(year.as_of, region_codes(), previous={s.section_id: s for s in clean.snapshot})
    report = run_checks(faulty, ctx)
    found = {(f.check_id, f.record_id) for f in report.failures}
    missed = {(check, record) for check, record in planted.items() if (check, record) not in found}
    assert not missed
    assert report.failed_ids() == set(CATALOG)
    assert report.overall < 100
