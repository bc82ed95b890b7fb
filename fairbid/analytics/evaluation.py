"""How well the collusion classifiers do on labelled data: a bid-level and a tender-level track.

**Bid level** (the protocol of García Rodríguez et al. 2022, see the data README): one row per bid, target
``Collusive_competitor``; ``GroupShuffleSplit`` by tender, 80/20, repeated; features are the dataset's
columns (minus label leaks and ids; minus dates unless ``with_date``) plus the screens of every tender, the
bid's position in its tender and its bidder's history in the training tenders (``feature``: the share of
the bidder's training bids in collusive tenders and, where the data has it, flagged as a cartel member).
Model: a random forest, 300 trees, balanced class weights, leaves of ≥ 1 % of the training bids, half the
features per split. Since the label is one per tender, the predicted probabilities of a test tender's bids
are averaged before thresholding at 0.5, so every bid of a tender gets the same call. Metrics on test bids,
collusive = positive, averaged over repetitions.

**Tender level**: one row per tender with ≥ 4 bids; features are the screens recomputed from the bids, the
number of bids, subgroup screens, the log of the lowest, mean and highest bid, the dataset's columns that
are constant within tenders other than ids and dates, and the bidders' history in the training tenders;
extremely randomised trees (300, balanced, leaves ≥ 2); stratified 80/20 split, repeated; balanced accuracy
and ROC-AUC.

A split whose training or test part lacks a class is redrawn (at most 100 times, then ``DatasetProblem``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from numpy.typing import NDArray
from sklearn.ensemble import ExtraTreesClassifier, RandomForestClassifier
from sklearn.metrics import (
    accuracy_score,
    balanced_accuracy_score,
    f1_score,
    precision_score,
    recall_score,
    roc_auc_score,
)
from sklearn.model_selection import GroupShuffleSplit, StratifiedShuffleSplit

from fairbid.analytics.dataset import BidDataset, DatasetProblem
from fairbid.analytics.feature import bid_position, bidder_history, subgroup_screens, tender_screens

__all__ = [
    "BidLevelScores",
    "Evaluation",
    "TenderLevelScores",
    "evaluate",
    "evaluate_bid_level",
    "evaluate_tender_level",
    "make_forest",
]

MIN_TENDER_BIDS = 4
_MAX_REDRAWS = 100
Floats = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class BidLevelScores:
    """Means over repetitions, on test bids, collusive = positive (fractions in [0, 1])."""

    accuracy: float
    balanced_accuracy: float
    precision: float
    recall: float
    f1: float


@dataclass(frozen=True, slots=True)
class TenderLevelScores:
    """Means over repetitions, on test tenders (fractions in [0, 1])."""

    balanced_accuracy: float
    roc_auc: float


@dataclass(frozen=True, slots=True)
class Evaluation:
    """Both tracks for one dataset; ``as_json`` gives exactly the CLI's documented shape."""

    bid_level: BidLevelScores
    tender_level: TenderLevelScores

    def as_json(self, digits: int = 4) -> dict[str, dict[str, float]]:
        """``{"bid_level": {...}, "tender_level": {...}}`` with rounded values."""
        return {
            "bid_level": {k: round(v, digits) for k, v in asdict(self.bid_level).items()},
            "tender_level": {k: round(v, digits) for k, v in asdict(self.tender_level).items()},
        }


def make_forest(
    kind: str = "forest",
    *,
    seed: int,
    n_jobs: int = 2,
    trees: int = 300,
    leaf: float = 0.01,
    max_features: float | str = 0.5,
) -> RandomForestClassifier | ExtraTreesClassifier:
    """A forest with balanced class weights. At bid level, leaves hold at least ``leaf`` of the training
    rows (bids repeat their tender's features, so small leaves memorise tenders) and half the features are
    tried per split. ``kind`` is ``forest`` (random forest) or ``extratrees``."""
    common = {
        "n_estimators": trees,
        "class_weight": "balanced",
        "min_samples_leaf": leaf,
        "max_features": max_features,
        "n_jobs": n_jobs,
        "random_state": seed,
    }
    if kind == "extratrees":
        return ExtraTreesClassifier(**common)
    if kind == "forest":
        return RandomForestClassifier(**common)
    raise ValueError(f"unknown model kind {kind!r}")


