"""Tender documents (招标文件): check a form, check an uploaded document, render a form.

No database: these endpoints compute. Publication (which refuses blocking findings) is the section
service's job; it calls the same ``check_form``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Query, UploadFile
from pydantic import BaseModel

from fairbid.api.deps import ClockDep
from fairbid.documents import (
    TenderForm,
    check_form,
    extract_text,
    render_document,
)
from fairbid.domain.calendar import BEIJING
from fairbid.domain.rules import Finding, Rule, blocking, check_text, rules

__all__ = [
    "FindingOut",
    "RenderedFileOut",
    "RuleOut",
    "SpanOut",
    "TenderCheckOut",
    "TenderRenderOut",
    "router",
]

router = APIRouter(prefix="/api/tender-documents", tags=["tender documents"])

OnQuery = Annotated[
    date | None, Query(description="Check against the law in force on this date (default: today, Beijing).")
]


class SpanOut(BaseModel):
    """Where a text finding sits: ``[start, end)`` characters of the checked text (or form field)."""

    start: int
    end: int
    text: str


class FindingOut(BaseModel):
    """One finding: the rule, its severity (block/warn), the citation and what to do."""

    rule: str
    severity: str
    citation: str
    message: str
    field: str | None = None
    span: SpanOut | None = None

    @classmethod
    def of(cls, f: Finding) -> FindingOut:
        span = None if f.span is None else SpanOut(start=f.span.start, end=f.span.end, text=f.span.text)
        return cls(
            rule=f.rule,
            severity=str(f.severity),
            citation=f.citation,
            message=f.message,
            field=f.field,
            span=span,
        )


class TenderCheckOut(BaseModel):
    """The findings of a check and whether any of them blocks publication."""

    checked_on: date
    blocking: bool
    findings: list[FindingOut]

    @classmethod
    def of(cls, findings: Iterable[Finding], *, on: date) -> TenderCheckOut:
        found = list(findings)
        return cls(checked_on=on, blocking=blocking(found), findings=[FindingOut.of(f) for f in found])


class RenderedFileOut(BaseModel):
    """One rendered file: name, media type, size and SM3 digest (hex) for the ledger."""

    name: str
    media_type: str
    size: int
    sm3: str


class TenderRenderOut(BaseModel):
    """The digests of the rendered files, the HTML preview and the check of the form."""

    files: list[RenderedFileOut]
    html: str
    check: TenderCheckOut


class RuleOut(BaseModel):
    """One catalog rule: id, title, citation, severity, law version and the dates it applies."""

    id: str
    title: str
    citation: str
    severity: str
    law_version: str
    applies_from: date
    applies_until: date | None

    @classmethod
    def of(cls, r: Rule) -> RuleOut:
        return cls(
            id=r.id,
            title=r.title,
            citation=r.citation,
            severity=str(r.severity),
            law_version=r.law_version,
            applies_from=r.applies_from,
            applies_until=r.applies_until,
        )


def _today(clock: ClockDep, on: date | None) -> date:
    if on is not None:
        return on
    return clock.now().astimezone(BEIJING).date()


@router.post("/check", operation_id="check_tender_form")
def check(form: TenderForm, clock: ClockDep, on: OnQuery = None) -> TenderCheckOut:
    """Run every rule in force over the form: structured facts and each free-text part."""
    day = _today(clock, on)
    return TenderCheckOut.of(check_form(form, on=day), on=day)


@router.post("/check-text", operation_id="check_tender_text")
def check_uploaded_text(
    file: Annotated[UploadFile, File(description="A tender document: .txt, .docx or a text PDF.")],
    clock: ClockDep,
    on: OnQuery = None,
) -> TenderCheckOut:
    """Run the text rules over an uploaded document; spans index the extracted text."""
    day = _today(clock, on)
    text = extract_text(file.file.read(), filename=file.filename or "upload.txt")
    return TenderCheckOut.of(check_text(text, on=day), on=day)


@router.post("/render", operation_id="render_tender_document")
def render(form: TenderForm, clock: ClockDep, on: OnQuery = None) -> TenderRenderOut:
    """Render HTML, DOCX and PDF; return their SM3 digests, the HTML preview and the form's check."""
    day = _today(clock, on)
    document = render_document(form)
    return TenderRenderOut(
        files=[
            RenderedFileOut(name=f.name, media_type=f.media_type, size=len(f.content), sm3=f.sm3)
            for f in document.files()
        ],
        html=document.html.content.decode("utf-8"),
        check=TenderCheckOut.of(check_form(form, on=day), on=day),
    )


@router.get("/rules", operation_id="list_tender_rules")
def list_rules() -> list[RuleOut]:
    """The rule catalog the checks run: every rule with its citation, severity and dates."""
    return [RuleOut.of(r) for r in rules()]
