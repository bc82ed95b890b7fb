"""Showing a decrypted bid's files to the evaluation committee in the browser (评标委员会在线阅读投标文件).

``view_attachment`` decides, for one file, how the page shows it, and never raises for bad content:

- a readable PDF is shown as itself (``ViewKind.PDF``: the page embeds PDF.js or the browser's viewer);
- a .docx becomes sanitised HTML (``ViewKind.HTML``) through mammoth, then nh3 (Ammonia) with an allow-list:
  no scripts, no styles, no event attributes, no external resources (images only as inline ``data:`` PNG,
  JPEG or GIF; links only to anchors inside the document; ids carry the ``bid-doc-`` prefix so they cannot
  clobber the page's own);
- a text file becomes escaped HTML in a ``<pre>``;
- anything else, and any file that cannot be read or converted, is offered as a download
  (``ViewKind.DOWNLOAD``) with a notice saying why.

``docx_to_html`` is the conversion alone, raising ``UnreadableFile`` when the file cannot be converted.
"""

from __future__ import annotations

import base64
import html
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePath
from typing import Any

import nh3

from fairbid.documents.extract import ReadLimits, UnreadableFile, check_office_zip, extract_text, pdf_page_count

__all__ = ["ID_PREFIX", "AttachmentView", "ViewKind", "docx_to_html", "view_attachment"]

ID_PREFIX = "bid-doc-"
_IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif"})
_MAX_IMAGE_BYTES = 8 * 1024 * 1024
_MAX_IMAGES_BYTES = 48 * 1024 * 1024
_DATA_IMAGE = re.compile(r"data:image/(png|jpeg|gif);base64,[A-Za-z0-9+/=]+")
_TAGS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "u", "s", "sub", "sup", "br", "ul", "ol", "li"}
    | {"table", "thead", "tbody", "tr", "th", "td", "a", "img", "blockquote", "pre", "code", "span", "div"}
)
_ATTRIBUTES = {"a": {"href", "id"}, "img": {"src", "alt"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}
_TEXT_SUFFIXES = (".txt", ".text", ".md", ".csv")


class ViewKind(StrEnum):
    """How the page shows a file."""

    PDF = "pdf"  # the original bytes, in PDF.js or the browser's viewer
    HTML = "html"  # sanitised HTML, embedded in the page
    DOWNLOAD = "download"  # not shown in the page: a download link and the notice


@dataclass(frozen=True, slots=True)
class AttachmentView:
    """What the reading page shows for one file; ``notice`` says why a file is download-only."""

    kind: ViewKind
    media_type: str  # of what is served: application/pdf, text/html, or the download's own type
    html: str | None = None
    notice: str | None = None
    pages: int | None = None


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "href":
        return value if value.startswith("#" + ID_PREFIX) else None
    if attribute == "id":
        return value if value.startswith(ID_PREFIX) else None
    if attribute == "src":
        return value if _DATA_IMAGE.fullmatch(value) else None
    if attribute in ("colspan", "rowspan"):
        return value if value.isdigit() and 0 < int(value) <= 1000 else None
    return value


def _sanitise(raw: str) -> str:
    return nh3.clean(
        raw,
        tags=set(_TAGS),
        attributes={tag: set(names) for tag, names in _ATTRIBUTES.items()},
        attribute_filter=_keep_attribute,
        url_schemes={"data"},
        strip_comments=True,
    )


class _Images:
    """mammoth's image converter: inline PNG/JPEG/GIF as ``data:`` URIs within a byte budget."""

    def __init__(self) -> None:
        self.used = 0

    def __call__(self, image: Any) -> dict[str, str]:
        content_type = str(image.content_type or "").lower()
        alt = f"[image not shown: {content_type or 'unknown type'}]"
        if content_type not in _IMAGE_TYPES:
            return {"alt": alt}
        try:
            with image.open() as stream:
                data = stream.read(_MAX_IMAGE_BYTES + 1)
        except Exception:  # a missing or damaged image part: show the rest of the document
            return {"alt": "[image not shown: cannot be read]"}
        if len(data) > _MAX_IMAGE_BYTES or self.used + len(data) > _MAX_IMAGES_BYTES:
            return {"alt": "[image not shown: too large]"}
        self.used += len(data)
        return {"src": f"data:{content_type};base64,{base64.b64encode(data).decode('ascii')}"}


def docx_to_html(data: bytes, *, limits: ReadLimits | None = None) -> str:
    """The .docx as sanitised HTML (a fragment), or ``UnreadableFile`` when it cannot be converted."""
    import mammoth  # imported only when a Word file is shown

    limits = limits or ReadLimits()
    if not data:
        raise UnreadableFile("The uploaded file is empty.", field="file")
    if len(data) > limits.max_bytes:
        raise UnreadableFile(f"The file is larger than {limits.max_bytes // (1024 * 1024)} MB.", field="file")
    archive = check_office_zip(data, limits)
    if "word/document.xml" not in archive.namelist():
        raise UnreadableFile("The .docx file has no document body; it may be damaged.", field="file")
    convert_image: Callable[[Any], dict[str, str]] = _Images()
    try:
        result = mammoth.convert_to_html(
            io.BytesIO(data),
            convert_image=mammoth.images.img_element(convert_image),
            id_prefix=ID_PREFIX,
            external_file_access=False,
        )
    except Exception as exc:  # mammoth reads untrusted XML and zip parts: any failure means "cannot convert"
        raise UnreadableFile(
            f"The .docx file cannot be converted for reading ({type(exc).__name__}); it may be damaged.",
            field="file",
        ) from None
    return _sanitise(str(result.value))


def _download(media_type: str, notice: str) -> AttachmentView:
    return AttachmentView(ViewKind.DOWNLOAD, media_type, notice=notice)


def _media_type(suffix: str) -> str:
    return {
        ".pdf": "application/pdf",
        ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ".xml": "application/xml",
        ".txt": "text/plain",
    }.get(suffix, "application/octet-stream")


def view_attachment(data: bytes, *, filename: str, limits: ReadLimits | None = None) -> AttachmentView:
    """How to show one decrypted bid file in the committee's page; a bad file is a download with a notice.

    Never raises for the file's content: the page shows the notice next to the download link.
    """
    limits = limits or ReadLimits()
    suffix = PurePath(filename).suffix.lower()
    media_type = _media_type(suffix)
    try:
        if suffix == ".pdf" or data.startswith(b"%PDF"):
            pages = pdf_page_count(data, limits)
            return AttachmentView(ViewKind.PDF, "application/pdf", pages=pages)
        if suffix == ".docx":
            return AttachmentView(ViewKind.HTML, "text/html", html=docx_to_html(data, limits=limits))
        if suffix in _TEXT_SUFFIXES:
            text = extract_text(data, filename="attachment.txt", limits=limits)
            return AttachmentView(ViewKind.HTML, "text/html", html=f"<pre>{html.escape(text)}</pre>")
    except UnreadableFile as exc:
        return _download(media_type, f"{exc.detail} It is offered as a download instead.")
    return _download(media_type, f"Files of type {suffix or '(none)'} are not shown in the page; download it to read.")
