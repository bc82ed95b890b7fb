"""Bid attachments for the committee: text for similarity and 暗标, the page view, bad files as downloads."""

from __future__ import annotations

import base64
import contextlib
import io
import zipfile
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfWriter

from fairbid.documents import (
    ReadLimits,
    UnreadableFile,
    ViewKind,
    docx_to_html,
    extract_text,
    proposal_text,
    view_attachment,
)
from fairbid.domain.errors import InvalidInput
from fairbid.templating import render_pdf

_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, attrs))


def _elements(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    parser = _Collect()
    parser.feed(html)
    return parser.elements


def _docx() -> bytes:
    doc = Document()
    doc.add_heading("施工组织设计", level=1)
    doc.add_paragraph("第一章 工程概况：本工程采用流水施工。")
    table = doc.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "工序"
    table.cell(0, 1).text = "工期"
    table.cell(1, 0).text = "基础"
    table.cell(1, 1).text = "30天"
    doc.sections[0].header.paragraphs[0].text = "湖南某某建设有限公司 技术标"
    doc.sections[0].footer.paragraphs[0].text = "项目经理 张三丰"
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


@pytest.fixture(scope="module")
def proposal_pdf() -> bytes:
    html = "<html><body><h1>施工组织设计</h1><p>本工程采用流水施工，项目经理张三丰负责现场。</p></body></html>"
    return render_pdf(html)


def test_docx_text_includes_headers_footers_and_table_cells() -> None:
    text = extract_text(_docx(), filename="技术标.docx")
    assert "第一章 工程概况" in text
    assert "工序\t工期\n基础\t30天\n" in text
    assert "湖南某某建设有限公司" in text and "张三丰" in text  # where a name hides in a blind proposal


def test_pdf_text_is_read(proposal_pdf: bytes) -> None:
    assert "流水施工" in extract_text(proposal_pdf, filename="技术标.pdf")


def test_pdf_over_the_page_limit_is_refused(proposal_pdf: bytes) -> None:
    writer = PdfWriter(clone_from=io.BytesIO(proposal_pdf))
    writer.add_blank_page()
    writer.add_blank_page()
    buf = io.BytesIO()
    writer.write(buf)
    with pytest.raises(UnreadableFile, match="3 pages, more than 2"):
        extract_text(buf.getvalue(), filename="a.pdf", limits=ReadLimits(max_pages=2))


def test_reading_stops_when_the_time_budget_is_spent(proposal_pdf: bytes) -> None:
    ticks: Iterator[float] = iter(float(t) for t in range(0, 1000, 10))  # every look at the clock: +10 s
    limits = ReadLimits(seconds=5, clock=lambda: next(ticks))
    with pytest.raises(UnreadableFile, match="longer than 5 s"):
        extract_text(proposal_pdf, filename="a.pdf", limits=limits)


def test_zip_bomb_docx_is_refused_before_parsing() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"<a>" + b" " * (3 * 1024 * 1024) + b"</a>")
    with pytest.raises(UnreadableFile, match="unpacks to more than 1 MB"):
        extract_text(buf.getvalue(), filename="a.docx", limits=ReadLimits(max_unzipped_bytes=1024 * 1024))


def test_docx_with_a_dtd_is_refused() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", '<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>')
    with pytest.raises(UnreadableFile, match="DTD"):
        extract_text(buf.getvalue(), filename="a.docx")
    assert view_attachment(buf.getvalue(), filename="a.docx").kind is ViewKind.DOWNLOAD


def test_docx_view_is_sanitised_html() -> None:
    doc = Document()
    doc.add_paragraph('<script>alert(1)</script><img src="http://evil.example/x.png" onerror="steal()">')
    doc.add_paragraph().add_run().add_picture(io.BytesIO(_PNG))
    buf = io.BytesIO()
    doc.save(buf)
    view = view_attachment(buf.getvalue(), filename="技术标.docx")
    assert view.kind is ViewKind.HTML and view.media_type == "text/html" and view.html is not None
    elements = _elements(view.html)
    assert "&lt;script&gt;" in view.html  # the text is shown, escaped
    assert {tag for tag, _ in elements} <= {"p", "img"}
    images = [dict(attrs) for tag, attrs in elements if tag == "img"]
    assert len(images) == 1 and str(images[0]["src"]).startswith("data:image/png;base64,")
    assert not any(name.startswith("on") for _, attrs in elements for name, _ in attrs)


