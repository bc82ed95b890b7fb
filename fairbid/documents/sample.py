"""The demo form shipped with the package: a realistic construction section (施工标段)."""

from __future__ import annotations

from pathlib import Path

from fairbid.documents.form import TenderForm, parse_form

__all__ = ["DEMO_FORM_PATH", "demo_form", "demo_form_json"]

DEMO_FORM_PATH = Path(__file__).parent / "demo_form.json"


def demo_form_json() -> bytes:
    """The demo form as JSON bytes."""
    return DEMO_FORM_PATH.read_bytes()


def demo_form() -> TenderForm:
    """The demo form, parsed: a 3.86亿 housing works section that passes every blocking rule."""
    return parse_form(demo_form_json())
