"""Text extraction from uploaded files (.txt, .docx, text PDF): tender documents and bid attachments.

Anything unreadable raises ``UnreadableFile`` (an ``InvalidInput``) saying why: encrypted or
password-protected files, legacy .doc, scanned PDFs without a text layer, undecodable text, damaged files,
files over the limits. The parsers are third-party code reading untrusted bytes, so every failure inside
them becomes ``UnreadableFile``, never a server error.

Bounds (``ReadLimits``): the file's size; for a .docx the zip's entry count and unpacked size (a zip bomb
is refused before anything is parsed) and no DTD in its XML parts; for a PDF the page count (pypdf bounds
each decompressed stream itself); the characters returned; and a time budget checked between pages and
parts (cooperative: one pathological page can overrun it by its own parsing time).
"""

from __future__ import annotations

import io
import re
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from fairbid.domain.errors import InvalidInput

__all__ = [
    "MAX_UPLOAD_BYTES",
    "ReadLimits",
    "UnreadableFile",
    "check_office_zip",
    "extract_text",
    "pdf_page_count",
]

MAX_UPLOAD_BYTES = 64 * 1024 * 1024
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound file: legacy .doc, or an encrypted .docx


class UnreadableFile(InvalidInput):
    """Raised when an uploaded file cannot be read: damaged, encrypted, a scan, too large, or too slow."""

    code = "unreadable-file"
    title = "The file cannot be read"


@dataclass(frozen=True, slots=True)
class ReadLimits:
    """How much one file may cost: bytes in, pages, unpacked zip size, characters out, seconds."""

    max_bytes: int = MAX_UPLOAD_BYTES
    max_pages: int = 2_000
    max_zip_entries: int = 2_000
    max_unzipped_bytes: int = 256 * 1024 * 1024
    max_chars: int = 8_000_000
    seconds: float = 30.0
    clock: Callable[[], float] = field(default=time.monotonic, compare=False)  # tests pass a simulated one


class _Budget:
    def __init__(self, limits: ReadLimits) -> None:
        self._clock = limits.clock
        self._limit = limits.seconds
        self._until = limits.clock() + limits.seconds

    def check(self) -> None:
        if self._clock() > self._until:
            raise _fail(f"Reading the file took longer than {self._limit:g} s; it is too large or too complex.")


def _fail(detail: str) -> UnreadableFile:
    return UnreadableFile(detail, field="file")


