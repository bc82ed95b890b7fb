"""A tender's collusion risk from its bids alone, and which screens drove it.

The model is a random forest over the screens of the tender, its number of bids and its subgroup screens
(``feature``): nothing but the bid prices, so it applies to any tender on the platform, in any currency.
It is trained on the tenders with ≥ 4 bids of the five labelled garcia2022 datasets, each dataset given
the same total weight and each class balanced within it, by ``train_tender_risk`` (``fairbid collusion
train``), seeded, so the shipped file can be rebuilt.

**Explanation** (Saabas' decomposition): along each tree's decision path, the change in the predicted
collusive share at a split is credited to the split's feature; averaged over trees, the score equals the
training base rate plus the sum of the credits. Credits of the subgroup summaries of a screen are added to
that screen, so the drivers read as "CV +0.21, KURT +0.08 …".

A score is a clue for review, never proof (发改法规〔2026〕195号 (十一)). The file is a pickle: load only
the file the project ships or one you built yourself.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import sklearn
from numpy.typing import NDArray
from sklearn.ensemble import RandomForestClassifier

from fairbid.analytics.dataset import DatasetProblem, load_dataset
from fairbid.analytics.feature import subgroup_names, subgroup_screens, tender_screen_names, tender_screens
from fairbid.analytics.screen import SCREEN_NAMES

__all__ = [
    "DEFAULT_MODEL_PATH",
    "Driver",
    "TenderRisk",
    "TenderRiskModel",
    "default_data_dir",
    "train_tender_risk",
]

DEFAULT_MODEL_PATH = Path(__file__).parent / "models" / "tender_risk.joblib"
GARCIA_FILES = (
    "DB_Collusion_Brazil_processed.csv",
    "DB_Collusion_Italy_processed.csv",
    "DB_Collusion_Japan_processed.csv",
    "DB_Collusion_Switzerland_GR_and_See-Gaster_processed.csv",
    "DB_Collusion_Switzerland_Ticino_processed.csv",
)
MIN_BIDS = 4
HIGH, ELEVATED = 0.7, 0.5
Floats = NDArray[np.float64]


def default_data_dir() -> Path:
    """``$FAIRBID_COLLUSION_DATA``, else ``<repo root>/../shared/collusion-data``."""
    env = os.environ.get("FAIRBID_COLLUSION_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2].parent / "shared" / "collusion-data"


@dataclass(frozen=True, slots=True)
class Driver:
    """One screen's share of a score: its value in the tender and its credit (positive = riskier)."""

    screen: str
    value: float
    contribution: float


@dataclass(frozen=True, slots=True)
class TenderRisk:
    """The risk of one tender: score in [0, 1], level, screens, and the drivers, largest first."""

    tender: str
    n_bids: int
    score: float | None
    level: str
    screens: Mapping[str, float]
    drivers: tuple[Driver, ...] = field(default=())
    note: str = "线索仅供人工核查，不构成认定 (a clue for human review, never proof)"


def _features(groups: Sequence[Floats], *, seed: int = 0) -> Floats:
    return np.column_stack([tender_screens(groups), subgroup_screens(groups, seed=seed)])


def _base_screen(name: str) -> str:
    return name.split("_SUB", 1)[0]


