"""Text extraction from uploaded tender documents (.txt, .docx, text PDF) for the text rules.

Anything unreadable raises ``InvalidInput`` saying why: encrypted or password-protected files, legacy
.doc, scanned PDFs without a text layer, undecodable text.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePath

from fairbid.domain.errors import InvalidInput

__all__ = ["MAX_UPLOAD_BYTES", "extract_text"]

MAX_UPLOAD_BYTES = 64 * 1024 * 1024
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound file: legacy .doc, or an encrypted .docx


def _fail(detail: str) -> InvalidInput:
    return InvalidInput(detail, field="file")


def _txt(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _fail("The text file is neither UTF-8 nor GB18030; save it as UTF-8 and upload it again.")


def _docx(data: bytes) -> str:
    if data.startswith(_OLE):
        raise _fail("The Word file is encrypted or in the old .doc format: save it unprotected as .docx.")
    from docx import Document  # imported only for Word uploads

    try:
        document = Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise _fail(f"The .docx file cannot be read ({type(exc).__name__}); it may be damaged.") from None
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(parts)


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


def _pdf(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise _fail("The PDF is encrypted with a password; upload an unprotected copy.")
        text = "\n".join(_unwrap(page.extract_text() or "") for page in reader.pages)
    except PdfReadError as exc:
        raise _fail(f"The PDF cannot be read ({exc}); it may be damaged.") from None
    if not text.strip():
        raise _fail("The PDF has no text layer (a scan?); upload the text PDF, .docx or .txt instead.")
    return text


def extract_text(data: bytes, *, filename: str) -> str:
    """The plain text of an uploaded .txt, .docx or text .pdf, or ``InvalidInput`` saying why not."""
    if not data:
        raise _fail("The uploaded file is empty.")
    if len(data) > MAX_UPLOAD_BYTES:
        raise _fail(f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.")
    suffix = PurePath(filename).suffix.lower()
    if data.startswith(b"%PDF") or suffix == ".pdf":
        if not data.startswith(b"%PDF"):
            raise _fail("The file is named .pdf but is not a PDF.")
        return _pdf(data)
    if suffix in (".docx", ".doc") or data.startswith(b"PK\x03\x04"):
        return _docx(data)
    if suffix in (".txt", ".text", ".md", ""):
        return _txt(data)
    raise _fail(f"Unsupported file type {suffix!r}: upload .txt, .docx or a text .pdf.")
