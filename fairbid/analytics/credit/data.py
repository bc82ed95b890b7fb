"""Loading any labelled credit CSV for the scorecard, with errors that say what to fix.

One row per case, a header line, a target column named by the caller and the value in it that means
"bad" (default); every other row is "good". Every other column is a feature unless dropped:

- a column whose non-empty cells are all numbers is numeric; an empty cell is missing (the scorecard gives
  missing values their own bin);
- a column whose cells are mostly text (fewer than half parse as numbers) is categorical;
- a column that is mostly numbers with a few other cells is refused, naming the lines (non-numeric junk in
  a numeric column is an error to fix, not a category);
- a feature with a single value carries no information and is dropped, with a note.

Refused with :class:`CreditDataProblem`: a missing file, no header, a missing target column, a ``bad`` value
that never occurs, an empty target cell, junk in a numeric column, fewer than :data:`MIN_PER_CLASS` rows of
either class, or no feature left.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from fairbid.domain.errors import InvalidInput

__all__ = ["MIN_PER_CLASS", "CreditData", "CreditDataProblem", "load_credit_csv"]

MIN_PER_CLASS = 20  # 5×2 cross-validation halves the data, the calibration folds third it again
_SHOWN = 5


class CreditDataProblem(InvalidInput):
    """Raised when a labelled credit file cannot be used: a missing column, a bad value, too little data."""

    code = "invalid-credit-data"
    title = "The credit data cannot be used"


@dataclass(frozen=True, slots=True)
class CreditData:
    """Features (a DataFrame: floats, or strings for categorical columns), the 0/1 target (1 = bad), notes."""

    name: str
    features: pd.DataFrame
    target: NDArray[np.int64]
    categorical: tuple[str, ...]
    notes: tuple[str, ...]

    @property
    def feature_names(self) -> tuple[str, ...]:
        """The feature columns in file order."""
        return tuple(str(c) for c in self.features.columns)

    @property
    def bad_rate(self) -> float:
        """Share of bad cases."""
        return float(self.target.mean())


def _shown(items: Sequence[object]) -> str:
    head = ", ".join(str(i) for i in items[:_SHOWN])
    return head + (f" and {len(items) - _SHOWN} more" if len(items) > _SHOWN else "")


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _read(path: Path) -> tuple[list[str], list[list[str]]]:
    if not path.is_file():
        raise CreditDataProblem(f"{path} does not exist or is not a file.", field="path")
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            header = next(reader, None)
            rows = [r for r in reader if any(cell.strip() for cell in r)]
    except UnicodeDecodeError as exc:
        raise CreditDataProblem(f"{path} is not UTF-8 text ({exc.reason}); save it as UTF-8 CSV.") from None
    except csv.Error as exc:
        raise CreditDataProblem(f"{path} is not a readable CSV file: {exc}.") from None
    if not header:
        raise CreditDataProblem(f"{path} is empty: expected a header line and one row per case.")
    header = [h.strip() for h in header]
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        raise CreditDataProblem(f"{path} repeats the column(s) {_shown(dupes)}; each column must appear once.")
    bad = [i + 2 for i, r in enumerate(rows) if len(r) != len(header)]
    if bad:
        raise CreditDataProblem(
            f"{path}: line(s) {_shown(bad)} have a different number of cells from the header ({len(header)})."
        )
    return header, rows


def _target(path: Path, header: list[str], rows: list[list[str]], target: str, bad: str) -> NDArray[np.int64]:
    if target not in header:
        raise CreditDataProblem(f"{path} has no column {target!r}; its columns are {_shown(header)}.", field="target")
    index = header.index(target)
    cells = [r[index].strip() for r in rows]
    empty = [i + 2 for i, c in enumerate(cells) if not c]
    if empty:
        raise CreditDataProblem(f"{path}: the target {target!r} is empty on line(s) {_shown(empty)}.", field="target")
    wanted, wanted_number = bad.strip(), _number(bad.strip())
    labels = np.array(
        [c == wanted or (wanted_number is not None and _number(c) == wanted_number) for c in cells], dtype=np.int64
    )
    if not labels.any():
        values = sorted(set(cells))
        raise CreditDataProblem(
            f"No row of {path} has {target} = {bad!r}; the column holds {_shown(values)}.", field="bad"
        )
    n_bad, n_good = int(labels.sum()), int(len(labels) - labels.sum())
    if min(n_bad, n_good) < MIN_PER_CLASS:
        raise CreditDataProblem(
            f"{path} has {n_bad} bad and {n_good} good rows; at least {MIN_PER_CLASS} of each are needed to "
            "train and cross-validate a scorecard.",
            field="target",
        )
    return labels


def load_credit_csv(path: Path, *, target: str, bad: str, drop: Sequence[str] = ()) -> CreditData:
    """Read ``path``: ``target`` is the label column and ``bad`` its value for a bad case; ``drop`` lists
    columns that are not features (ids, dates). Raises :class:`CreditDataProblem` naming what to fix."""
    header, rows = _read(path)
    if not rows:
        raise CreditDataProblem(f"{path} has a header but no rows.")
    unknown = [d for d in drop if d not in header]
    if unknown:
        raise CreditDataProblem(f"{path} has no column(s) {_shown(unknown)} to drop.", field="drop")
    labels = _target(path, header, rows, target, bad)
    columns: dict[str, pd.Series] = {}
    categorical: list[str] = []
    notes: list[str] = []
    for j, name in enumerate(header):
        if name == target or name in drop:
            continue
        cells = [r[j].strip() for r in rows]
        filled = [(i, c) for i, c in enumerate(cells) if c]
        numbers = [_number(c) for _, c in filled]
        junk = [i + 2 for (i, _), n in zip(filled, numbers, strict=True) if n is None]
        if not junk:
            values = [_number(c) if c else math.nan for c in cells]
            columns[name] = pd.Series(values, dtype="float64")
        elif len(junk) * 2 < len(filled):
            example = next(c for (_, c), n in zip(filled, numbers, strict=True) if n is None)
            raise CreditDataProblem(
                f"{path}: column {name!r} is numeric but line(s) {_shown(junk)} hold text such as {example!r}; "
                "fix or empty those cells, or drop the column.",
                field=name,
            )
        else:
            columns[name] = pd.Series([c if c else None for c in cells], dtype="object")
            categorical.append(name)
        if columns[name].nunique(dropna=False) < 2:
            notes.append(f"column {name!r} has a single value and was dropped")
            del columns[name]
            if name in categorical:
                categorical.remove(name)
    if not columns:
        raise CreditDataProblem(f"{path} has no feature column besides the target {target!r}.", field="path")
    frame = pd.DataFrame(columns)
    return CreditData(path.name, frame, labels, tuple(categorical), tuple(notes))
