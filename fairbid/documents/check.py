"""Checking a whole form: structured rules over its facts, text rules over each free-text part."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from fairbid.documents.form import TenderForm, to_facts
from fairbid.documents.places import load_gazetteer
from fairbid.domain.rules import Finding, check_facts, check_text

__all__ = ["check_form"]


def check_form(form: TenderForm, *, on: date) -> list[Finding]:
    """Every finding over ``form`` by the rules in force ``on``; text spans are relative to ``field``."""
    found = check_facts(to_facts(form), on=on)
    places = load_gazetteer()
    for path, text in form.text_fields().items():
        if text:
            found.extend(replace(f, field=path) for f in check_text(text, on=on, places=places))
    return found
