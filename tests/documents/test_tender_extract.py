"""Text extraction from uploads: .txt, .docx, text PDF; clear errors on unreadable or encrypted files."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document
from pypdf import PdfWriter

from fairbid.documents import RenderedDocument, TenderForm, extract_text, render_html
from fairbid.domain.errors import InvalidInput
from fairbid.domain.rules import check_text
from fairbid.templating import render_pdf


def test_txt_in_utf8_and_gb18030_is_read() -> None:
    text = "投标人须在本市设立分公司。"
    assert extract_text(text.encode("utf-8"), filename="a.txt") == text
    assert extract_text(text.encode("gb18030"), filename="a.txt") == text


def test_docx_paragraphs_and_tables_are_read() -> None:
    doc = Document()
    doc.add_paragraph("第一章 招标公告")
    doc.add_table(rows=1, cols=2).cell(0, 1).text = "本市业绩加分"
    buf = io.BytesIO()
    doc.save(buf)
    text = extract_text(buf.getvalue(), filename="a.docx")
    assert "第一章 招标公告" in text and "本市业绩加分" in text


def test_encrypted_pdf_is_refused_with_a_clear_error(rendered: RenderedDocument) -> None:
    writer = PdfWriter(clone_from=io.BytesIO(rendered.pdf.content))
    writer.encrypt(user_password="secret", algorithm="AES-128")
    buf = io.BytesIO()
    writer.write(buf)
    with pytest.raises(InvalidInput, match="encrypted"):
        extract_text(buf.getvalue(), filename="a.pdf")


def test_pdf_without_text_layer_is_refused() -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buf = io.BytesIO()
    writer.write(buf)
    with pytest.raises(InvalidInput, match="no text layer"):
        extract_text(buf.getvalue(), filename="scan.pdf")


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "a.txt", "empty"),
        (b"%PDF-1.7 garbage", "a.pdf", "cannot be read"),
        (b"hello", "a.pdf", "not a PDF"),
        (b"PK\x03\x04broken", "a.docx", "cannot be read"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "a.docx", "encrypted or in the old .doc"),
        (b"\xff\xfe\x00\xd8\xff", "a.txt", "UTF-8"),
        (b"abc", "a.xlsx", "Unsupported"),
    ],
)
def test_unreadable_uploads_raise_invalid_input(data: bytes, name: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        extract_text(data, filename=name)


def test_pdf_lines_wrapped_mid_clause_are_rejoined(form: TenderForm) -> None:
    # The layout wraps this paragraph inside "本市设立分公司"; the check must still see the clause whole.
    text = "1. 钢筋采用HRB400E级，符合GB/T 1499.2的规定，商品混凝土强度等级按，投标人须在本市设立分公司。"
    free = form.free_text.model_copy(update={"technical_requirements": text})
    pdf = render_pdf(render_html(form.model_copy(update={"free_text": free})))
    extracted = extract_text(pdf, filename="a.pdf")
    assert "X03" in {f.rule for f in check_text(extracted, on=date(2026, 11, 27))}