def _groups(ds: BidDataset) -> list[Floats]:
    order = np.argsort(ds.tender, kind="stable")
    cuts = np.cumsum(np.bincount(ds.tender, minlength=ds.n_tenders))[:-1]
    return [ds.bid[i] for i in np.split(order, cuts)]


def _tender_constant(ds: BidDataset) -> tuple[Floats, NDArray[np.bool_]]:
    """The first row's value of each column per tender, and which columns are constant within tenders."""
    first = np.full(ds.n_tenders, len(ds.tender), dtype=np.int64)
    np.minimum.at(first, ds.tender, np.arange(len(ds.tender)))
    values = ds.features[first]
    constant = np.all(ds.features == values[ds.tender], axis=0)
    return values, constant


def _check_classes(label: NDArray[np.int64], what: str) -> None:
    if len(np.unique(label)) < 2:
        raise DatasetProblem(f"the {what} has only one class; it needs collusive and non-collusive tenders.")


def _bid_features(ds: BidDataset, *, with_date: bool, screens: Floats) -> Floats:
    columns, _ = ds.columns(with_date=with_date)
    return np.column_stack([columns, screens[ds.tender], bid_position(ds.bid, ds.tender, ds.n_tenders)])


def _log_levels(groups: list[Floats]) -> Floats:
    """log of the lowest, mean and highest bid: the size of the contract, in the dataset's currency."""
    levels: Floats = np.log(np.array([[g.min(), g.mean(), g.max()] for g in groups]).reshape(len(groups), 3))
    return levels


def _split_ok(label: NDArray[np.int64], train: NDArray[np.intp], test: NDArray[np.intp]) -> bool:
    return len(np.unique(label[train])) == 2 and len(np.unique(label[test])) == 2


def evaluate_bid_level(
    ds: BidDataset,
    *,
    repetitions: int = 20,
    with_date: bool = False,
    seed: int = 0,
    n_jobs: int = 2,
    model: str = "forest",
    history: bool = True,
) -> BidLevelScores:
    """The bid-level track (see the module docstring)."""
    if repetitions < 1:
        raise ValueError("repetitions must be at least 1")
    _check_classes(ds.label, "dataset")
    if ds.n_tenders < 5:
        raise DatasetProblem(f"{ds.name} has {ds.n_tenders} tender(s); a grouped 80/20 split needs at least 5.")
    groups = _groups(ds)
    base = _bid_features(ds, with_date=with_date, screens=tender_screens(groups))
    splitter = GroupShuffleSplit(n_splits=repetitions * _MAX_REDRAWS, test_size=0.2, random_state=seed)
    scores: list[list[float]] = []
    for train, test in splitter.split(base, ds.label, ds.tender):
        if len(scores) == repetitions:
            break
        if not _split_ok(ds.label, train, test):
            continue
        x = base
        if history and ds.bidder is not None:
            mask = np.zeros(len(ds.label), dtype=bool)
            mask[train] = True
            parts = [base, bidder_history(ds.bidder, ds.tender, ds.label, mask, n_tenders=ds.n_tenders)]
            if ds.member is not None:
                parts.append(bidder_history(ds.bidder, ds.tender, ds.member, mask, n_tenders=ds.n_tenders))
            x = np.column_stack(parts)
        clf = make_forest(model, seed=seed + len(scores), n_jobs=n_jobs).fit(x[train], ds.label[train])
        proba = clf.predict_proba(x[test])[:, 1]
        t = ds.tender[test]
        tender_mean = np.bincount(t, weights=proba, minlength=ds.n_tenders) / np.maximum(
            np.bincount(t, minlength=ds.n_tenders), 1
        )
        pred = (tender_mean[t] >= 0.5).astype(np.int64)
        y = ds.label[test]
        scores.append(
            [
                accuracy_score(y, pred),
                balanced_accuracy_score(y, pred),
                precision_score(y, pred, zero_division=0.0),
                recall_score(y, pred, zero_division=0.0),
                f1_score(y, pred, zero_division=0.0),
            ]
        )
    if len(scores) < repetitions:
        raise DatasetProblem(f"{ds.name}: could not draw {repetitions} splits with both classes in train and test.")
    return BidLevelScores(*(float(v) for v in np.mean(scores, axis=0)))


