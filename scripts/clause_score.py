"""Recall and false-alarm rate per legal category over the categorised corpus (tests/corpus/clause_cases.jsonl):
rules, the classifier, and both together, on the held-back split (or any split).

A case counts as caught by the rules when one of its category's rules flags it (any rule for a lawful
case is a false alarm); by the classifier when its score reaches the threshold; by both when either does.

    .venv/bin/python scripts/clause_score.py [--split heldback|train|all] [--show-errors] [--no-model]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from fairbid.documents.places import load_gazetteer
from fairbid.domain.rules import check_text

CASES = Path(__file__).resolve().parent.parent / "tests" / "corpus" / "clause_cases.jsonl"
ON = date(2026, 11, 27)


@dataclass(frozen=True, slots=True)
class Rate:
    """Caught unlawful cases and flagged lawful ones of one category."""

    caught: int
    unlawful: int
    alarms: int
    lawful: int

    @property
    def recall(self) -> float:
        return self.caught / self.unlawful if self.unlawful else 1.0

    @property
    def false_alarm(self) -> float:
        return self.alarms / self.lawful if self.lawful else 0.0


def load(path: Path = CASES) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def rules_verdict(case: dict[str, object], *, on: date = ON) -> bool:
    """Whether the rules catch this case: a category rule for an unlawful case, any rule for a lawful one."""
    got = {f.rule for f in check_text(str(case["text"]), on=on, places=load_gazetteer())}
    wanted = set(case["rules"])  # type: ignore[call-overload]
    return bool(got & wanted) if wanted else bool(got)


def rates(
    cases: list[dict[str, object]], verdict: Callable[[dict[str, object]], bool]
) -> tuple[dict[str, Rate], Rate, list[dict[str, object]]]:
    """Per-category rates, the pooled rate, and the cases judged wrongly."""
    count: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    wrong = []
    for case in cases:
        flagged = verdict(case)
        c = count[str(case["category"])]
        if case["label"] == "unlawful":
            c[0] += flagged
            c[1] += 1
            if not flagged:
                wrong.append(case)
        else:
            c[2] += flagged
            c[3] += 1
            if flagged:
                wrong.append(case)
    per = {k: Rate(*v) for k, v in sorted(count.items())}
    pooled = Rate(*(sum(v[i] for v in count.values()) for i in range(4)))
    return per, pooled, wrong


def table(columns: dict[str, dict[str, Rate]], pooled: dict[str, Rate]) -> str:
    """A text table: per category, recall / false-alarm rate of each column."""
    names = list(columns)
    head = f"{'category':24} {'n+':>3} {'n-':>3}  " + "  ".join(f"{n:>15}" for n in names)
    lines = [head, f"{'':24} {'':>3} {'':>3}  " + "  ".join(f"{'recall  f.alarm':>15}" for _ in names)]
    first = columns[names[0]]
    for cat, r in first.items():
        cells = "  ".join(f"{columns[n][cat].recall:7.2f} {columns[n][cat].false_alarm:7.2f}" for n in names)
        lines.append(f"{cat:24} {r.unlawful:3} {r.lawful:3}  {cells}")
    p0 = pooled[names[0]]
    cells = "  ".join(f"{pooled[n].recall:7.2f} {pooled[n].false_alarm:7.2f}" for n in names)
    lines.append(f"{'ALL':24} {p0.unlawful:3} {p0.lawful:3}  {cells}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", default="heldback", choices=["heldback", "train", "all"])
    parser.add_argument("--show-errors", action="store_true")
    parser.add_argument("--no-model", action="store_true", help="rules only")
    args = parser.parse_args(argv)
    cases = [c for c in load() if args.split == "all" or c["split"] == args.split]
    verdicts: dict[str, Callable[[dict[str, object]], bool]] = {"rules": rules_verdict}
    if not args.no_model:
        from fairbid.documents.clause_model import load_clause_model

        model = load_clause_model()
        verdicts["classifier"] = lambda c: model.flags(str(c["text"]))
        verdicts["both"] = lambda c: rules_verdict(c) or model.flags(str(c["text"]))
    columns, pooled, errors = {}, {}, {}
    for name, verdict in verdicts.items():
        columns[name], pooled[name], errors[name] = rates(cases, verdict)
    print(f"{len(cases)} cases ({args.split}), checked on {ON}")
    print(table(columns, pooled))
    if args.show_errors:
        for name, wrong in errors.items():
            for c in wrong:
                print(f"  {name}: {c['id']} ({c['label']}) {c['text']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