def _txt(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _fail("The text file is neither UTF-8 nor GB18030; save it as UTF-8 and upload it again.")


def check_office_zip(data: bytes, limits: ReadLimits, *, kind: str = ".docx") -> zipfile.ZipFile:
    """An Office file's zip (``kind`` .docx or .xlsx), opened after checking it is a zip within the limits
    and that none of its XML parts declares a DTD.

    Office programs never write a DTD; refusing one keeps entity tricks away from every XML parser that
    reads the file later (python-docx, mammoth, openpyxl).
    """
    if data.startswith(_OLE):
        program = "Word" if kind == ".docx" else "Excel"
        raise _fail(f"The {program} file is encrypted or in the old {kind[:-1]} format: save it unprotected as {kind}.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise _fail(f"The {kind} file cannot be read (not a zip archive); it may be damaged.") from None
    if len(entries) > limits.max_zip_entries:
        raise _fail(f"The {kind} file has {len(entries)} parts, more than {limits.max_zip_entries}.")
    unpacked = sum(e.file_size for e in entries)
    if unpacked > limits.max_unzipped_bytes:
        raise _fail(f"The {kind} file unpacks to more than {limits.max_unzipped_bytes // (1024 * 1024)} MB.")
    for entry in entries:
        if entry.filename.endswith((".xml", ".rels")):
            try:
                with archive.open(entry) as part:
                    head = part.read(4096)
            except Exception:  # zipfile and zlib raise many kinds on a damaged archive
                raise _fail(f"The {kind} part {entry.filename} cannot be unpacked; the file may be damaged.") from None
            if b"<!DOCTYPE" in head.upper():
                raise _fail(f"The {kind} file declares a DTD, which Office programs never write; it is refused.")
    return archive


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_PARTS = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml")
_PROPERTIES = frozenset(f"{_W}{name}" for name in ("pPr", "rPr", "sectPr", "tblPr", "tcPr", "trPr", "tblGrid"))
_PART_ORDER = {"document": 0, "header": 1, "footer": 2, "footnotes": 3, "endnotes": 4}


def _part_text(xml: bytes) -> str:
    """Visible text of one WordprocessingML part: paragraphs on lines, table cells separated by tabs.

    Text boxes and nested tables are included where they sit; deleted revisions and field codes are not.
    Parsed by defusedxml (no DTD, no entities) and walked without recursion.
    """
    from defusedxml.ElementTree import fromstring

    root = fromstring(xml, forbid_dtd=True)
    out: list[str] = []
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        element, done = stack.pop()
        tag = element.tag
        if not done:
            if tag == f"{_W}t" and element.text:
                out.append(element.text)
            elif tag == f"{_W}tab":
                out.append("\t")
            elif tag in (f"{_W}br", f"{_W}cr"):
                out.append("\n")
            stack.append((element, True))
            if tag in _PROPERTIES:  # tab stops (w:tabs/w:tab) and other formatting hold no text
                continue
            stack.extend((child, False) for child in reversed(element))
        elif tag == f"{_W}p":
            out.append("\n")
        elif tag == f"{_W}tc" and out and out[-1] == "\n":
            out[-1] = "\t"
        elif tag == f"{_W}tr" and out and out[-1] == "\t":
            out[-1] = "\n"
    return "".join(out)


def _docx(data: bytes, limits: ReadLimits, budget: _Budget) -> str:
    archive = check_office_zip(data, limits)
    names = [n for n in archive.namelist() if _PARTS.fullmatch(n)]
    if "word/document.xml" not in names:
        raise _fail("The .docx file has no document body (word/document.xml); it may be damaged.")
    names.sort(key=lambda n: (_PART_ORDER[re.sub(r"\d+", "", PurePath(n).stem)], n))
    texts: list[str] = []
    for name in names:
        budget.check()
        try:
            texts.append(_part_text(archive.read(name)))
        except Exception:  # lxml, zipfile and zlib errors on damaged parts
            raise _fail(f"The .docx part {name} cannot be read; the file may be damaged.") from None
    return "\n".join(t for t in texts if t.strip())


_SENTENCE_END = "。；;！!？?：:"


def _unwrap(page: str) -> str:
    """Rejoin lines the PDF layout wrapped, so a clause split across lines is matched whole.

    A line as long as the page's longest (within 3 characters) that does not end a sentence was
    wrapped; shorter lines (headings, ends of paragraphs, table cells) keep their break.
    """
    lines = page.split("\n")
    width = max((len(line.rstrip()) for line in lines), default=0)
    out: list[str] = []
    for n, line in enumerate(lines):
        text = line.rstrip()
        wrapped = n + 1 < len(lines) and width >= 20 and len(text) >= width - 3 and text[-1:] not in _SENTENCE_END
        out.append(text if wrapped else text + "\n")
    return "".join(out)


def pdf_page_count(data: bytes, limits: ReadLimits | None = None) -> int:
    """The number of pages of a readable, unencrypted PDF within the limits, or ``UnreadableFile``."""
    limits = limits or ReadLimits()
    _check_size(data, limits)
    if not data.startswith(b"%PDF"):
        raise _fail("The file is not a PDF.")
    return len(_open_pdf(data, limits).pages)


def _open_pdf(data: bytes, limits: ReadLimits) -> Any:  # pypdf is untyped here
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise _fail("The PDF is encrypted with a password; upload an unprotected copy.")
        pages = len(reader.pages)
    except UnreadableFile:
        raise
    except Exception as exc:  # pypdf raises PdfReadError, but also ValueError, KeyError… on damaged files
        raise _fail(f"The PDF cannot be read ({type(exc).__name__}); it may be damaged.") from None
    if pages > limits.max_pages:
        raise _fail(f"The PDF has {pages} pages, more than {limits.max_pages}.")
    return reader


def _pdf(data: bytes, limits: ReadLimits, budget: _Budget) -> str:
    reader = _open_pdf(data, limits)
    parts: list[str] = []
    chars = 0
    for number, page in enumerate(reader.pages, start=1):
        budget.check()
        try:
            text = page.extract_text() or ""
        except Exception as exc:  # a damaged content stream on one page
            raise _fail(f"Page {number} of the PDF cannot be read ({type(exc).__name__}).") from None
        parts.append(_unwrap(text))
        chars += len(text)
        if chars > limits.max_chars:
            raise _fail(f"The PDF holds more than {limits.max_chars:,} characters of text.")
    text = "\n".join(parts)
    if not text.strip():
        raise _fail("The PDF has no text layer (a scan?); upload the text PDF, .docx or .txt instead.")
    return text


def _check_size(data: bytes, limits: ReadLimits) -> None:
    if not data:
        raise _fail("The uploaded file is empty.")
    if len(data) > limits.max_bytes:
        raise _fail(f"The file is larger than {limits.max_bytes // (1024 * 1024)} MB.")


def extract_text(data: bytes, *, filename: str, limits: ReadLimits | None = None) -> str:
    """The plain text of an uploaded .txt, .docx or text .pdf, or ``UnreadableFile`` saying why not.

    A .docx gives its body, then headers, footers, footnotes and endnotes (where a company name hides in a
    blind proposal); paragraphs end lines and table cells are separated by tabs.
    """
    limits = limits or ReadLimits()
    _check_size(data, limits)
    budget = _Budget(limits)
    suffix = PurePath(filename).suffix.lower()
    if data.startswith(b"%PDF") or suffix == ".pdf":
        if not data.startswith(b"%PDF"):
            raise _fail("The file is named .pdf but is not a PDF.")
        return _pdf(data, limits, budget)
    if suffix in (".docx", ".doc") or data.startswith(b"PK\x03\x04"):
        text = _docx(data, limits, budget)
    elif suffix in (".txt", ".text", ".md", ""):
        text = _txt(data)
    else:
        raise _fail(f"Unsupported file type {suffix!r}: upload .txt, .docx or a text .pdf.")
    if len(text) > limits.max_chars:
        raise _fail(f"The file holds more than {limits.max_chars:,} characters of text.")
    return text
