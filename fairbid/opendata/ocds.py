"""OCDS 1.1 export (开放合同数据标准): the neutral trading records as releases, release packages and records.

One contracting process (ocid = ``<prefix>-<section id>``) per published section, the section also being its one
lot. Releases follow the section: ``tender`` at the notice, ``tenderUpdate`` at the opening (bids, statistics,
bid opening) or when it failed unopened, ``award`` at the candidates' publicity (pending awards), ``awardUpdate`` at
the award, ``contract`` at signing. Extensions: bid, lots, bidOpening, and Fairbid's local fields
(``docs/opendata.md``).

Secrecy (招标投标法 第二十二条): while a section's bids are sealed — before the opening, or when it failed or was
cancelled unopened — nothing about its bids leaves: no ``bids``, no ``tenderers``, no number of tenderers, no bid
opening, no guarantees, no bidder among the parties.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from ocdsmerge import Merger

from fairbid.domain.quality import (
    PHASE_ORDER,
    BidState,
    PartyRecord,
    Phase,
    TradingDataset,
    TradingRecord,
)
from fairbid.opendata.validate import release_schema

__all__ = ["EXTENSIONS", "OcdsConfig", "is_published", "record_package", "release_package", "releases_of"]

EXTENSIONS = (
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/v1.1.5/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/v1.1.5/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bidOpening_extension/master/extension.json",
)
_METHOD = {"open": ("open", "公开招标"), "invited": ("selective", "邀请招标")}
_BID_STATUS = {BidState.VALID: "valid", BidState.DISQUALIFIED: "disqualified"}
JsonObject = dict[str, Any]


@dataclass(frozen=True, slots=True)
class OcdsConfig:
    """Publication settings: the registered OCID prefix, the publisher, where packages are served, the licence."""

    ocid_prefix: str
    publisher_name: str
    publisher_uid: str | None = None  # the centre's unified social credit code
    base_uri: str = "https://fairbid.invalid/api/ocds"
    license: str = "https://creativecommons.org/licenses/by/4.0/"
    identifier_scheme: str = "CN-USCC"  # org-id scheme for 统一社会信用代码 ([U] in docs/opendata.md)

    @property
    def local_extension(self) -> str:
        """The URL of Fairbid's local extension (served beside the packages)."""
        return f"{self.base_uri}/extension.json"


