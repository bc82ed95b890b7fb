"""The rule catalog as data (规则目录) and its entry points: ``check_facts``, ``check_text``, ``blocking``.

Every rule carries its id, citation, severity, law version and the dates it applies; a check on a date
runs only the rules in force on that date (1117号 lapses after 2027-08-31, 审查规则 starts 2024-05-01).
"""

from __future__ import annotations

from datetime import date

from fairbid.domain.rules.facts import FactRule, TenderFacts
from fairbid.domain.rules.finding import Finding, Rule
from fairbid.domain.rules.place import Gazetteer
from fairbid.domain.rules.rubric import RUBRIC_RULES
from fairbid.domain.rules.text import TextRule, scan
from fairbid.domain.rules.text_catalog import TEXT_RULES
from fairbid.domain.rules.timeline import TIMELINE_RULES

__all__ = ["FACT_RULES", "TEXT_RULES", "check_facts", "check_text", "rule", "rules"]

FACT_RULES: tuple[FactRule, ...] = TIMELINE_RULES + RUBRIC_RULES
_ALL: tuple[Rule, ...] = tuple(r.rule for r in FACT_RULES) + tuple(t.rule for t in TEXT_RULES)
_BY_ID: dict[str, Rule] = {r.id: r for r in _ALL}
if len(_BY_ID) != len(_ALL):  # pragma: no cover - guards the data at import
    raise RuntimeError("duplicate rule id in the catalog")


def rules() -> tuple[Rule, ...]:
    """Every rule of the catalog, structured first, in catalog order."""
    return tuple(_BY_ID.values())


def rule(rule_id: str) -> Rule:
    """The rule with this id; ``KeyError`` if there is none."""
    return _BY_ID[rule_id]


def check_facts(facts: TenderFacts, *, on: date) -> list[Finding]:
    """Every finding of the structured rules in force ``on`` this date over ``facts``."""
    found: list[Finding] = []
    for fact_rule in FACT_RULES:
        r = fact_rule.rule
        if not r.in_force(on):
            continue
        for field, message in fact_rule.check(facts):
            found.append(Finding(r.id, r.severity, r.citation, message, field=field))
    return found


def check_text(
    text: str,
    *,
    on: date,
    rule_ids: frozenset[str] | None = None,
    places: Gazetteer | None = None,
    masked: str | None = None,
) -> list[Finding]:
    """Every finding of the text rules in force ``on`` this date over ``text``, with exact spans and clauses.

    ``places`` (China's divisions, ``fairbid.documents.load_gazetteer()``) lets the rules see named
    places (长沙市, 浙江省内) as well as 本市/本地; without it they see only the latter.
    ``masked`` is ``places.mask(text)`` when the caller has it already (it is not computed twice).
    ``rule_ids`` narrows the run to some rules (the corpus scorer uses it).
    """
    if masked is None and places is not None:
        masked = places.mask(text)
    active: list[TextRule] = [
        t for t in TEXT_RULES if t.rule.in_force(on) and (rule_ids is None or t.rule.id in rule_ids)
    ]
    return scan(text, active, masked=masked)
