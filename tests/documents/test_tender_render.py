"""Rendering: structure of the standard texts, DOCX and PDF, no missing glyph, stable SM3 digests."""

from __future__ import annotations

import io

from docx import Document

from fairbid.crypto.digest import sm3_hex
from fairbid.documents import (
    RenderedDocument,
    TenderForm,
    embedded_fonts,
    extract_text,
    missing_glyphs,
    render_document,
)
from fairbid.templating import render_pdf

CHAPTERS = ("招标公告", "投标人须知", "前附表", "评标办法", "合同条款", "技术标准和要求", "投标文件格式")


def test_html_follows_the_standard_text_structure(rendered: RenderedDocument, form: TenderForm) -> None:
    html = rendered.html.content.decode("utf-8")
    positions = [html.index(c) for c in CHAPTERS]
    assert positions == sorted(positions)
    assert form.project.name in html and "0.95、0.96、0.97、0.98、0.99" in html


def test_docx_contains_the_chapters(rendered: RenderedDocument) -> None:
    doc = Document(io.BytesIO(rendered.docx.content))
    headings = " ".join(p.text for p in doc.paragraphs if p.style is not None and p.style.name.startswith("Heading"))
    assert all(c.replace("和要求", "") in headings for c in ("招标公告", "投标人须知", "评标办法", "技术标准"))
    assert doc.tables, "the data sheet (前附表) is a table"


def test_pdf_embeds_a_cjk_font_and_misses_no_glyph(rendered: RenderedDocument) -> None:
    pdf = rendered.pdf.content
    assert pdf.startswith(b"%PDF")
    assert any("WenQuanYi" in name or "CJK" in name for name in embedded_fonts(pdf))
    assert missing_glyphs(pdf) == 0


def test_missing_glyph_check_catches_characters_no_font_has() -> None:
    # Private-use characters have no glyph in any installed font: WeasyPrint prints .notdef boxes.
    pdf = render_pdf("<html><body><p>招标\ue000\ue001文件</p></body></html>")
    assert missing_glyphs(pdf) == 2


def test_pdf_text_is_extractable_chinese(rendered: RenderedDocument, form: TenderForm) -> None:
    text = extract_text(rendered.pdf.content, filename="x.pdf")
    assert "投标人须知前附表" in text and form.section.name in text


def test_digests_are_sm3_of_content_and_stable_across_renders(rendered: RenderedDocument, form: TenderForm) -> None:
    for f in rendered.files():
        assert f.sm3 == sm3_hex(f.content) and len(f.sm3) == 64
    again = render_document(form)
    assert [f.sm3 for f in again.files()] == [f.sm3 for f in rendered.files()]


def test_goods_document_has_no_drawings_chapter_and_renumbers(form: TenderForm) -> None:
    from fairbid.documents import render_html

    html = render_html(form.model_copy(update={"project_type": "goods"}))
    assert "图纸</h2>" not in html and "第七章　投标文件格式" in html and "《标准设备采购招标文件》" in html
