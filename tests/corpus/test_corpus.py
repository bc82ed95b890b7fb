"""The labelled corpora: every text rule and every legal category has cases and look-alikes; the rules
meet their floors on the rule corpora; and on the categorised corpus's held-back split (never used to
train the classifier) the test reports recall and false-alarm rate per category for the rules, the
classifier and both, and holds them to a floor."""

from __future__ import annotations

import importlib.util
import sys
from datetime import date
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest

from fairbid.documents import load_clause_model
from fairbid.domain.rules import TEXT_RULES

ON = date(2026, 11, 27)
ROOT = Path(__file__).resolve().parents[2]
# Agreed floors. The development corpus was used to tune the rules; the held-out set was written
# afterwards (first-run figures in docs/rules.md), so its floor is lower.
DEV_FLOOR = {"precision": 0.97, "recall": 0.97}
RULE_FLOOR = {"precision": 0.80, "recall": 0.75}
HELDOUT_FLOOR = {"precision": 0.90, "recall": 0.85}
# The categorised corpus's held-back split, pooled over categories (first-run figures in docs/rules.md).
HELDBACK_FLOOR = {
    "rules": {"recall": 0.90, "false_alarm": 0.05},
    "classifier": {"recall": 0.80, "false_alarm": 0.10},
    "both": {"recall": 0.95, "false_alarm": 0.10},
}
MIN_UNLAWFUL, MIN_LAWFUL = 5, 3


def _script(name: str) -> ModuleType:
    path = ROOT / "scripts" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


@cache
def scorer() -> ModuleType:
    return _script("corpus_score")


@cache
def clause_scorer() -> ModuleType:
    return _script("clause_score")


def test_every_text_rule_has_flagged_cases_and_lookalikes() -> None:
    cases = scorer().load(scorer().CORPUS)
    clauses = clause_scorer().load()
    for t in TEXT_RULES:
        rid = t.rule.id
        flagged = [c for c in cases if rid in c["rules"]] + [c for c in clauses if rid in c["rules"]]
        categories = {c["category"] for c in clauses if rid in c["rules"]}
        lookalikes = [c for c in cases if str(c["id"]).startswith(f"{rid}-like-")] + [
            c for c in clauses if c["label"] == "lawful" and c["category"] in categories
        ]
        assert len(flagged) >= 3, rid
        assert len(lookalikes) >= 3, rid


def test_every_category_has_unlawful_and_lawful_cases_in_both_splits() -> None:
    clauses = clause_scorer().load()
    for category in {c["category"] for c in clauses}:
        mine = [c for c in clauses if c["category"] == category]
        unlawful = [c for c in mine if c["label"] == "unlawful"]
        lawful = [c for c in mine if c["label"] == "lawful"]
        assert len(unlawful) >= MIN_UNLAWFUL and len(lawful) >= MIN_LAWFUL, category
        for group in (unlawful, lawful):
            assert {c["split"] for c in group} == {"train", "heldback"}, category


def test_development_corpus_meets_the_floor_overall_and_per_rule() -> None:
    cs = scorer()
    per_rule, overall, errors = cs.score(cs.load(cs.CORPUS), on=ON)
    assert overall.precision >= DEV_FLOOR["precision"], errors
    assert overall.recall >= DEV_FLOOR["recall"], errors
    for rid, s in per_rule.items():
        assert s.precision >= RULE_FLOOR["precision"] and s.recall >= RULE_FLOOR["recall"], (rid, s)


def test_heldout_corpus_meets_the_floor() -> None:
    cs = scorer()
    _, overall, errors = cs.score(cs.load(cs.HELDOUT), on=ON)
    assert overall.precision >= HELDOUT_FLOOR["precision"], errors
    assert overall.recall >= HELDOUT_FLOOR["recall"], errors


def test_heldback_split_per_category_rules_classifier_and_both(capsys: pytest.CaptureFixture[str]) -> None:
    cs = clause_scorer()
    held = [c for c in cs.load() if c["split"] == "heldback"]
    model = load_clause_model()
    rules_memo = {str(c["id"]): cs.rules_verdict(c) for c in held}
    model_memo = {str(c["id"]): model.flags(str(c["text"])) for c in held}
    verdicts = {
        "rules": lambda c: rules_memo[str(c["id"])],
        "classifier": lambda c: model_memo[str(c["id"])],
        "both": lambda c: rules_memo[str(c["id"])] or model_memo[str(c["id"])],
    }
    columns, pooled = {}, {}
    for name, verdict in verdicts.items():
        columns[name], pooled[name], _ = cs.rates(held, verdict)
    with capsys.disabled():
        print(f"\nheld-back split, {len(held)} cases (recall and false-alarm rate per category):")
        print(cs.table(columns, pooled))
    for name, floor in HELDBACK_FLOOR.items():
        assert pooled[name].recall >= floor["recall"], (name, pooled[name])
        assert pooled[name].false_alarm <= floor["false_alarm"], (name, pooled[name])
    assert pooled["both"].recall >= max(pooled["rules"].recall, pooled["classifier"].recall)


def test_scorer_counts_false_positives_and_negatives() -> None:
    cs = scorer()
    cases = [
        {"id": "a", "text": "投标人须在本市设立分公司。", "rules": []},
        {"id": "b", "text": "本项目工期720日历天。", "rules": ["X03"]},
    ]
    per_rule, overall, errors = cs.score(cases, on=ON)
    assert (per_rule["X03"].tp, per_rule["X03"].fp, per_rule["X03"].fn) == (0, 1, 1)
    assert overall.precision == 0.0 and len(errors) == 2


def test_category_rates_count_misses_and_false_alarms() -> None:
    cs = clause_scorer()
    cases = [
        {"id": "u1", "category": "c", "label": "unlawful", "rules": ["X03"], "text": "投标人须在本市设立分公司。"},
        {"id": "u2", "category": "c", "label": "unlawful", "rules": ["X03"], "text": "本项目工期720日历天。"},
        {"id": "l1", "category": "c", "label": "lawful", "rules": [], "text": "开标时法定代表人须亲自到场。"},
    ]
    per, pooled, wrong = cs.rates(cases, cs.rules_verdict)
    assert (per["c"].caught, per["c"].unlawful, per["c"].alarms, per["c"].lawful) == (1, 2, 1, 1)
    assert pooled.recall == 0.5 and pooled.false_alarm == 1.0
    assert [c["id"] for c in wrong] == ["u2", "l1"]