def tender_table(ds: BidDataset, *, seed: int = 0) -> tuple[Floats, NDArray[np.int64], NDArray[np.intp]]:
    """Tender-level rows (tenders with ≥ 4 bids): features without ids or dates, labels, tender indices."""
    groups = _groups(ds)
    keep = np.flatnonzero(np.array([len(g) >= MIN_TENDER_BIDS for g in groups]))
    if keep.size == 0:
        raise DatasetProblem(f"{ds.name} has no tender with {MIN_TENDER_BIDS} or more bids for the tender-level track.")
    values, constant = _tender_constant(ds)
    usable = constant & ~ds.date_mask
    kept = [groups[i] for i in keep]
    x = np.column_stack(
        [tender_screens(kept), subgroup_screens(kept, seed=seed), _log_levels(kept), values[keep][:, usable]]
    )
    label = np.zeros(ds.n_tenders, dtype=np.int64)
    label[ds.tender] = ds.label
    return x, label[keep], keep


def _tender_history(ds: BidDataset, keep: NDArray[np.intp], train_tenders: NDArray[np.intp]) -> Floats:
    assert ds.bidder is not None
    mask = np.isin(ds.tender, keep[train_tenders])
    parts = [bidder_history(ds.bidder, ds.tender, ds.label, mask, n_tenders=ds.n_tenders)[:, 2:]]
    if ds.member is not None:
        parts.append(bidder_history(ds.bidder, ds.tender, ds.member, mask, n_tenders=ds.n_tenders)[:, 2:])
    first = np.full(ds.n_tenders, len(ds.tender), dtype=np.int64)
    np.minimum.at(first, ds.tender, np.arange(len(ds.tender)))
    return np.column_stack(parts)[first[keep]]  # tender mean and max of bidder rates


def evaluate_tender_level(
    ds: BidDataset,
    *,
    repetitions: int = 20,
    seed: int = 0,
    n_jobs: int = 2,
    history: bool = True,
    model: str = "extratrees",
) -> TenderLevelScores:
    """The tender-level track (see the module docstring)."""
    if repetitions < 1:
        raise ValueError("repetitions must be at least 1")
    x, y, keep = tender_table(ds, seed=seed)
    _check_classes(y, f"set of tenders with {MIN_TENDER_BIDS}+ bids")
    if min(np.bincount(y)) < 2:
        raise DatasetProblem(f"{ds.name}: each class needs at least 2 tenders with {MIN_TENDER_BIDS}+ bids.")
    splitter = StratifiedShuffleSplit(n_splits=repetitions, test_size=0.2, random_state=seed)
    scores = []
    for rep, (train, test) in enumerate(splitter.split(x, y)):
        xx = x
        if history and ds.bidder is not None:
            xx = np.column_stack([x, _tender_history(ds, keep, train)])
        clf = make_forest(model, seed=seed + rep, n_jobs=n_jobs, leaf=2, max_features="sqrt").fit(xx[train], y[train])
        proba = clf.predict_proba(xx[test])[:, 1]
        scores.append([balanced_accuracy_score(y[test], (proba >= 0.5).astype(int)), roc_auc_score(y[test], proba)])
    return TenderLevelScores(*(float(v) for v in np.mean(scores, axis=0)))


def evaluate(
    ds: BidDataset, *, repetitions: int = 20, with_date: bool = False, seed: int = 0, n_jobs: int = 2
) -> Evaluation:
    """Both tracks; the tender track never uses dates, whatever ``with_date`` says."""
    return Evaluation(
        bid_level=evaluate_bid_level(ds, repetitions=repetitions, with_date=with_date, seed=seed, n_jobs=n_jobs),
        tender_level=evaluate_tender_level(ds, repetitions=repetitions, seed=seed, n_jobs=n_jobs),
    )
