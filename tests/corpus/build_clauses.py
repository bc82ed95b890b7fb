"""Writes clause_cases.jsonl from clause_categories.py: one case per line with its category, form,
label, the rules that may flag it and its split. Not a test.

The split is stratified and fixed by the texts alone: within each category and label, the cases are
ordered by the SHA-256 of their text and the first third (at least one) are ``heldback``. The classifier
never trains on them, and the rules were written before they were scored (first-run figures in
docs/rules.md). Rerun after editing the categories:

    .venv/bin/python tests/corpus/build_clauses.py
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from clause_categories import CATEGORIES

OUT = Path(__file__).with_name("clause_cases.jsonl")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def heldback(texts: list[str]) -> set[str]:
    """The third of ``texts`` (at least one) held back from training: the lowest digests."""
    ranked = sorted(texts, key=_digest)
    return set(ranked[: max(1, round(len(ranked) / 3))])


def rows() -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for category, (rules, cases) in CATEGORIES.items():
        held = heldback([t for f, t in cases if f == "lawful"]) | heldback([t for f, t in cases if f != "lawful"])
        for n, (form, text) in enumerate(cases, 1):
            lawful = form == "lawful"
            out.append(
                {
                    "id": f"{category}-{n}",
                    "category": category,
                    "form": form,
                    "label": "lawful" if lawful else "unlawful",
                    "rules": [] if lawful else list(rules),
                    "split": "heldback" if text in held else "train",
                    "text": text,
                }
            )
    return out


def main() -> None:
    data = rows()
    texts = [str(r["text"]) for r in data]
    if len(set(texts)) != len(texts):
        raise SystemExit(f"duplicate texts: {sorted({t for t in texts if texts.count(t) > 1})}")
    OUT.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in data), encoding="utf-8")
    held = sum(1 for r in data if r["split"] == "heldback")
    print(f"{len(data)} cases ({held} held back) -> {OUT}")


if __name__ == "__main__":
    main()
