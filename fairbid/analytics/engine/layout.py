"""The Parquet layout of the cross-tender analytics tables, and loaders to and from the plain records.

A data directory holds one table per name, as ``<name>.parquet`` or as a folder ``<name>/`` of Parquet parts
(what a streamed export or Spark writes):

- ``bids``: tender_id, bidder_id, price (float64, yuan), winner, disqualified, received_at (timestamp UTC);
- ``tenders``: tender_id, date, buyer_id, procurement_method, submission_period_days, deadline (timestamp UTC),
  ceiling, item_classes (list of classification codes);
- ``bidders``: bidder_id, name, credit_code, region_code (optional; the red flags do not read it);
- ``awards``: tender_id, bidder_id, price, date (optional; the winners are also flagged in ``bids``).

``docs/analytics.md`` documents the columns; the platform's export writes exactly these.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from fairbid.analytics.record import BidRecord, TenderRecord
from fairbid.domain.errors import InvalidInput

__all__ = [
    "AWARDS_SCHEMA",
    "BIDDERS_SCHEMA",
    "BIDS_SCHEMA",
    "SCHEMAS",
    "TENDERS_SCHEMA",
    "load_records",
    "table_path",
    "write_records",
]

_TS = pa.timestamp("us", tz="UTC")
BIDS_SCHEMA = pa.schema(
    [
        ("tender_id", pa.string()),
        ("bidder_id", pa.string()),
        ("price", pa.float64()),
        ("winner", pa.bool_()),
        ("disqualified", pa.bool_()),
        ("received_at", _TS),
    ]
)
TENDERS_SCHEMA = pa.schema(
    [
        ("tender_id", pa.string()),
        ("date", pa.date32()),
        ("buyer_id", pa.string()),
        ("procurement_method", pa.string()),
        ("submission_period_days", pa.float64()),
        ("deadline", _TS),
        ("ceiling", pa.float64()),
        ("item_classes", pa.list_(pa.string())),
    ]
)
BIDDERS_SCHEMA = pa.schema(
    [("bidder_id", pa.string()), ("name", pa.string()), ("credit_code", pa.string()), ("region_code", pa.string())]
)
AWARDS_SCHEMA = pa.schema(
    [("tender_id", pa.string()), ("bidder_id", pa.string()), ("price", pa.float64()), ("date", pa.date32())]
)
SCHEMAS = {"bids": BIDS_SCHEMA, "tenders": TENDERS_SCHEMA, "bidders": BIDDERS_SCHEMA, "awards": AWARDS_SCHEMA}


def table_path(data_dir: Path, name: str) -> Path | None:
    """``<name>.parquet`` or the folder ``<name>/`` in ``data_dir``, or ``None`` when neither exists."""
    single, folder = data_dir / f"{name}.parquet", data_dir / name
    if single.is_file():
        return single
    if folder.is_dir() and any(folder.glob("*.parquet")):
        return folder
    return None


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def write_records(bids: Sequence[BidRecord], tenders: Sequence[TenderRecord], out: Path) -> None:
    """Write plain records as ``bids.parquet`` and ``tenders.parquet`` (naive times are taken as UTC)."""
    out.mkdir(parents=True, exist_ok=True)
    bid_rows = [
        {
            "tender_id": b.tender_id,
            "bidder_id": b.bidder_id,
            "price": b.price,
            "winner": b.winner,
            "disqualified": b.disqualified,
            "received_at": _utc(b.received_at),
        }
        for b in bids
    ]
    tender_rows = [
        {
            "tender_id": t.tender_id,
            "date": t.date,
            "buyer_id": t.buyer_id,
            "procurement_method": t.procurement_method,
            "submission_period_days": t.submission_period_days,
            "deadline": _utc(t.deadline),
            "ceiling": t.ceiling,
            "item_classes": list(t.item_classes),
        }
        for t in tenders
    ]
    pq.write_table(pa.Table.from_pylist(bid_rows, schema=BIDS_SCHEMA), out / "bids.parquet")
    pq.write_table(pa.Table.from_pylist(tender_rows, schema=TENDERS_SCHEMA), out / "tenders.parquet")


def load_records(data_dir: Path, *, limit: int | None = None) -> tuple[list[BidRecord], list[TenderRecord]]:
    """Read the ``bids`` and ``tenders`` tables into plain records (the pure-Python path; ``limit`` caps bids)."""
    bids_path = table_path(data_dir, "bids")
    if bids_path is None:
        raise InvalidInput(f"{data_dir} has no bids table (bids.parquet or bids/*.parquet).", field="data")
    bids_table = pq.read_table(bids_path, schema=BIDS_SCHEMA)
    if limit is not None:
        bids_table = bids_table.slice(0, limit)
    bids = [
        BidRecord(r["tender_id"], r["bidder_id"], r["price"], r["winner"], r["disqualified"], r["received_at"])
        for r in bids_table.to_pylist()
    ]
    tenders: list[TenderRecord] = []
    tenders_path = table_path(data_dir, "tenders")
    if tenders_path is not None:
        wanted = {b.tender_id for b in bids} if limit is not None else None
        for r in pq.read_table(tenders_path, schema=TENDERS_SCHEMA).to_pylist():
            if wanted is not None and r["tender_id"] not in wanted:
                continue
            tenders.append(
                TenderRecord(
                    r["tender_id"],
                    r["date"],
                    r["buyer_id"],
                    r["procurement_method"] or "open",
                    r["submission_period_days"],
                    r["deadline"],
                    r["ceiling"],
                    tuple(r["item_classes"] or ()),
                )
            )
    return bids, tenders
