"""What a rule check returns: a finding (发现) with its rule, severity, citation and, for text, the span."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from fairbid.domain.errors import RuleViolation

__all__ = ["Finding", "Rule", "Severity", "Span", "blocking", "raise_if_blocking"]


class Severity(StrEnum):
    """How a finding weighs: ``block`` keeps the section from publication, ``warn`` asks a human to look,
    ``review`` is a model's second opinion (a score, not a rule) that a human should read before publication.
    """

    BLOCK = "block"
    WARN = "warn"
    REVIEW = "review"

    @property
    def rank(self) -> int:
        """Weight for ``--min-severity`` filters: review 0 < warn 1 < block 2."""
        return _RANK[self]

    def at_least(self, floor: Severity) -> bool:
        """Whether this severity weighs at least as much as ``floor``."""
        return self.rank >= floor.rank


_RANK = {Severity.REVIEW: 0, Severity.WARN: 1, Severity.BLOCK: 2}


@dataclass(frozen=True, slots=True)
class Span:
    """A character range ``[start, end)`` of the checked text and the text it covers."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Rule:
    """One catalog entry: id, title, citation, severity, the law version and the dates it applies.

    ``applies_until`` is inclusive (1117号 is valid to 2027-08-31); ``None`` means open-ended.
    """

    id: str
    title: str
    citation: str
    severity: Severity
    law_version: str
    applies_from: date
    applies_until: date | None = None

    def in_force(self, on: date) -> bool:
        """Whether the rule applies to a document checked ``on`` this date."""
        return self.applies_from <= on and (self.applies_until is None or on <= self.applies_until)


@dataclass(frozen=True, slots=True)
class Finding:
    """One breach: which rule, how grave, where it comes from in law, and what the drafter should do.

    ``field`` is the form path a structured finding is about (``schedule.sale_end``); ``span`` is set
    only for findings over free text, and ``clause`` then holds the sentence around it (条款), so a
    reader sees the match in its context.
    """

    rule: str
    severity: Severity
    citation: str
    message: str
    span: Span | None = None
    field: str | None = None
    clause: Span | None = None

    @property
    def blocks(self) -> bool:
        """Whether this finding keeps the section from publication."""
        return self.severity is Severity.BLOCK

    def to_json(self) -> dict[str, object]:
        """The one JSON shape of a finding, wherever it is printed (CLI, API, ledger payloads): ``rule``,
        ``severity``, ``citation``, ``message``, and ``field``, ``span`` and ``clause`` when set."""
        out: dict[str, object] = {
            "rule": self.rule,
            "severity": self.severity.value,
            "citation": self.citation,
            "message": self.message,
        }
        if self.field is not None:
            out["field"] = self.field
        if self.span is not None:
            out["span"] = {"start": self.span.start, "end": self.span.end, "text": self.span.text}
        if self.clause is not None:
            out["clause"] = {"start": self.clause.start, "end": self.clause.end, "text": self.clause.text}
        return out


def blocking(findings: Iterable[Finding]) -> bool:
    """Whether any finding blocks publication (先体检、再发布, 195号 item 3)."""
    return any(f.blocks for f in findings)


def raise_if_blocking(findings: Iterable[Finding]) -> None:
    """The publication gate: raise ``RuleViolation`` for the first blocking finding, counting the rest.

    >>> raise_if_blocking([])
    """
    blocks = [f for f in findings if f.blocks]
    if not blocks:
        return
    first = blocks[0]
    where = f" ({first.field})" if first.field else ""
    more = f" and {len(blocks) - 1} more blocking finding(s)" if len(blocks) > 1 else ""
    raise RuleViolation(
        f"{first.rule} {first.citation}{where}: {first.message}{more}",
        rule=first.rule,
        citation=first.citation,
        field=first.field,
    )
