"""Features for the collusion classifiers, built from bids only (plus labelled training tenders for history).

- **tender screens**: every screen of ``screen.SCREEN_NAMES`` and the number of bids;
- **subgroup screens** (Wallimann, Imhof & Huber 2023): the screens of every subset of 3 and of 4 bids of a
  tender (at most ``cap`` subsets, drawn with a fixed seed when there are more), summarised by mean, median,
  minimum and maximum — a cartel that is only part of the bidders shows in some subsets and not others;
- **bid position**: bid / lowest bid, bid / mean bid, rank / (n − 1), and the bid's z-score in its tender;
- **bidder history**: for each bid, the share of its bidder's training-set bids that were in collusive
  tenders (smoothed towards the training prior), how many training bids it has, and the mean and maximum of
  that share over the tender's bidders. It is fitted on training tenders only; training rows get
  out-of-fold values (5 folds grouped by tender), so no row ever sees its own label.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import numpy as np
from numpy.typing import NDArray
from sklearn.model_selection import GroupKFold

from fairbid.analytics.screen import SCREEN_NAMES, screen_rows

__all__ = [
    "BID_POSITION_NAMES",
    "HISTORY_NAMES",
    "bid_position",
    "bidder_history",
    "subgroup_names",
    "subgroup_screens",
    "tender_screen_names",
    "tender_screens",
]

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]
BID_POSITION_NAMES = ("BID_OVER_MIN", "BID_OVER_MEAN", "BID_RANK", "BID_Z")
HISTORY_NAMES = ("BIDDER_RATE", "BIDDER_BIDS", "TENDER_RATE_MEAN", "TENDER_RATE_MAX")
_SUMMARIES = ("mean", "median", "min", "max")
_SIZES = (3, 4)


def tender_screen_names() -> tuple[str, ...]:
    """Column names of ``tender_screens``."""
    return (*SCREEN_NAMES, "N_BIDS")


def subgroup_names() -> tuple[str, ...]:
    """Column names of ``subgroup_screens``."""
    return tuple(f"{s}_SUB{k}_{m.upper()}" for k in _SIZES for m in _SUMMARIES for s in SCREEN_NAMES)


def _by_size(groups: Sequence[Floats]) -> dict[int, list[int]]:
    sizes: dict[int, list[int]] = {}
    for i, g in enumerate(groups):
        sizes.setdefault(len(g), []).append(i)
    return sizes


def tender_screens(groups: Sequence[Floats]) -> Floats:
    """``(len(groups), 11)``: the screens of each group of bids and its size."""
    out = np.zeros((len(groups), len(SCREEN_NAMES) + 1))
    for n, idx in _by_size(groups).items():
        out[idx, :-1] = screen_rows(np.array([groups[i] for i in idx]).reshape(len(idx), n))
        out[idx, -1] = n
    return out


def _subsets(n: int, size: int, cap: int, seed: int) -> NDArray[np.intp]:
    total = 1
    for i in range(size):
        total = total * (n - i) // (i + 1)
    if total <= cap:
        return np.array(list(combinations(range(n), size)), dtype=np.intp)
    rng = np.random.default_rng(seed * 1_000 + n)
    picks = {tuple(sorted(rng.choice(n, size, replace=False).tolist())) for _ in range(cap * 2)}
    return np.array(sorted(picks)[:cap], dtype=np.intp)


def subgroup_screens(groups: Sequence[Floats], *, cap: int = 200, seed: int = 0) -> Floats:
    """``(len(groups), 80)``: subgroup screens summarised (zeros where a tender has too few bids)."""
    width = len(SCREEN_NAMES)
    out = np.zeros((len(groups), width * len(_SUMMARIES) * len(_SIZES)))
    for n, idx in _by_size(groups).items():
        bids = np.sort(np.array([groups[i] for i in idx]).reshape(len(idx), n), axis=1)
        for k_i, k in enumerate(_SIZES):
            if n < k:
                continue
            subsets = _subsets(n, k, cap, seed)
            m = len(subsets)
            values = screen_rows(bids[:, subsets].reshape(len(idx) * m, k)).reshape(len(idx), m, width)
            parts = (values.mean(1), np.median(values, 1), values.min(1), values.max(1))
            base = k_i * width * len(_SUMMARIES)
            for j, part in enumerate(parts):
                out[idx, base + j * width : base + (j + 1) * width] = part
    return out


def bid_position(bid: Floats, tender: Ints, n_tenders: int) -> Floats:
    """``(len(bid), 4)``: bid / lowest, bid / mean, rank / (n − 1), z-score within its tender."""
    count = np.bincount(tender, minlength=n_tenders).astype(np.float64)
    low = np.full(n_tenders, np.inf)
    np.minimum.at(low, tender, bid)
    mean = np.bincount(tender, weights=bid, minlength=n_tenders) / count
    var = np.bincount(tender, weights=(bid - mean[tender]) ** 2, minlength=n_tenders) / count
    sd = np.sqrt(var)
    order = np.lexsort((bid, tender))
    rank = np.empty(len(bid))
    starts = np.concatenate(([0], np.cumsum(count)[:-1])).astype(np.int64)
    rank[order] = np.arange(len(bid)) - starts[tender[order]]
    z = np.divide(bid - mean[tender], sd[tender], out=np.zeros(len(bid)), where=sd[tender] > 0)
    return np.column_stack([bid / low[tender], bid / mean[tender], rank / np.maximum(count[tender] - 1, 1), z])


def _rates(bidder: Ints, label: Ints, fit: NDArray[np.bool_], n_bidders: int, strength: float) -> tuple[Floats, Floats]:
    count = np.bincount(bidder[fit], minlength=n_bidders).astype(np.float64)
    positive = np.bincount(bidder[fit], weights=label[fit].astype(np.float64), minlength=n_bidders)
    prior = float(label[fit].mean()) if fit.any() else 0.5
    return (positive + strength * prior) / (count + strength), count


def _history_once(
    bidder: Ints, label: Ints, fit: NDArray[np.bool_], rows: NDArray[np.intp], out: Floats, *, strength: float
) -> None:
    n_bidders = int(bidder.max()) + 1
    r, c = _rates(bidder, label, fit, n_bidders, strength)
    out[rows, 0], out[rows, 1] = r[bidder[rows]], c[bidder[rows]]


def bidder_history(
    bidder: Ints,
    tender: Ints,
    label: Ints,
    train: NDArray[np.bool_],
    *,
    n_tenders: int,
    folds: int = 5,
    strength: float = 2.0,
) -> Floats:
    """``(len(bidder), 4)`` history features; ``label`` (tender- or bid-level) is read only where ``train``.

    Test rows use every training row; training rows use the other folds of the training tenders.
    """
    per_bid = np.zeros((len(bidder), 2))
    if len(bidder) == 0:
        return np.zeros((0, len(HISTORY_NAMES)))
    _history_once(bidder, label, train, np.flatnonzero(~train), per_bid, strength=strength)
    train_idx = np.flatnonzero(train)
    n_folds = min(folds, len(np.unique(tender[train_idx])))
    if n_folds >= 2:
        for fit_part, held in GroupKFold(n_splits=n_folds).split(train_idx, groups=tender[train_idx]):
            fit = np.zeros(len(bidder), dtype=bool)
            fit[train_idx[fit_part]] = True
            _history_once(bidder, label, fit, train_idx[held], per_bid, strength=strength)
    rate = per_bid[:, 0]
    count = np.bincount(tender, minlength=n_tenders).astype(np.float64)
    mean = np.bincount(tender, weights=rate, minlength=n_tenders) / np.maximum(count, 1)
    high = np.zeros(n_tenders)
    np.maximum.at(high, tender, rate)
    return np.column_stack([rate, per_bid[:, 1], mean[tender], high[tender]])