def test_docx_hostile_markup_from_mammoth_is_stripped() -> None:
    # a hyperlink to javascript: and an external image link; mammoth passes hrefs through, nh3 must not
    doc = Document()
    paragraph = doc.add_paragraph()
    part = doc.part
    hyperlink = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
    r_id = part.relate_to("javascript:alert(1)", hyperlink, is_external=True)
    from docx.oxml import parse_xml

    paragraph._p.append(
        parse_xml(
            f'<w:hyperlink xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
            f'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="{r_id}">'
            "<w:r><w:t>click</w:t></w:r></w:hyperlink>"
        )
    )
    buf = io.BytesIO()
    doc.save(buf)
    html = docx_to_html(buf.getvalue())
    assert "click" in html and "javascript" not in html
    assert all(name != "href" for _, attrs in _elements(html) for name, _ in attrs)


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"%PDF-1.7 garbage", "a.pdf"),
        (b"PK\x03\x04broken", "a.docx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "a.docx"),
        (b"", "a.pdf"),
    ],
)
def test_unreadable_file_is_a_download_with_a_notice(data: bytes, name: str) -> None:
    view = view_attachment(data, filename=name)
    assert view.kind is ViewKind.DOWNLOAD
    assert view.notice is not None and view.notice.endswith("It is offered as a download instead.")
    with pytest.raises(UnreadableFile) as info:
        extract_text(data, filename=name)
    assert isinstance(info.value, InvalidInput) and info.value.code == "unreadable-file"


def test_pdf_view_keeps_the_original_and_counts_pages(proposal_pdf: bytes) -> None:
    view = view_attachment(proposal_pdf, filename="技术标.pdf")
    assert (view.kind, view.media_type, view.pages) == (ViewKind.PDF, "application/pdf", 1)


def test_other_types_are_downloads_with_a_notice() -> None:
    view = view_attachment(b"PK\x03\x04", filename="清单.xlsx")
    assert view.kind is ViewKind.DOWNLOAD and view.notice is not None and ".xlsx" in view.notice


def test_proposal_text_reads_prose_files_and_lists_the_unreadable(proposal_pdf: bytes) -> None:
    result = proposal_text(
        [
            ("b-技术标.pdf", proposal_pdf),
            ("a-技术标.docx", _docx()),
            ("c-损坏.pdf", b"%PDF-1.7 broken"),
            ("d-清单.xlsx", b"PK\x03\x04"),
        ]
    )
    assert result.read == ("a-技术标.docx", "b-技术标.pdf")
    assert [name for name, _ in result.skipped] == ["c-损坏.pdf"]
    assert result.text.index("工程概况") < result.text.index("流水施工")  # name order
    assert not result.truncated and not result.is_empty


def test_proposal_text_stops_at_its_budget() -> None:
    result = proposal_text([("a.txt", ("甲乙丙" * 40).encode()), ("b.txt", b"more")], max_chars=100)
    assert len(result.text) == 100 and result.truncated and result.read == ("a.txt",)
    assert result.skipped[0][0] == "b.txt"


_HOSTILE = st.one_of(
    st.binary(max_size=400),
    st.binary(max_size=400).map(lambda b: b"%PDF-1.4\n" + b),
    st.binary(max_size=400).map(lambda b: b"PK\x03\x04" + b),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=_HOSTILE, name=st.sampled_from(["a.pdf", "a.docx", "a.txt", "a", "a.bin"]))
def test_hostile_bytes_never_crash_the_readers(data: bytes, name: str) -> None:
    with contextlib.suppress(UnreadableFile):
        extract_text(data, filename=name)
    view = view_attachment(data, filename=name)
    assert view.kind in (ViewKind.PDF, ViewKind.HTML, ViewKind.DOWNLOAD)


@settings(max_examples=40, deadline=None)
@given(cut=st.integers(min_value=1, max_value=4000), flip=st.integers(min_value=0, max_value=255))
def test_damaged_docx_never_crashes(cut: int, flip: int) -> None:
    data = bytearray(_docx())
    position = cut % len(data)
    data[position] ^= flip or 1
    for blob in (bytes(data), bytes(data[:position])):
        with contextlib.suppress(UnreadableFile):
            extract_text(blob, filename="a.docx")
        assert view_attachment(blob, filename="a.docx").kind in (ViewKind.HTML, ViewKind.DOWNLOAD)


def test_docx_with_a_missing_image_part_still_converts() -> None:
    doc = Document()
    doc.add_paragraph("施工平面布置图如下：")
    doc.add_paragraph().add_run().add_picture(io.BytesIO(_PNG))
    buf = io.BytesIO()
    doc.save(buf)
    source = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if not info.filename.startswith("word/media/"):
                target.writestr(info, source.read(info))
    html = docx_to_html(out.getvalue())
    assert "施工平面布置图" in html and "[image not shown: cannot be read]" in html