def _time(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _money(amount: Decimal) -> JsonObject:
    return {"amount": float(amount), "currency": "CNY"}


def is_published(record: TradingRecord) -> bool:
    """Whether the section has been published (a notice went out): only those are exported."""
    s = record.section
    return s.times.notice_at is not None and (
        s.phase in (Phase.FAILED, Phase.CANCELLED) or PHASE_ORDER[s.phase] >= PHASE_ORDER[Phase.PUBLISHED]
    )


class _Builder:
    """Builds the releases of one section, carrying the parties known so far."""

    def __init__(self, record: TradingRecord, parties: dict[str, PartyRecord], config: OcdsConfig) -> None:
        self.record, self.parties, self.config = record, parties, config
        self.ocid = f"{config.ocid_prefix}-{record.section.id}"
        self.roles: dict[str, set[str]] = {}
        self.releases: list[JsonObject] = []

    def party_ref(self, party_id: str, role: str) -> JsonObject:
        self.roles.setdefault(party_id, set()).add(role)
        party = self.parties.get(party_id)
        return {"id": party_id, "name": party.name if party else party_id}

    def _parties(self) -> list[JsonObject]:
        out = []
        for pid, roles in sorted(self.roles.items()):
            party = self.parties.get(pid)
            entry: JsonObject = {"id": pid, "name": party.name if party else pid, "roles": sorted(roles)}
            if party is not None and party.credit_code:
                entry["identifier"] = {
                    "scheme": self.config.identifier_scheme,
                    "id": party.credit_code,
                    "legalName": party.name,
                }
            if party is not None and party.region_code:
                entry["address"] = {"region": party.region_code, "countryName": "中国"}
            out.append(entry)
        return out

    def tender(self, status: str) -> JsonObject:
        s = self.record.section
        method, details = _METHOD.get(s.procurement_method, ("open", s.procurement_method))
        tender: JsonObject = {
            "id": s.code,
            "title": s.name,
            "status": status,
            "procurementMethod": method,
            "procurementMethodDetails": details,
            "mainProcurementCategory": s.kind,
            "lots": [{"id": s.code, "title": s.name, "status": status}],
        }
        if s.trading_code:
            tender["tradingCode"] = s.trading_code
        if s.estimated_price is not None:
            tender["value"] = _money(s.estimated_price)
        if s.ceiling_price is not None:
            tender["maximumValue"] = _money(s.ceiling_price)
            tender["lots"][0]["value"] = _money(s.ceiling_price)
        period = {k: _time(v) for k, v in (("startDate", s.times.sale_start), ("endDate", s.times.deadline)) if v}
        if period:
            tender["tenderPeriod"] = period
        if s.times.notice_at is not None:
            tender["datePublished"] = _time(s.times.notice_at)
        if s.agency_id:
            tender["procuringEntity"] = self.party_ref(s.agency_id, "procuringEntity")
        return tender

    def emit(self, tags: list[str], when: datetime, **sections: Any) -> None:
        s = self.record.section
        release: JsonObject = {
            "ocid": self.ocid,
            "id": f"{self.ocid}-{len(self.releases) + 1:02d}-{tags[0]}",
            "date": _time(when),
            "tag": tags,
            "initiationType": "tender",
            "language": "zh",
            "buyer": self.party_ref(s.tenderee_id, "buyer"),
        }
        release.update(sections)
        release["parties"] = self._parties()
        self.releases.append(release)

    def bids(self) -> JsonObject:
        r, s = self.record, self.record.section
        details = []
        for b in r.bids:
            if b.state not in _BID_STATUS:
                continue  # withdrawn before the deadline: not a bid at the opening
            bid: JsonObject = {
                "id": b.id,
                "status": _BID_STATUS[b.state],
                "relatedLots": [s.code],
                "tenderers": [self.party_ref(b.bidder_id, "tenderer")],
            }
            if b.received_at is not None:
                bid["date"] = _time(b.received_at)
            if b.price is not None:
                bid["value"] = _money(b.price)
            if b.digest:
                bid["digest"] = b.digest
            if b.guarantee_ref or b.guarantee_amount is not None:
                guarantee: JsonObject = {"id": b.guarantee_ref}
                if b.guarantee_amount is not None:
                    guarantee["value"] = _money(b.guarantee_amount)
                if b.guarantor_id:
                    guarantee["guarantor"] = self.party_ref(b.guarantor_id, "guarantor")
                bid["guarantee"] = guarantee
            details.append(bid)
        when = s.times.opening_at
        stats = [
            {"id": "1", "measure": "bids", "value": len(details), "relatedLot": s.code},
            {
                "id": "2",
                "measure": "validBids",
                "value": sum(d["status"] == "valid" for d in details),
                "relatedLot": s.code,
            },
        ]
        if when is not None:
            for stat in stats:
                stat["date"] = _time(when)
        return {"statistics": stats, "details": details}

    def opening(self) -> JsonObject:
        r, s = self.record, self.record.section
        opening: JsonObject = {"description": "不见面开标（在线解密）"}
        if s.times.opening_at is not None:
            opening["date"] = _time(s.times.opening_at)
        if s.beacon:
            opening["beacon"] = s.beacon
        if s.k_value is not None:
            opening["kValue"] = float(s.k_value)
        if r.opening is not None and r.opening.recorded_digest:
            opening["recordDigest"] = r.opening.recorded_digest
        return opening

    def awards(self, final: bool) -> list[JsonObject]:
        r, s = self.record, self.record.section
        winner = r.award.bid_id if (final and r.award is not None) else None
        out = []
        for c in r.candidates:
            status = "pending" if not final else ("active" if c.bid_id == winner else "unsuccessful")
            award: JsonObject = {
                "id": f"{s.id}-C{c.rank}",
                "status": status,
                "candidateRank": c.rank,
                "title": f"中标候选人 第{c.rank}名",
                "value": _money(c.price),
                "suppliers": [self.party_ref(c.bidder_id, "tenderer")],
                "relatedBids": [c.bid_id],
                "relatedLots": [s.code],
            }
            if c.bid_id == winner and r.award is not None:
                award["value"] = _money(r.award.price)
                award["suppliers"] = [self.party_ref(r.award.bidder_id, "supplier")]
                if r.award.notified_at is not None:
                    award["date"] = _time(r.award.notified_at)
            out.append(award)
        if final and r.award is not None and all(c.bid_id != winner for c in r.candidates):
            out.append(
                {
                    "id": f"{s.id}-W",
                    "status": "active",
                    "value": _money(r.award.price),
                    "suppliers": [self.party_ref(r.award.bidder_id, "supplier")],
                    "relatedBids": [r.award.bid_id],
                    "relatedLots": [s.code],
                }
            )
        return out

    def contract(self) -> JsonObject:
        r = self.record
        assert r.contract is not None and r.award is not None
        award_id = next(
            (f"{r.section.id}-C{c.rank}" for c in r.candidates if c.bid_id == r.award.bid_id), f"{r.section.id}-W"
        )
        contract: JsonObject = {
            "id": r.contract.id,
            "awardID": award_id,
            "status": "active",
            "value": _money(r.contract.price),
            "relatedBids": [r.award.bid_id],
        }
        if r.contract.signed_at is not None:
            contract["dateSigned"] = _time(r.contract.signed_at)
        return contract


def _status(phase: Phase) -> str:
    if phase is Phase.FAILED:
        return "unsuccessful"
    if phase is Phase.CANCELLED:
        return "cancelled"
    return "complete" if phase in (Phase.AWARDED, Phase.CONTRACTED) else "active"


def releases_of(
    record: TradingRecord, parties: dict[str, PartyRecord], config: OcdsConfig, *, now: datetime
) -> list[JsonObject]:
    """The releases of one published section, oldest first (``now`` dates a terminal status with no event time)."""
    s, times = record.section, record.section.times
    b = _Builder(record, parties, config)
    if times.notice_at is None:
        return []
    b.emit(["tender"], times.notice_at, tender=b.tender("active"))
    if s.bids_sealed:  # nothing about bids: not who, not how many, not the opening
        if s.phase in (Phase.FAILED, Phase.CANCELLED):
            b.emit(
                ["tenderCancellation" if s.phase is Phase.CANCELLED else "tenderUpdate"],
                times.deadline if s.phase is Phase.FAILED and times.deadline else now,
                tender=b.tender(_status(s.phase)),
            )
        return b.releases
    opened = times.opening_at or times.deadline or now
    status = "unsuccessful" if s.phase is Phase.FAILED else "active"
    tender = b.tender(status)
    tender["bidOpening"] = b.opening()
    bids = b.bids()
    tender["numberOfTenderers"] = len({d["tenderers"][0]["id"] for d in bids["details"]})
    b.emit(["tenderUpdate"], opened, tender=tender, bids=bids)
    if record.candidates and times.publicity_start is not None:
        b.emit(["award"], times.publicity_start, tender=tender, bids=bids, awards=b.awards(final=False))
    if record.award is not None:
        done = b.tender(_status(s.phase))
        done["bidOpening"] = tender["bidOpening"]
        done["numberOfTenderers"] = tender["numberOfTenderers"]
        b.emit(
            ["awardUpdate"],
            record.award.notified_at or times.award_at or now,
            tender=done,
            bids=bids,
            awards=b.awards(final=True),
        )
        if record.contract is not None:
            b.emit(["contract"], record.contract.signed_at or times.contract_at or now, contracts=[b.contract()])
    return b.releases


def _package_meta(config: OcdsConfig, published_at: datetime, kind: str) -> JsonObject:
    publisher: JsonObject = {"name": config.publisher_name}
    if config.publisher_uid:
        publisher.update({"scheme": config.identifier_scheme, "uid": config.publisher_uid})
    return {
        "uri": f"{config.base_uri}/{kind}-{published_at:%Y%m%dT%H%M%SZ}.json",
        "version": "1.1",
        "extensions": [*EXTENSIONS, config.local_extension],
        "publishedDate": _time(published_at),
        "publisher": publisher,
        "license": config.license,
    }


def release_package(dataset: TradingDataset, config: OcdsConfig, *, published_at: datetime) -> JsonObject:
    """A release package of every published section's releases (NOTHING of sealed bids)."""
    parties = dict(dataset.parties)
    releases = [
        rel
        for r in sorted(dataset.records, key=lambda r: r.id)
        if is_published(r)
        for rel in releases_of(r, parties, config, now=published_at)
    ]
    return {**_package_meta(config, published_at, "releases"), "releases": releases}


def record_package(dataset: TradingDataset, config: OcdsConfig, *, published_at: datetime) -> JsonObject:
    """A record package: per section its linked releases and the compiled release (ocdsmerge)."""
    merger = Merger(schema=release_schema())
    meta = _package_meta(config, published_at, "records")
    parties = dict(dataset.parties)
    records = []
    for r in sorted(dataset.records, key=lambda r: r.id):
        if not is_published(r):
            continue
        releases = releases_of(r, parties, config, now=published_at)
        linked = [
            {
                "url": f"{config.base_uri}/releases/{rel['ocid']}.json#{rel['id']}",
                "date": rel["date"],
                "tag": rel["tag"],
            }
            for rel in releases
        ]
        records.append(
            {
                "ocid": releases[0]["ocid"],
                "releases": linked,
                "compiledRelease": merger.create_compiled_release(releases),
            }
        )
    meta.pop("uri")
    return {**meta, "packages": [f"{config.base_uri}/releases-{published_at:%Y%m%dT%H%M%SZ}.json"], "records": records}
