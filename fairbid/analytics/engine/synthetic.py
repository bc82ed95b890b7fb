"""Synthetic bids with planted cartels, streamed to the Parquet layout chunk by chunk (never all in memory).

Competitive tenders draw 3–12 bidders from a large pool at independent prices around the ceiling; cartel tenders
(``cartel_share`` of them) draw from one small cartel, with a designated winner and cover bids 0.2–1 % above it
(the tight, regular pattern the screens and R024/R028 pick up), some at identical prices. ``truth.parquet`` lists
each tender's cartel (or null).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from fairbid.analytics.engine.layout import BIDS_SCHEMA, TENDERS_SCHEMA

__all__ = ["generate"]

_TRUTH = pa.schema([("tender_id", pa.string()), ("cartel", pa.string())])


def _chunk(
    rng: np.random.Generator,
    first: int,
    tenders: int,
    *,
    bidders: int,
    cartels: int,
    cartel_share: float,
    start: datetime,
) -> tuple[pa.Table, pa.Table, pa.Table]:
    ids = np.arange(first, first + tenders)
    n = np.where(rng.random(tenders) < 0.03, 1, rng.integers(3, 13, size=tenders))  # a few single-bid tenders
    cartel = np.where(rng.random(tenders) < cartel_share, rng.integers(0, cartels, size=tenders), -1)
    n = np.where(cartel >= 0, np.minimum(n, 5), n)
    ceiling = np.round(rng.uniform(1e5, 5e7, size=tenders), 2)
    tender_of = np.repeat(np.arange(tenders), n)
    pos = np.arange(tender_of.size) - np.repeat(np.cumsum(n) - n, n)
    is_cartel = cartel[tender_of] >= 0
    bidder = rng.integers(0, bidders, size=tender_of.size)
    bidder = np.where(is_cartel, bidders + cartel[tender_of] * 5 + pos, bidder)
    base = ceiling[tender_of]
    price = base * rng.uniform(0.80, 0.99, size=tender_of.size)
    cover = base * 0.97 * (1 + np.where(pos == 0, 0.0, rng.uniform(0.002, 0.01, size=tender_of.size)))
    same = is_cartel & (pos == 2) & (rng.random(tender_of.size) < 0.1)
    price = np.asarray(np.round(np.where(is_cartel, cover, price), 2), dtype=np.float64)
    price = np.asarray(np.where(same, np.roll(price, 1), price), dtype=np.float64)  # the same price as pos 1
    disq = rng.random(tender_of.size) < 0.06
    order = np.lexsort((price, tender_of))
    first_of = np.zeros(tender_of.size, dtype=bool)
    valid_sorted = order[~disq[order]]
    _, firsts = np.unique(tender_of[valid_sorted], return_index=True)
    first_of[valid_sorted[firsts]] = True
    deadline = np.datetime64(start.replace(tzinfo=None), "us") + (ids * 3600 * 1_000_000).astype("timedelta64[us]")
    received = deadline[tender_of] - (rng.integers(1, 200, size=tender_of.size) * 3600 * 1_000_000).astype(
        "timedelta64[us]"
    )
    tid = np.char.add("T", ids.astype(str))
    bids = pa.table(
        {
            "tender_id": tid[tender_of],
            "bidder_id": np.char.add("B", bidder.astype(str)),
            "price": price,
            "winner": first_of,
            "disqualified": disq,
            "received_at": pa.array(received, type=pa.timestamp("us", "UTC")),
        },
        schema=BIDS_SCHEMA,
    )
    classes = rng.integers(10, 99, size=tenders).astype(str)
    tenders_table = pa.table(
        {
            "tender_id": tid,
            "date": pa.array(deadline.astype("datetime64[D]"), type=pa.date32()),
            "buyer_id": np.char.add("U", rng.integers(0, 5000, size=tenders).astype(str)),
            "procurement_method": np.where(rng.random(tenders) < 0.9, "open", "invited"),
            "submission_period_days": rng.integers(15, 45, size=tenders).astype(float),
            "deadline": pa.array(deadline, type=pa.timestamp("us", "UTC")),
            "ceiling": ceiling,
            "item_classes": pa.array([[c + "000000"] for c in classes], type=pa.list_(pa.string())),
        },
        schema=TENDERS_SCHEMA,
    )
    truth = pa.table(
        {"tender_id": tid, "cartel": pa.array([None if c < 0 else f"K{c}" for c in cartel], type=pa.string())},
        schema=_TRUTH,
    )
    return bids, tenders_table, truth


def generate(
    out: Path,
    *,
    bids: int,
    seed: int = 2026,
    bidders: int = 200_000,
    cartels: int = 50,
    cartel_share: float = 0.02,
    chunk_tenders: int = 100_000,
) -> int:
    """Write about ``bids`` bids (whole tenders) to ``out``; returns the number written."""
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    start = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(hours=0)
    written, first = 0, 0
    writers = {
        name: pq.ParquetWriter(out / f"{name}.parquet", schema)
        for name, schema in (("bids", BIDS_SCHEMA), ("tenders", TENDERS_SCHEMA), ("truth", _TRUTH))
    }
    try:
        while written < bids:
            tenders = max(1, min(chunk_tenders, (bids - written) // 7 + 1))
            b, t, truth = _chunk(
                rng, first, tenders, bidders=bidders, cartels=cartels, cartel_share=cartel_share, start=start
            )
            writers["bids"].write_table(b, row_group_size=131_072)  # many row groups: parallel scans
            writers["tenders"].write_table(t)
            writers["truth"].write_table(truth)
            written += b.num_rows
            first += tenders
    finally:
        for w in writers.values():
            w.close()
    return written