class TenderRiskModel:
    """A fitted forest with its feature names and provenance; ``assess`` scores and explains tenders."""

    def __init__(self, forest: RandomForestClassifier, meta: Mapping[str, Any]) -> None:
        forest.n_jobs = 1  # scoring a few tenders: threads cost more than they give
        self.forest = forest
        self.meta = dict(meta)
        self.feature_names = (*tender_screen_names(), *subgroup_names())

    @classmethod
    def load(cls, path: str | Path = DEFAULT_MODEL_PATH) -> TenderRiskModel:
        """Load a model written by ``save`` (raises ``DatasetProblem`` with the fix when it is missing)."""
        p = Path(path)
        if not p.is_file():
            raise DatasetProblem(f"no tender-risk model at {p}; build it with `fairbid collusion train`.")
        payload = joblib.load(p)
        if payload.get("sklearn") != sklearn.__version__:
            raise DatasetProblem(
                f"{p} was built with scikit-learn {payload.get('sklearn')}, this is {sklearn.__version__}; "
                "rebuild it with `fairbid collusion train`."
            )
        return cls(payload["forest"], payload["meta"])

    def save(self, path: str | Path = DEFAULT_MODEL_PATH) -> Path:
        """Write the model (joblib, compressed) and return the path."""
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        joblib.dump({"forest": self.forest, "meta": self.meta, "sklearn": sklearn.__version__}, p, compress=3)
        return p

    def _contributions(self, x: Floats) -> tuple[Floats, Floats]:
        """Per-row scores and per-feature credits (Saabas), averaged over trees."""
        scores = np.zeros(len(x))
        credit = np.zeros(x.shape)
        for est in self.forest.estimators_:
            tree = est.tree_
            value = tree.value[:, 0, 1] / np.maximum(tree.value[:, 0, :].sum(axis=1), 1e-12)
            for row in range(len(x)):
                node = 0
                while tree.children_left[node] != -1:
                    f = tree.feature[node]
                    nxt = tree.children_left[node] if x[row, f] <= tree.threshold[node] else tree.children_right[node]
                    credit[row, f] += value[nxt] - value[node]
                    node = nxt
                scores[row] += value[node]
        n = len(self.forest.estimators_)
        return scores / n, credit / n

    def assess(self, tenders: Mapping[str, Sequence[float]], *, top: int = 3) -> list[TenderRisk]:
        """Score every tender (a mapping id → bid prices); tenders with < 4 bids get screens but no score."""
        ids = list(tenders)
        groups = [np.asarray(tenders[t], dtype=np.float64) for t in ids]
        table = tender_screens(groups)
        scored = [i for i, g in enumerate(groups) if len(g) >= MIN_BIDS]
        out: dict[int, TenderRisk] = {}
        if scored:
            x = _features([groups[i] for i in scored])
            scores, credit = self._contributions(x)
            for row, i in enumerate(scored):
                per_screen: dict[str, float] = {}
                for name, c in zip(self.feature_names, credit[row], strict=True):
                    per_screen[_base_screen(name)] = per_screen.get(_base_screen(name), 0.0) + float(c)
                values = dict(zip(tender_screen_names(), table[i], strict=True))
                drivers = sorted(per_screen.items(), key=lambda kv: -abs(kv[1]))[:top]
                s = float(scores[row])
                out[i] = TenderRisk(
                    tender=ids[i],
                    n_bids=len(groups[i]),
                    score=s,
                    level="high" if s >= HIGH else "elevated" if s >= ELEVATED else "low",
                    screens={k: float(values[k]) for k in SCREEN_NAMES},
                    drivers=tuple(Driver(k, float(values[k]), v) for k, v in drivers),
                )
        for i, g in enumerate(groups):
            if i not in out:
                values = dict(zip(tender_screen_names(), table[i], strict=True))
                out[i] = TenderRisk(
                    tender=ids[i],
                    n_bids=len(g),
                    score=None,
                    level="not scored",
                    screens={k: float(values[k]) for k in SCREEN_NAMES},
                    note=f"fewer than {MIN_BIDS} bids: screens shown, no score (线索仅供人工核查)",
                )
        return [out[i] for i in range(len(ids))]


def _sha16(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def train_tender_risk(
    data_dir: str | Path | None = None,
    *,
    seed: int = 0,
    trees: int = 300,
    n_jobs: int = 2,
    files: Sequence[str] = GARCIA_FILES,
) -> TenderRiskModel:
    """Fit the shipped model on the garcia2022 files under ``data_dir`` (see the module docstring)."""
    root = Path(data_dir) if data_dir is not None else default_data_dir()
    folder = root / "garcia2022" if (root / "garcia2022").is_dir() else root
    xs, ys, ws, sources = [], [], [], {}
    for name in files:
        path = folder / name
        if not path.is_file():
            raise DatasetProblem(f"{path} is missing; set FAIRBID_COLLUSION_DATA to the collusion-data folder.")
        ds = load_dataset(path)
        order = np.argsort(ds.tender, kind="stable")
        cuts = np.cumsum(np.bincount(ds.tender, minlength=ds.n_tenders))[:-1]
        groups = [ds.bid[i] for i in np.split(order, cuts)]
        label = np.zeros(ds.n_tenders, dtype=np.int64)
        label[ds.tender] = ds.label
        keep = [i for i, g in enumerate(groups) if len(g) >= MIN_BIDS]
        y = label[keep]
        counts = np.bincount(y, minlength=2).astype(np.float64)
        weight = np.where(y == 1, 0.5 / max(counts[1], 1), 0.5 / max(counts[0], 1))
        xs.append(_features([groups[i] for i in keep], seed=seed))
        ys.append(y)
        ws.append(weight)
        sources[name] = {"sha256_16": _sha16(path), "tenders": len(keep), "collusive": int(counts[1])}
    forest = RandomForestClassifier(
        n_estimators=trees, min_samples_leaf=3, max_features="sqrt", n_jobs=n_jobs, random_state=seed
    )
    forest.fit(np.vstack(xs), np.concatenate(ys), sample_weight=np.concatenate(ws) * 1000)
    meta = {
        "trained_on": sources,
        "seed": seed,
        "trees": trees,
        "min_bids": MIN_BIDS,
        "features": "screens + N_BIDS + subgroup screens (sizes 3 and 4; mean, median, min, max)",
        "numpy": np.__version__,
        "command": f"fairbid collusion train --seed {seed}",
    }
    return TenderRiskModel(forest, meta)
