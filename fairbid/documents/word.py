"""HTML → DOCX for the rendered tender document (python-docx), so one template feeds every format.

Only the tags the templates use are understood: h1–h3, p, br, table/tr/th/td. Headings start a new page
at h2 (章), as in the standard texts. Zip entries get a fixed timestamp so a version's digest is stable.
"""

from __future__ import annotations

import io
import zipfile
from html.parser import HTMLParser

from docx import Document
from docx.enum.text import WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Pt

__all__ = ["html_to_docx"]

_CJK_FONT = "宋体"
_FIXED_TIME = (2020, 1, 1, 0, 0, 0)


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.doc = Document()
        style = self.doc.styles["Normal"]
        style.font.size = Pt(10.5)
        style.font.name = _CJK_FONT
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), _CJK_FONT)
        self._skip = 0
        self._tag: str | None = None
        self._buf: list[str] = []
        self._rows: list[list[str]] | None = None
        self._first_h2 = True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "title", "head"):
            self._skip += 1
        elif tag == "table":
            self._flush()
            self._rows = []
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag in ("td", "th"):
            self._buf = []
        elif tag in ("h1", "h2", "h3", "p"):
            self._flush()
            self._tag = tag
        elif tag == "br":
            self._buf.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "title", "head"):
            self._skip -= 1
        elif tag in ("td", "th") and self._rows:
            self._rows[-1].append("".join(self._buf).strip())
            self._buf = []
        elif tag == "table" and self._rows is not None:
            self._table(self._rows)
            self._rows = None
        elif tag in ("h1", "h2", "h3", "p"):
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._buf.append(data if self._rows is not None or self._tag else data.strip())

    def _flush(self) -> None:
        text = "".join(self._buf).strip()
        tag, self._tag, self._buf = self._tag, None, []
        if not text or tag is None:
            return
        if tag in ("h1", "h2", "h3"):
            level = int(tag[1])
            if tag == "h2" and not self._first_h2:
                self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            self._first_h2 = self._first_h2 and tag != "h2"
            self.doc.add_heading(" ".join(text.split()), level=0 if level == 1 else level - 1)
        else:
            self.doc.add_paragraph(text)

    def _table(self, rows: list[list[str]]) -> None:
        width = max((len(r) for r in rows), default=0)
        if not width:
            return
        table = self.doc.add_table(rows=len(rows), cols=width)
        table.style = "Table Grid"
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                table.cell(r, c).text = cell


def _stable_zip(data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def html_to_docx(html: str) -> bytes:
    """The DOCX bytes for a rendered tender-document HTML page."""
    builder = _Builder()
    builder.feed(html)
    builder.close()
    builder._flush()
    buf = io.BytesIO()
    builder.doc.save(buf)
    return _stable_zip(buf.getvalue())
