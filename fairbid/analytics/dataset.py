"""Loading labelled bid data in the garcia2022 format, and plain bid lists, with readable errors.

The garcia2022 format (García Rodríguez et al. 2022) has one row per bid and at least the columns
``Tender``, ``Bid_value`` and ``Collusive_competitor`` (the tender-level label, 0/1). Column roles:

- **label leaks**, never features: ``Collusive_competitor_original`` (bid-level label: the bidder is a
  cartel member) and Italy's ``Cartel_name`` (identical to it); the bid-level label is kept as ``member``
  and read only on training rows, to build bidder histories;
- **ids**, never features: ``Tender`` and ``Bid`` (row numbers; the authors renumbered them);
- **dates**, features only with ``with_date=True``: ``Date`` and Japan's ``Period investigation by JFTC``
  (which marks the cartel period, so it is the date leak in another form);
- **bidder identity**: ``Competitors``/``Competitor``/``Name competitors`` (kept for bidder history);
- **shipped screens** ``CV SPD DIFFP RD KURT SKEW KSTEST``: dropped and recomputed from ``Bid_value``;
- every other column is a feature; a column with text is coded by the sorted order of its values, and
  an empty or ``NaN`` numeric cell takes the column's median.

Documented treatments: single-bid tenders stay in the bid-level data (their screens are 0 by the data's own
convention) and leave the tender-level track, which keeps tenders with ≥ 4 bids. Everything else that would
make the analysis meaningless raises ``DatasetProblem`` with a sentence saying what to fix.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from fairbid.domain.errors import InvalidInput

__all__ = [
    "DATE_COLUMNS",
    "LABEL_LEAK_COLUMNS",
    "BidDataset",
    "DatasetProblem",
    "load_bid_list",
    "load_dataset",
]

TENDER, BID_VALUE, LABEL = "Tender", "Bid_value", "Collusive_competitor"
MEMBER = "Collusive_competitor_original"
LABEL_LEAK_COLUMNS = frozenset({"Collusive_competitor_original", "Cartel_name"})
ID_COLUMNS = frozenset({"Tender", "Bid"})
DATE_COLUMNS = frozenset({"Date", "Period investigation by JFTC"})
BIDDER_COLUMNS = ("Competitors", "Competitor", "Name competitors")
SHIPPED_SCREENS = frozenset({"CV", "SPD", "DIFFP", "RD", "KURT", "SKEW", "KSTEST"})
_MAX_SHOWN = 5


class DatasetProblem(InvalidInput):
    """Raised when a bid file cannot be analysed: a missing column, a bad value, too little data."""

    code = "invalid-dataset"
    title = "The bid data cannot be analysed"


@dataclass(frozen=True, slots=True)
class BidDataset:
    """One row per bid: features, tender ids, bids, labels, and the treatments applied on loading."""

    name: str
    feature_names: tuple[str, ...]
    features: NDArray[np.float64]
    date_mask: NDArray[np.bool_]
    tender: NDArray[np.int64]
    tender_ids: tuple[str, ...]
    bid: NDArray[np.float64]
    label: NDArray[np.int64]
    bidder: NDArray[np.int64] | None
    member: NDArray[np.int64] | None
    notes: tuple[str, ...]

    @property
    def n_tenders(self) -> int:
        """Number of distinct tenders."""
        return len(self.tender_ids)

    def columns(self, *, with_date: bool) -> tuple[NDArray[np.float64], tuple[str, ...]]:
        """The feature matrix and names, with or without the date columns."""
        keep = np.ones(len(self.feature_names), dtype=bool) if with_date else ~self.date_mask
        names = tuple(n for n, k in zip(self.feature_names, keep, strict=True) if k)
        return self.features[:, keep], names


def _shown(items: Sequence[object]) -> str:
    head = ", ".join(str(i) for i in items[:_MAX_SHOWN])
    return head + (f" and {len(items) - _MAX_SHOWN} more" if len(items) > _MAX_SHOWN else "")


def _read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    if not path.is_file():
        raise DatasetProblem(f"{path} does not exist or is not a file.", field="path")
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            header = next(reader, None)
            rows = [r for r in reader if any(cell.strip() for cell in r)]
    except UnicodeDecodeError as exc:
        raise DatasetProblem(f"{path} is not UTF-8 text ({exc.reason}); save it as UTF-8 CSV.") from None
    except csv.Error as exc:
        raise DatasetProblem(f"{path} is not a readable CSV file: {exc}.") from None
    if not header:
        raise DatasetProblem(f"{path} is empty: expected a header line and one row per bid.")
    header = [h.strip() for h in header]
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        raise DatasetProblem(f"{path} repeats the column(s) {_shown(dupes)}; each column must appear once.")
    bad = [i + 2 for i, r in enumerate(rows) if len(r) != len(header)]
    if bad:
        raise DatasetProblem(
            f"{path}: line(s) {_shown(bad)} have a different number of cells from the header ({len(header)} columns)."
        )
    if not rows:
        raise DatasetProblem(f"{path} has a header but no bids.")
    return header, rows


def _to_float(cell: str) -> float:
    try:
        return float(cell)
    except ValueError:
        return math.nan


def _parse_bids(cells: Sequence[str], *, column: str, path: Path) -> NDArray[np.float64]:
    values = np.array([_to_float(c.strip()) for c in cells], dtype=np.float64)
    bad = [i + 2 for i, v in enumerate(values) if not (math.isfinite(v) and v > 0)]
    if bad:
        examples = _shown([f"line {i} ({cells[i - 2]!r})" for i in bad])
        raise DatasetProblem(
            f"{path}: column {column!r} must hold positive numbers; {len(bad)} cell(s) do not: {examples}.",
            field=column,
        )
    return values


def _encode(cells: Sequence[str]) -> NDArray[np.float64]:
    """Numbers as numbers (median for blanks); a column with any text coded by sorted distinct value."""
    stripped = [c.strip() for c in cells]
    numbers = np.array([_to_float(c) for c in stripped], dtype=np.float64)
    text = [c for c, v in zip(stripped, numbers, strict=True) if math.isnan(v) and c not in ("", "nan", "NaN")]
    if text:
        codes = {v: float(i) for i, v in enumerate(sorted(set(stripped)))}
        return np.array([codes[c] for c in stripped], dtype=np.float64)
    finite = numbers[np.isfinite(numbers)]
    fill = float(np.median(finite)) if finite.size else 0.0
    numbers[~np.isfinite(numbers)] = fill
    return numbers


def _labels(
    cells: Sequence[str], tender: NDArray[np.int64], tender_ids: Sequence[str], path: Path
) -> NDArray[np.int64]:
    values = [_to_float(c) for c in cells]
    bad = [i + 2 for i, v in enumerate(values) if v not in (0.0, 1.0)]
    if bad:
        raise DatasetProblem(f"{path}: {LABEL!r} must be 0 or 1; line(s) {_shown(bad)} are not.", field=LABEL)
    label = np.array(values, dtype=np.int64)
    per_tender_max = np.zeros(len(tender_ids), dtype=np.int64)
    per_tender_min = np.ones(len(tender_ids), dtype=np.int64)
    np.maximum.at(per_tender_max, tender, label)
    np.minimum.at(per_tender_min, tender, label)
    mixed = [tender_ids[int(t)] for t in np.flatnonzero(per_tender_max != per_tender_min)]
    if mixed:
        raise DatasetProblem(
            f"{path}: {LABEL!r} is a tender-level label and must be the same on every bid of a tender; "
            f"tender(s) {_shown(mixed)} mix 0 and 1.",
            field=LABEL,
        )
    classes = set(per_tender_max.tolist())
    if classes != {0, 1}:
        only = "collusive" if classes == {1} else "non-collusive"
        raise DatasetProblem(
            f"{path}: every tender is {only}; a classifier needs both collusive and non-collusive tenders "
            "(weakly labelled sets such as comprasnet-vilela have no positive tender).",
            field=LABEL,
        )
    return label


def load_dataset(path: str | Path) -> BidDataset:
    """Read a garcia2022-format CSV (see the module docstring) or raise ``DatasetProblem``."""
    p = Path(path)
    header, rows = _read_rows(p)
    missing = [c for c in (TENDER, BID_VALUE, LABEL) if c not in header]
    if missing:
        raise DatasetProblem(
            f"{p} lacks the column(s) {_shown(missing)}; the garcia2022 format needs {TENDER}, {BID_VALUE} and "
            f"{LABEL} (found: {_shown(header)}).",
            field=missing[0],
        )
    col = {h: [r[i] for r in rows] for i, h in enumerate(header)}
    raw_tender = [c.strip() for c in col[TENDER]]
    empty = [i + 2 for i, t in enumerate(raw_tender) if not t]
    if empty:
        raise DatasetProblem(f"{p}: line(s) {_shown(empty)} have no {TENDER!r}.", field=TENDER)
    tender_ids = tuple(dict.fromkeys(raw_tender))
    index = {t: i for i, t in enumerate(tender_ids)}
    tender = np.array([index[t] for t in raw_tender], dtype=np.int64)
    bid = _parse_bids(col[BID_VALUE], column=BID_VALUE, path=p)
    label = _labels(col[LABEL], tender, tender_ids, p)

    bidder = None
    bidder_col = next((c for c in BIDDER_COLUMNS if c in header), None)
    if bidder_col is not None:
        names = [c.strip() for c in col[bidder_col]]
        codes = {v: i for i, v in enumerate(sorted(set(names)))}
        bidder = np.array([codes[v] for v in names], dtype=np.int64)

    member = None
    if MEMBER in header:
        values = [_to_float(c) for c in col[MEMBER]]
        if all(v in (0.0, 1.0) for v in values):
            member = np.array(values, dtype=np.int64)
    skip = {TENDER, BID_VALUE, LABEL} | LABEL_LEAK_COLUMNS | ID_COLUMNS | SHIPPED_SCREENS | {"Name competitors"}
    feature_names = tuple(h for h in header if h not in skip)
    features = np.column_stack([_encode(col[h]) for h in feature_names]) if feature_names else np.empty((len(rows), 0))
    date_mask = np.array([h in DATE_COLUMNS for h in feature_names], dtype=bool)

    counts = np.bincount(tender)
    notes = []
    singles = int(np.sum(counts == 1))
    if singles:
        notes.append(f"{singles} single-bid tender(s): screens are 0 by convention; left out of the tender track")
    dropped = sorted(set(header) & (LABEL_LEAK_COLUMNS | SHIPPED_SCREENS))
    if dropped:
        notes.append(f"not used as features: {', '.join(dropped)} (label leaks or shipped screens, recomputed)")
    return BidDataset(
        name=p.stem,
        feature_names=feature_names,
        features=features.astype(np.float64),
        date_mask=date_mask,
        tender=tender,
        tender_ids=tender_ids,
        bid=bid,
        label=label,
        bidder=bidder,
        member=member,
        notes=tuple(notes),
    )


def load_bid_list(path: str | Path) -> dict[str, list[tuple[str, float]]]:
    """Read a plain bid list (columns ``tender``, ``bidder``, ``bid``, any case) → tender → [(bidder, bid)].

    The garcia2022 names ``Tender``/``Competitors``/``Bid_value`` are accepted as aliases.
    """
    p = Path(path)
    header, rows = _read_rows(p)
    lower = {h.lower(): i for i, h in enumerate(header)}
    aliases = {"tender": ("tender",), "bidder": ("bidder", "competitors", "competitor"), "bid": ("bid", "bid_value")}
    where: dict[str, int] = {}
    for role, names in aliases.items():
        found = next((lower[n] for n in names if n in lower), None)
        if found is None:
            raise DatasetProblem(
                f"{p} lacks a {role!r} column; a bid list needs the columns tender, bidder, bid "
                f"(found: {_shown(header)}).",
                field=role,
            )
        where[role] = found
    bids = _parse_bids([r[where["bid"]] for r in rows], column=header[where["bid"]], path=p)
    out: dict[str, list[tuple[str, float]]] = {}
    for r, value in zip(rows, bids, strict=True):
        tender = r[where["tender"]].strip()
        if not tender:
            raise DatasetProblem(f"{p}: a row has an empty tender id.", field="tender")
        out.setdefault(tender, []).append((r[where["bidder"]].strip(), float(value)))
    return out
