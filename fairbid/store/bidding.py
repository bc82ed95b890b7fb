"""Bids (with the authoring facts the collusion checks read) and opening records."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fairbid.domain.bid import AuthoringFacts, Bid, BidStatus, OpenedBidData, OpeningRecord
from fairbid.domain.errors import Conflict, NotFound
from fairbid.store.rows import (
    BidRow,
    OpeningRecordRow,
)

__all__ = ["BidRepository", "OpeningRecordRepository"]


class BidRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def for_bidder(self, section_id: str, bidder_id: str) -> Bid | None:
        stmt = select(BidRow).where(BidRow.section_id == section_id, BidRow.bidder_id == bidder_id)
        row = self.session.scalars(stmt).first()
        return None if row is None else _bid(row)

    def get(self, bid_id: str) -> Bid:
        row = self.session.get(BidRow, bid_id)
        if row is None:
            raise NotFound(f"No bid with id {bid_id}.")
        return _bid(row)

    def in_section(self, section_id: str) -> list[Bid]:
        stmt = select(BidRow).where(BidRow.section_id == section_id).order_by(BidRow.submitted_at, BidRow.id)
        return [_bid(r) for r in self.session.scalars(stmt)]

    def all(self) -> Iterator[Bid]:
        for row in self.session.scalars(select(BidRow).order_by(BidRow.id)):
            yield _bid(row)

    def record_authoring(
        self, bid_id: str, *, machine_fingerprint: str, signing_key_id: str, tool_version: str, upload_ip: str | None
    ) -> None:
        """Envelope metadata and the upload address, for the collusion checks (条例 第四十条)."""
        row = self.session.get(BidRow, bid_id)
        if row is not None:
            row.machine_fingerprint = machine_fingerprint
            row.signing_key_id = signing_key_id
            row.tool_version = tool_version
            row.upload_ip = upload_ip

    def authoring(self, bid_ids: Sequence[str]) -> dict[str, AuthoringFacts]:
        """Envelope metadata and IP addresses of the given bids, by bid id (招标投标法实施条例 第四十条 checks)."""
        if not bid_ids:
            return {}
        rows = self.session.scalars(select(BidRow).where(BidRow.id.in_(list(bid_ids))))
        return {
            r.id: AuthoringFacts(
                r.id, r.machine_fingerprint, r.signing_key_id, r.tool_version, r.upload_ip, r.decrypt_ip
            )
            for r in rows
        }

    def record_decrypt_ip(self, bid_id: str, ip: str | None) -> None:
        row = self.session.get(BidRow, bid_id)
        if row is not None:
            row.decrypt_ip = ip

    def save(self, bid: Bid) -> None:
        row = self.session.get(BidRow, bid.id)
        if row is None:
            row = BidRow(id=bid.id, version=0)
            self.session.add(row)
        elif row.version != bid.version:
            raise Conflict("This bid was changed by another request; reload and try again.")
        row.section_id = bid.section_id
        row.bidder_id = bid.bidder_id
        row.envelope_digest = bid.envelope_digest
        row.envelope_size = bid.envelope_size
        row.submitted_at = bid.submitted_at
        row.status = bid.status.value
        row.revision = bid.revision
        row.price = bid.data.price if bid.data else None
        row.data = _bid_data_json(bid.data, bid.attachments)
        row.decrypted_at = bid.decrypted_at
        row.reject_reason = bid.reject_reason
        self.session.flush()
        bid.version = row.version


def _bid_data_json(data: OpenedBidData | None, attachments: list[tuple[str, str, int]]) -> dict[str, Any] | None:
    if data is None:
        return None
    return {
        "attachments": [list(a) for a in attachments],
        "price": str(data.price),
        "duration_days": data.duration_days,
        "quality": data.quality,
        "project_manager_id": data.project_manager_id,
        "bid_security_ref": data.bid_security_ref,
        "extra": [list(pair) for pair in data.extra],
        "pm_grade": data.pm_grade,
        "staff": [list(pair) for pair in data.staff],
        "certificates": list(data.certificates),
        "similar_contracts": [[n, str(a), d.isoformat()] for n, a, d in data.similar_contracts],
    }


def _bid(row: BidRow) -> Bid:
    data = None
    if row.data is not None:
        d = row.data
        # The price column is authoritative; the JSON copy is display data.
        data = OpenedBidData(
            price=row.price if row.price is not None else Decimal(d["price"]),
            duration_days=int(d["duration_days"]),
            quality=str(d["quality"]),
            project_manager_id=str(d["project_manager_id"]),
            bid_security_ref=d.get("bid_security_ref"),
            extra=tuple((str(k), str(v)) for k, v in d.get("extra", [])),
            pm_grade=d.get("pm_grade"),
            staff=tuple((str(k), int(v)) for k, v in d.get("staff", [])),
            certificates=tuple(str(c) for c in d.get("certificates", [])),
            similar_contracts=tuple(
                (str(n), Decimal(a), date.fromisoformat(c)) for n, a, c in d.get("similar_contracts", [])
            ),
        )
    attachments = [(str(n), str(d), int(z)) for n, d, z in (row.data or {}).get("attachments", [])]
    return Bid(
        attachments=attachments,
        id=row.id,
        section_id=row.section_id,
        bidder_id=row.bidder_id,
        envelope_digest=row.envelope_digest,
        envelope_size=row.envelope_size,
        submitted_at=row.submitted_at,
        status=BidStatus(row.status),
        revision=row.revision,
        version=row.version,
        data=data,
        decrypted_at=row.decrypted_at,
        reject_reason=row.reject_reason,
    )


class OpeningRecordRepository:
    """The published opening records (开标记录)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def put(self, record: OpeningRecord) -> None:
        self.session.merge(
            OpeningRecordRow(
                section_id=record.section_id,
                published_at=record.published_at,
                content=dict(record.content),
                digest=record.digest,
            )
        )

    def get(self, section_id: str) -> OpeningRecord | None:
        row = self.session.get(OpeningRecordRow, section_id)
        return None if row is None else _opening(row)

    def all(self) -> list[OpeningRecord]:
        return [_opening(r) for r in self.session.scalars(select(OpeningRecordRow))]


def _opening(row: OpeningRecordRow) -> OpeningRecord:
    return OpeningRecord(row.section_id, row.published_at, dict(row.content), row.digest)
