"""Precision and recall of the text rules over the labelled corpus (tests/corpus/text_cases.jsonl).

Each case is a sentence or paragraph with the set of rules that must flag it (empty for look-alikes:
negations, quoted law, "或相当于", lawful wording). A rule's true positives are the cases it flags and
should; false positives the cases it flags and should not; false negatives the cases it misses.

    .venv/bin/python scripts/corpus_score.py [--on 2026-11-27] [--show-errors]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from fairbid.documents.places import load_gazetteer
from fairbid.domain.rules import TEXT_RULES, check_text

CORPUS_DIR = Path(__file__).resolve().parent.parent / "tests" / "corpus"
CORPUS = CORPUS_DIR / "text_cases.jsonl"
HELDOUT = CORPUS_DIR / "heldout_cases.jsonl"


@dataclass(frozen=True, slots=True)
class Score:
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def load(path: Path = CORPUS) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def score(
    cases: list[dict[str, object]], *, on: date
) -> tuple[dict[str, Score], Score, list[tuple[str, set[str], set[str]]]]:
    """Per-rule scores, the micro-averaged overall score, and the cases that went wrong."""
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    errors = []
    for case in cases:
        expected = set(case["rules"])  # type: ignore[call-overload]
        got = {f.rule for f in check_text(str(case["text"]), on=on, places=load_gazetteer())}
        for r in got & expected:
            tp[r] += 1
        for r in got - expected:
            fp[r] += 1
        for r in expected - got:
            fn[r] += 1
        if got != expected:
            errors.append((str(case["id"]), expected, got))
    per_rule = {t.rule.id: Score(tp[t.rule.id], fp[t.rule.id], fn[t.rule.id]) for t in TEXT_RULES}
    overall = Score(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    return per_rule, overall, errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--on", type=date.fromisoformat, default=date(2026, 11, 27))
    parser.add_argument("--show-errors", action="store_true")
    parser.add_argument("--heldout", action="store_true", help="score the held-out set instead")
    args = parser.parse_args(argv)
    cases = load(HELDOUT if args.heldout else CORPUS)
    per_rule, overall, errors = score(cases, on=args.on)
    print(f"{len(cases)} cases, {sum(1 for c in cases if c['rules'])} to flag, checked on {args.on}")
    print(f"{'rule':6} {'tp':>4} {'fp':>4} {'fn':>4} {'precision':>10} {'recall':>8}")
    for rule_id, s in per_rule.items():
        print(f"{rule_id:6} {s.tp:4} {s.fp:4} {s.fn:4} {s.precision:10.3f} {s.recall:8.3f}")
    print(f"{'ALL':6} {overall.tp:4} {overall.fp:4} {overall.fn:4} {overall.precision:10.3f} {overall.recall:8.3f}")
    if args.show_errors:
        texts = {str(c["id"]): str(c["text"]) for c in cases}
        for case_id, expected, got in errors:
            print(f"  {case_id}: expected {sorted(expected)} got {sorted(got)}  {texts[case_id]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
