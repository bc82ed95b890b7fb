"""Trains the clause classifier (fairbid/documents/data/clause_model.json) from the labelled corpus.

Training data: the ``train`` split of tests/corpus/clause_cases.jsonl and the rule corpora
(text_cases.jsonl, heldout_cases.jsonl: a case is unlawful when some rule must flag it). The ``heldback``
split of clause_cases.jsonl is never read here: scripts/clause_score.py and the corpus test measure on it.

Model: TF-IDF over character 1–3-grams of the prepared text (places masked, digits folded), logistic
regression with balanced classes. The threshold is the lowest score that keeps precision ≥ 0.9 in
5-fold cross-validation on the training data alone. Deterministic: same corpus, same model. The fitted
pipeline is exported as its weights (n-gram, idf, coefficient) and checked to score like scikit-learn.

    .venv/bin/python scripts/train_clause_model.py [--check]   # --check: compare with the shipped model
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import Pipeline

from fairbid.documents.clause_model import model_from_json, prepare
from fairbid.documents.places import load_gazetteer

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus"
OUT = ROOT / "fairbid" / "documents" / "data" / "clause_model.json"
TARGET_PRECISION = 0.9


def training_data() -> tuple[list[str], list[int]]:
    """(texts, labels) for training: never a held-back case."""
    texts: list[str] = []
    labels: list[int] = []
    held: set[str] = set()
    for line in (CORPUS / "clause_cases.jsonl").read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        if case["split"] == "train":
            texts.append(case["text"])
            labels.append(int(case["label"] == "unlawful"))
        else:
            held.add(case["text"])
    for name in ("text_cases.jsonl", "heldout_cases.jsonl"):
        for line in (CORPUS / name).read_text(encoding="utf-8").splitlines():
            case = json.loads(line)
            if case["text"] in held:  # the same sentence in a rule corpus: still never trained on
                continue
            texts.append(case["text"])
            labels.append(int(bool(case["rules"])))
    return texts, labels


def pipeline() -> Pipeline:
    return Pipeline(
        [
            ("tfidf", TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=1)),
            ("lr", LogisticRegression(C=10.0, class_weight="balanced", max_iter=2000, solver="liblinear")),
        ]
    )


def choose_threshold(scores: np.ndarray, labels: np.ndarray) -> float:
    """The lowest score whose flagged set keeps precision ≥ TARGET_PRECISION (cross-validated scores)."""
    best = 0.5
    for t in sorted(set(np.round(scores, 3)), reverse=True):
        flagged = scores >= t
        if not flagged.any():
            continue
        precision = labels[flagged].mean()
        if precision >= TARGET_PRECISION:
            best = float(t)
    return max(best, 0.5)


def export(model: Pipeline, *, threshold: float, trained_on: str) -> str:
    """The fitted pipeline as JSON: n-gram range, intercept, threshold and (n-gram, idf, coefficient)."""
    tfidf, lr = model.named_steps["tfidf"], model.named_steps["lr"]
    features = sorted(
        (gram, round(float(tfidf.idf_[i]), 6), round(float(lr.coef_[0][i]), 6)) for gram, i in tfidf.vocabulary_.items()
    )
    data = {
        "model": "char 1-3-gram TF-IDF (sublinear, l2) + logistic regression; scripts/train_clause_model.py",
        "trained_on": trained_on,
        "threshold": threshold,
        "ngram_range": list(tfidf.ngram_range),
        "intercept": round(float(lr.intercept_[0]), 6),
        "features": features,
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


def train() -> str:
    """Fit on the training data, choose the threshold, export; asserts the export scores like scikit-learn."""
    places = load_gazetteer()
    raw, y = training_data()
    texts = [prepare(t, places) for t in raw]
    labels = np.array(y)
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=19)
    cv = cross_val_predict(pipeline(), texts, labels, cv=folds, method="predict_proba")[:, 1]
    threshold = choose_threshold(cv, labels)
    model = pipeline().fit(texts, labels)
    digest = hashlib.sha256("\n".join(f"{lab}\t{t}" for t, lab in zip(raw, y, strict=True)).encode()).hexdigest()
    flagged = cv >= threshold
    print(
        f"{len(texts)} training texts ({int(labels.sum())} unlawful); threshold {threshold:.3f}; "
        f"cross-validated precision {labels[flagged].mean():.3f} recall {flagged[labels == 1].mean():.3f}"
    )
    out = export(model, threshold=threshold, trained_on=f"sha256:{digest[:16]} ({len(texts)} texts)")
    ours = model_from_json(out, places).scores(texts)
    theirs = model.predict_proba(texts)[:, 1]
    gap = float(np.max(np.abs(np.array(ours) - theirs)))
    if gap > 1e-4:
        raise SystemExit(f"exported model scores differ from scikit-learn's by {gap}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="retrain and compare with the shipped model")
    args = parser.parse_args(argv)
    out = train()
    if args.check:
        same = OUT.read_text(encoding="utf-8") == out
        print("shipped model matches the corpus" if same else "shipped model is stale: rerun without --check")
        return 0 if same else 1
    OUT.write_text(out, encoding="utf-8")
    print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
