"""The opening record (开标记录) as a PDF: the stored record rendered with a Jinja2 template, then WeasyPrint.

The record's JSON is what the chronograph published at the close of the decryption window (its SM3 is in the
ledger); the PDF adds the objections raised at the opening and their answers (条例 第四十四条). The PDF embeds
a CJK font; a PDF with any character drawn as an empty box is refused (a server without the font must fail
loudly rather than publish boxes). The template is ``fairbid/templates/reports/opening_record.html``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from fairbid.crypto.digest import sm3_hex
from fairbid.documents.glyph import missing_glyphs
from fairbid.domain.actor import Actor
from fairbid.domain.errors import NotFound
from fairbid.ports import UnitOfWork
from fairbid.templating import BEIJING, render, render_pdf

__all__ = ["OpeningRecordPdf", "opening_record_pdf", "render_opening_record"]

_STATUSES = {"decrypted": "已解密", "rejected": "解密失败，不予受理", "sealed": "未解密"}
_NOT_DECRYPTED = "Not decrypted within the decryption window"


@dataclass(frozen=True, slots=True)
class OpeningRecordPdf:
    """The PDF, its file name and its SM3; ``record_digest`` is the SM3 of the record JSON in the ledger."""

    filename: str
    content: bytes
    sm3: str
    record_digest: str


def _beijing(value: str | datetime | None) -> str:
    if value is None:
        return "—"
    when = datetime.fromisoformat(value) if isinstance(value, str) else value
    local = when.astimezone(BEIJING)
    return f"{local:%Y-%m-%d %H:%M:%S}"


def _money(value: Any) -> str:
    try:
        return f"{Decimal(str(value)):,.2f}"
    except InvalidOperation:
        return str(value)


def _reason(value: str | None) -> str:
    if not value:
        return ""
    if value.startswith(_NOT_DECRYPTED):
        return "未在解密时限内解密，视为撤销其投标文件（《电子招标投标办法》第三十一条）"
    return value


def render_opening_record(
    content: dict[str, Any], *, digest: str, published_at: datetime, objections: list[Any]
) -> str:
    """The record as one HTML page (the PDF's source)."""
    return render(
        "reports/opening_record.html",
        rec=content,
        digest=digest,
        deadline=_beijing(content.get("bid_deadline")),
        published=_beijing(published_at),
        objections=objections,
        money=_money,
        beijing=_beijing,
        reason=_reason,
        statuses=_STATUSES,
    )


@lru_cache(maxsize=64)
def _pdf(html: str) -> bytes:
    pdf = render_pdf(html)
    if missing_glyphs(pdf):
        raise RuntimeError("the opening record PDF has characters without a glyph: install a CJK font (README)")
    return pdf


def opening_record_pdf(section_id: str, *, uow: UnitOfWork, actor: Actor) -> OpeningRecordPdf:
    """The published opening record of a section as a PDF; not found before the record exists.

    Public, like the record itself: before the close of the decryption window there is no record, and the
    answer is the same "not found" as for a section that does not exist.
    """
    with uow:
        row = uow.openings.get(section_id)
        if row is None:
            raise NotFound(f"Section {section_id} has no published opening record.")
        content, digest, published_at = json.loads(json.dumps(row.content)), row.digest, row.published_at
        stored = [o for o in uow.objections.in_section(section_id) if o.stage == "opening"]
        names = uow.organisations.names([o.raised_by for o in stored])
    objections = [
        {
            "raised_by_name": names[o.raised_by].name if o.raised_by in names else o.raised_by,
            "raised_at": o.raised_at,
            "text": o.text,
            "answer": o.answer,
            "answered_at": o.answered_at,
        }
        for o in stored
    ]
    html = render_opening_record(content, digest=digest, published_at=published_at, objections=objections)
    pdf = _pdf(html)
    code = str(content.get("section", {}).get("code") or section_id)
    return OpeningRecordPdf(f"opening-record-{code}.pdf", pdf, sm3_hex(pdf), digest)
