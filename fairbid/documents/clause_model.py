"""A learned second opinion on tender text (条款分类模型): which sentences read like discriminatory clauses.

Character n-grams (TF-IDF) and a logistic regression, trained with scikit-learn by
``scripts/train_clause_model.py`` on the project's labelled corpus (tests/corpus: the train split of
clause_cases.jsonl plus the rule corpora). Place names are masked with the gazetteer and digits folded
before scoring, so "在长沙市设有…得3分" and "在株洲设有…得2分" read alike.

Its findings have severity ``review``: a model's score, not a rule, never blocking; they point a person
at sentences the rules did not flag.

Shipped, not trained at first use: the corpus is not part of the installed package, and a pinned
artefact gives every installation the same scores (a test retrains it and compares). Shipped as the
linear model's weights in ``data/clause_model.json`` (n-gram → idf, coefficient), scored here in plain
Python with exactly scikit-learn's arithmetic: importing scikit-learn at check time costs 2–3 s on this
project's machines, more than the whole 300-page budget, and a JSON file can be read and reviewed.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

from fairbid.domain.rules import Finding, Severity, Span
from fairbid.domain.rules.place import PLACE_MARK, Gazetteer

__all__ = [
    "MODEL_CITATION",
    "MODEL_RULE",
    "ClauseModel",
    "load_clause_model",
    "model_from_json",
    "prepare",
    "review_findings",
    "sentences",
]

MODEL_RULE = "M01"
MODEL_CITATION = "Fairbid 条款分类模型（模型评分，非法条）"
_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]?")
_DIGITS = re.compile(r"[0-9０-９]+(?:\.[0-9]+)?")
# A sentence is scored only when it says something a restriction says: a requirement (须, 应, 方可…),
# points (分, 优先), a designation (指定, 仅限, 品牌), a lot, a threshold (不少于, 以上), a procedure
# (报名, 原件, 踏勘) or a place (本市, a named place). Headings, numbers and labels are not.
_CUE = re.compile(
    r"须|需|应|要求|具备|具有|持有|取得|方可|才能|否则|无效|否决|不予|不得|不接受|仅|只|限|指定|分|优先|缴纳|品牌|原装|进口"
    r"|抽签|摇号|随机|抓阄|报名|标底|控制价|不少于|不低于|以上|满|年限|酌情|印象|单独|部分|分别|距|资本|资产|营业|人数|占有率"
    r"|入围|框架|名录|原件|踏勘|考察|本地|本市|本省|本县|本区|我市|我省|我县|当地|辖区|县城|" + PLACE_MARK
)
_MIN_CHARS = 8
_WHITE_SPACES = re.compile(r"\s\s+")  # as scikit-learn's char analyzer


def prepare(text: str, places: Gazetteer) -> str:
    """The text as the model reads it: place names masked, digits folded to 0."""
    return _DIGITS.sub("0", places.mask(text))


def sentences(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` of each sentence of ``text`` (split at 。！？；and line ends), white space trimmed."""
    out = []
    for m in _SENTENCE.finditer(text):
        raw = m.group()
        lead = len(raw) - len(raw.lstrip())
        body = raw.strip()
        if body:
            out.append((m.start() + lead, m.start() + lead + len(body)))
    return out


class _Index(dict[str, int]):
    """n-gram → feature index; unknown n-grams map to the extra slot ``len(self)`` of zero weight."""

    def __missing__(self, key: str) -> int:
        return self.unknown

    unknown = 0


