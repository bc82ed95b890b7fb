"""Missing-glyph detection in rendered PDFs: WeasyPrint prints empty boxes silently without a CJK font.

WeasyPrint draws a character no font covers as .notdef: it gives the character a spare code and ships
the font with an encoding CMap (``/WP-Encod-0``) that maps that code to glyph 0. With plain Identity-H
fonts, a glyph id 0 in the page content is the same thing. Both are counted here, from the PDF alone.
"""

from __future__ import annotations

import io
import re
from typing import Any

from pypdf import PdfReader

__all__ = ["embedded_fonts", "missing_glyphs"]

_TJ = re.compile(rb"\[(.*?)\]\s*TJ|<([0-9A-Fa-f]*)>\s*Tj", re.DOTALL)
_HEX = re.compile(rb"<([0-9A-Fa-f]*)>")
_NOTDEF_ENTRY = re.compile(rb"<([0-9A-Fa-f]{4})>\s+0\b")


def _fonts(reader: PdfReader) -> list[Any]:
    fonts: list[Any] = []
    for page in reader.pages:
        resources = page.get("/Resources")
        table = resources.get_object().get("/Font") if resources is not None else None
        if table is not None:
            fonts.extend(ref.get_object() for ref in table.get_object().values())
    return fonts


def missing_glyphs(pdf: bytes) -> int:
    """How many characters the PDF draws as .notdef (empty boxes); 0 means every one has a glyph."""
    reader = PdfReader(io.BytesIO(pdf))
    missing: set[tuple[str, bytes]] = set()
    for font in _fonts(reader):
        encoding = font.get("/Encoding")
        stream = encoding.get_object() if encoding is not None else None
        if stream is not None and hasattr(stream, "get_data"):
            name = str(font["/BaseFont"])
            missing.update((name, code.lower()) for code in _NOTDEF_ENTRY.findall(stream.get_data()))
            missing.discard((name, b"0000"))
    identity_zeros = 0
    for page in reader.pages:
        contents = page.get_contents()
        if contents is None:
            continue
        for m in _TJ.finditer(contents.get_data()):
            for chunk in _HEX.findall(m.group(1)) if m.group(1) is not None else [m.group(2)]:
                identity_zeros += sum(1 for i in range(0, len(chunk) - 3, 4) if chunk[i : i + 4] == b"0000")
    return len(missing) + identity_zeros


def embedded_fonts(pdf: bytes) -> set[str]:
    """The base names (subset prefix dropped) of the fonts embedded in the PDF's pages."""
    fonts = _fonts(PdfReader(io.BytesIO(pdf)))
    return {str(font["/BaseFont"]).lstrip("/").split("+", 1)[-1] for font in fonts}
