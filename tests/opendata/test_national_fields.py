"""The national data specification's GCJS rows: the fields each table declares, amounts in 万元, sealed stays sealed."""

from __future__ import annotations

from decimal import Decimal

from fairbid.domain.quality import Phase
from fairbid.opendata.national import FIELDS, national_rows
from fairbid.opendata.region import region_codes
from fairbid.opendata.simulation import simulate_year


def test_rows_carry_exactly_the_declared_fields_and_respect_secrecy() -> None:
    year = simulate_year(regions=sorted(c for c in region_codes() if not c.endswith("00")), sections=60, seed=3)
    parties = year.dataset.parties
    seen: set[str] = set()
    for record in year.dataset.records:
        rows = national_rows(record, parties, platform_code="P-ZZ", now=year.as_of)
        for table, entries in rows.items():
            seen.add(table)
            for row in entries:
                assert set(row) == set(FIELDS[table]), table
        if record.section.bids_sealed:
            assert set(rows) <= {"GCJS_SECTION", "GCJS_NOTICE"}
    assert seen == set(FIELDS)
    done = next(r for r in year.dataset.records if r.section.phase is Phase.CONTRACTED)
    assert done.award is not None
    result = national_rows(done, parties, platform_code="P-ZZ", now=year.as_of)["GCJS_RESULT_NOTICE"][0]
    assert Decimal(result["BID_AMOUNT"]) * 10000 == done.award.price
    assert result["UNIFIED_DEAL_CODE"] == done.section.trading_code
    assert len(result["DATA_TIMESTAMP"]) == 14