@dataclass(frozen=True, slots=True)
class ClauseModel:
    """The trained linear model: per n-gram an idf and a coefficient, the intercept and the threshold.

    A text's score is scikit-learn's ``predict_proba`` of the trained pipeline: character n-grams of the
    lower-cased text, sublinear tf × idf over the known n-grams, L2-normalised, logistic of the dot product.
    Texts are scored in one vectorised batch (numpy), about 0.3 s for 10,000 sentences.
    """

    index: Mapping[str, int]
    idf: Any  # numpy arrays, one slot per n-gram plus a zero slot for unknown ones
    coef: Any
    intercept: float
    threshold: float
    ngram_range: tuple[int, int]
    places: Gazetteer
    trained_on: str

    def scores(self, texts: Sequence[str]) -> list[float]:
        """Scores of texts whose place names are already masked (digits are folded here)."""
        import numpy as np

        if not texts:
            return []
        low, high = self.ngram_range
        grams: list[str] = []
        owner: list[int] = []
        for k, text in enumerate(texts):
            doc = _WHITE_SPACES.sub(" ", _DIGITS.sub("0", text).lower())
            before = len(grams)
            level = list(doc)  # n-grams of size n built from those of size n-1, at C speed
            for n in range(1, high + 1):
                if n > 1:
                    level = list(map(str.__add__, level[:-1], doc[n - 1 :]))
                if n >= low:
                    grams.extend(level)
            owner.extend([k] * (len(grams) - before))
        feature = np.fromiter(map(self.index.__getitem__, grams), dtype=np.int64, count=len(grams))
        doc_of = np.asarray(owner, dtype=np.int64)
        width = len(self.idf)
        pairs, counts = np.unique(doc_of * width + feature, return_counts=True)
        docs, feats = pairs // width, pairs % width
        value = (1.0 + np.log(counts)) * self.idf[feats]
        norm = np.sqrt(np.bincount(docs, weights=value * value, minlength=len(texts)))
        dot = np.bincount(docs, weights=value * self.coef[feats], minlength=len(texts))
        z = self.intercept + np.divide(dot, norm, out=np.zeros_like(dot), where=norm > 0)
        return [float(v) for v in 1.0 / (1.0 + np.exp(-z))]

    def flags(self, text: str) -> bool:
        """Whether any sentence of ``text`` that ``review_findings`` would score reaches the threshold."""
        masked = self.places.mask(text)
        parts = [masked[a:b] for a, b in sentences(masked) if _worth_scoring(masked, a, b)]
        return any(s >= self.threshold for s in self.scores(parts))


def model_from_json(data: str, places: Gazetteer) -> ClauseModel:
    """A model from the JSON written by ``scripts/train_clause_model.py``."""
    import numpy as np

    saved = json.loads(data)
    index = _Index()
    idf, coef = [], []
    for i, (gram, g_idf, g_coef) in enumerate(saved["features"]):
        index[gram] = i
        idf.append(float(g_idf))
        coef.append(float(g_coef))
    index.unknown = len(idf)
    low, high = saved["ngram_range"]
    return ClauseModel(
        index,
        np.array([*idf, 0.0]),
        np.array([*coef, 0.0]),
        float(saved["intercept"]),
        float(saved["threshold"]),
        (low, high),
        places,
        str(saved["trained_on"]),
    )


@cache
def load_clause_model() -> ClauseModel:
    """The shipped model (loaded once per process, about 0.05 s)."""
    from fairbid.documents.places import load_gazetteer

    data = files("fairbid.documents").joinpath("data/clause_model.json").read_text(encoding="utf-8")
    return model_from_json(data, load_gazetteer())


def _worth_scoring(masked: str, start: int, end: int) -> bool:
    return end - start >= _MIN_CHARS and _CUE.search(masked, start, end) is not None


def _covered(spans: list[tuple[int, int]], starts: list[int], start: int, end: int) -> bool:
    """Whether a span starting before ``end`` (the last few: spans rarely nest) ends after ``start``."""
    i = bisect_left(starts, end)
    return any(start < e for _, e in spans[max(0, i - 8) : i])


def review_findings(
    text: str, model: ClauseModel, *, already: Iterable[Finding] = (), masked: str | None = None
) -> list[Finding]:
    """``review`` findings for the sentences of ``text`` the model flags and no finding in ``already`` covers.

    Only sentences of eight characters or more with a cue (须, 分, 本市, a place name…) are scored, each
    distinct wording once (digits folded): headings and repeated boilerplate cost nothing, which keeps a
    300-page document within the checker's time budget. ``masked`` is ``text`` already masked by the
    model's gazetteer, when the caller has it.
    """
    taken = sorted((f.span.start, f.span.end) for f in already if f.span is not None)
    starts = [a for a, _ in taken]
    if masked is None:
        masked = model.places.mask(text)
    todo = [
        (a, b, _DIGITS.sub("0", masked[a:b]))
        for a, b in sentences(masked)
        if _worth_scoring(masked, a, b) and not _covered(taken, starts, a, b)
    ]
    unique = sorted({key for _, _, key in todo})  # boilerplate repeats: score each wording once
    score_of = dict(zip(unique, model.scores(unique), strict=True))
    found = []
    for a, b, key in todo:
        score = score_of[key]
        if score < model.threshold:
            continue
        span = Span(a, b, text[a:b])
        found.append(
            Finding(
                rule=MODEL_RULE,
                severity=Severity.REVIEW,
                citation=MODEL_CITATION,
                message=(
                    f"模型评分 {score:.2f}（阈值 {model.threshold:.2f}）："
                    "读来像限制或排斥潜在投标人的条款，规则未识别。这是模型的评分，不是规则，请人工复核后再发布。"
                ),
                span=span,
                clause=span,
            )
        )
    return found
