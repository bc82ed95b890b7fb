"""The catalog as documented: docs/rules.md lists every rule with its title, severity and whole citation,
and every text rule's module docstring carries its citation whole, so grepping a citation finds both."""

from __future__ import annotations

import sys
from pathlib import Path

from fairbid.domain.rules import TEXT_RULES, rules

DOC = (Path(__file__).resolve().parents[4] / "docs" / "rules.md").read_text(encoding="utf-8")


def test_docs_table_lists_every_rule_with_its_whole_citation() -> None:
    for r in rules():
        assert f"| {r.id} | {r.title} | {r.severity} | {r.citation} |" in DOC, r.id


def _module_defining(rule_id: str) -> str:
    """The docstring of the ``text_*`` module whose rule tuple holds ``rule_id``."""
    for name in [n for n in sys.modules if n.startswith("fairbid.domain.rules.text_")]:
        module = sys.modules[name]
        for value in vars(module).values():
            if isinstance(value, tuple) and any(getattr(x, "rule", None) and x.rule.id == rule_id for x in value):
                return module.__doc__ or ""
    raise AssertionError(f"no module defines {rule_id}")


def test_every_text_rule_module_docstring_carries_its_whole_citation() -> None:
    for t in TEXT_RULES:
        assert f"{t.rule.id} {t.rule.citation}" in _module_defining(t.rule.id), t.rule.id
