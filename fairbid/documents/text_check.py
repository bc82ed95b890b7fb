"""Checking a whole tender document's text (招标文件文本核验): the text rules with China's place names,
then the clause model's second opinion on the sentences no rule flagged."""

from __future__ import annotations

from datetime import date

from fairbid.documents.clause_model import load_clause_model, review_findings
from fairbid.documents.places import load_gazetteer
from fairbid.domain.rules import Finding, check_text

__all__ = ["check_document_text"]


def check_document_text(text: str, *, on: date, review: bool = True) -> list[Finding]:
    """Every rule finding over ``text`` in force ``on`` this date and, with ``review``, the model's
    ``review`` findings (never blocking) for sentences the rules left alone; ordered by position."""
    places = load_gazetteer()
    masked = places.mask(text)
    found = check_text(text, on=on, places=places, masked=masked)
    if review:
        found = found + review_findings(text, load_clause_model(), already=found, masked=masked)
        found.sort(key=lambda f: (f.span.start if f.span else 0, f.rule))
    return found
