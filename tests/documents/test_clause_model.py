"""The clause model: the shipped weights are what the corpus trains, it never saw the held-back split,
its findings are non-blocking review findings naming a score, and it stays off sentences rules flagged."""

from __future__ import annotations

import importlib.util
import json
import sys
from datetime import date
from pathlib import Path

from fairbid.documents import check_document_text, load_clause_model
from fairbid.domain.rules import Severity, blocking

ROOT = Path(__file__).resolve().parents[2]
ON = date(2026, 11, 27)


def _trainer():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("train_clause_model", ROOT / "scripts" / "train_clause_model.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_training_never_reads_the_heldback_split() -> None:
    texts, _ = _trainer().training_data()
    cases = [json.loads(x) for x in (ROOT / "tests/corpus/clause_cases.jsonl").read_text("utf-8").splitlines()]
    held = {c["text"] for c in cases if c["split"] == "heldback"}
    assert held and not held & set(texts)


def test_shipped_model_is_what_the_corpus_trains() -> None:
    # train() also asserts that the exported weights score exactly like scikit-learn's pipeline.
    trainer = _trainer()
    assert trainer.OUT.read_text(encoding="utf-8") == trainer.train(), "rerun scripts/train_clause_model.py"


def test_model_scores_unlawful_above_lawful() -> None:
    model = load_clause_model()
    unlawful, lawful = model.scores(["参与过本市智慧城市建设的企业每家加2分。", "本项目工期为365日历天。"])
    assert unlawful >= model.threshold > lawful


def test_review_findings_are_non_blocking_scores_beside_the_rules() -> None:
    text = "投标人须在本市设立分公司。\n参与过本市智慧城市建设的企业每家加2分。\n本项目工期为365日历天。"
    found = check_document_text(text, on=ON)
    assert [f.rule for f in found] == ["X03", "M01"]
    review = found[1]
    assert review.severity is Severity.REVIEW and not review.blocks
    assert "模型评分" in review.message and "不是规则" in review.message
    assert review.span is not None and text[review.span.start : review.span.end] == review.span.text
    assert not blocking([review])
    assert [f.rule for f in check_document_text(text, on=ON, review=False)] == ["X03"]
