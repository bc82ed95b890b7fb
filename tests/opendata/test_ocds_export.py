"""OCDS export: a simulated year validates with zero errors; nothing of a sealed section's bids leaves."""

from __future__ import annotations

import copy
import json
from dataclasses import replace

import pytest

from fairbid.domain.quality import Phase, TradingDataset, TradingRecord
from fairbid.opendata.ocds import OcdsConfig, record_package, release_package
from fairbid.opendata.region import region_codes
from fairbid.opendata.simulation import SimulatedYear, simulate_year
from fairbid.opendata.validate import validate_record_package, validate_release_package

CONFIG = OcdsConfig("ocds-zz0000", "株洲市公共资源交易中心", "12430200MB1234567X")


@pytest.fixture(scope="module")
def year() -> SimulatedYear:
    regions = sorted(c for c in region_codes() if not c.endswith("00"))
    return simulate_year(regions=regions, sections=90, seed=5)


def _keys(node: object) -> set[str]:
    if isinstance(node, dict):
        return set(node) | {k for v in node.values() for k in _keys(v)}
    if isinstance(node, list):
        return {k for v in node for k in _keys(v)}
    return set()


def test_a_simulated_year_validates_as_release_and_record_packages(year: SimulatedYear) -> None:
    releases = release_package(year.dataset, CONFIG, published_at=year.as_of)
    assert validate_release_package(releases) == []
    tags = {t for r in releases["releases"] for t in r["tag"]}
    assert {"tender", "tenderUpdate", "award", "awardUpdate", "contract"} <= tags
    records = record_package(year.dataset, CONFIG, published_at=year.as_of)
    assert validate_record_package(records) == []
    assert len(records["records"]) == len(year.dataset.records)
    contracted = next(r for r in year.dataset.records if r.section.phase is Phase.CONTRACTED)
    compiled = next(x["compiledRelease"] for x in records["records"] if x["ocid"].endswith(contracted.id))
    assert compiled["tender"]["status"] == "complete"
    active = [a for a in compiled["awards"] if a["status"] == "active"]
    assert contracted.award is not None and contracted.contract is not None
    assert [a["relatedBids"] for a in active] == [[contracted.award.bid_id]]
    assert compiled["contracts"][0]["value"]["amount"] == float(contracted.contract.price)
    assert compiled["bids"]["statistics"][0]["value"] == len(contracted.bids)


def test_the_validator_is_not_vacuous(year: SimulatedYear) -> None:
    package = release_package(year.dataset, CONFIG, published_at=year.as_of)
    opened = next(r for r in package["releases"] if "bids" in r)
    bad = copy.deepcopy(package)
    bad["releases"] = [copy.deepcopy(opened)]
    bad["releases"][0]["bids"]["details"][0]["status"] = "sealed"  # not in the bid extension's codelist
    bad["releases"][0]["tender"]["tradingCode"] = 42  # the local field is a string
    del bad["releases"][0]["ocid"]
    paths = {e.path for e in validate_release_package(bad)}
    assert {"/releases/0", "/releases/0/bids/details/0/status", "/releases/0/tender/tradingCode"} <= paths


def _sealed(year: SimulatedYear) -> list[TradingRecord]:
    return [r for r in year.dataset.records if r.section.bids_sealed and r.bids]


def test_nothing_of_a_sealed_sections_bids_is_exported(year: SimulatedYear) -> None:
    sealed = _sealed(year)
    assert {r.section.phase for r in sealed} >= {Phase.BIDDING}
    # give the sealed bids everything a leak could show: prices, digests, guarantees
    armed = [replace(r, bids=tuple(replace(b, price=b.guarantee_amount) for b in r.bids)) for r in sealed]
    dataset = TradingDataset(tuple(armed), year.dataset.parties)
    for package in (
        release_package(dataset, CONFIG, published_at=year.as_of),
        record_package(dataset, CONFIG, published_at=year.as_of),
    ):
        text = json.dumps(package, ensure_ascii=False)
        for record in armed:
            for bid in record.bids:
                leaked = [v for v in (bid.id, bid.bidder_id, bid.digest, bid.guarantee_ref, bid.guarantor_id) if v]
                assert not [v for v in leaked if v in text], record.id
        assert not _keys(package) & {"bids", "tenderers", "numberOfTenderers", "bidOpening", "awards", "contracts"}
        roles = {role for rel in package.get("releases", []) for p in rel["parties"] for role in p["roles"]}
        assert roles <= {"buyer", "procuringEntity"}


def test_after_the_opening_the_bids_are_published(year: SimulatedYear) -> None:
    opened = next(r for r in year.dataset.records if not r.section.bids_sealed)
    package = release_package(TradingDataset((opened,), year.dataset.parties), CONFIG, published_at=year.as_of)
    update = next(r for r in package["releases"] if "bids" in r)
    assert {d["id"] for d in update["bids"]["details"]} == {b.id for b in opened.bids}
    assert update["tender"]["bidOpening"]["beacon"] == opened.section.beacon
    assert update["tender"]["numberOfTenderers"] == len({b.bidder_id for b in opened.bids})


def test_drafts_are_not_exported(year: SimulatedYear) -> None:
    record = year.dataset.records[0]
    draft = replace(
        record, section=replace(record.section, phase=Phase.DRAFT, times=replace(record.section.times, notice_at=None))
    )
    package = release_package(TradingDataset((draft,), year.dataset.parties), CONFIG, published_at=year.as_of)
    assert package["releases"] == []
