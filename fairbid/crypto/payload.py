"""The plaintext inside an envelope (投标文件内容): the bid form, then attachments, zlib-compressed.

    0x01 u32 length, bid form as canonical JSON       once, first
    0x02 u16 name length, name (UTF-8), u64 size, data  once per attachment
    0x03 u32 attachment count                          once, last

Reading is bounded: total plaintext, the inflate ratio, the form size and the number of attachments.
"""

from __future__ import annotations

import unicodedata
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import BinaryIO, Protocol

from fairbid.domain.errors import InvalidEnvelope

__all__ = [
    "MAX_ATTACHMENTS",
    "MAX_FORM_SIZE",
    "AttachmentSink",
    "AttachmentSource",
    "ZipBomb",
    "check_attachment_name",
    "deflate",
    "inflate",
    "parse_payload",
    "write_payload",
]

MAX_FORM_SIZE = 1024 * 1024
MAX_ATTACHMENTS = 1000
_PIECE = 1024 * 1024
_RATIO_FLOOR = 1024 * 1024
_FORBIDDEN = set('/\\:*?"<>|')


class ZipBomb(InvalidEnvelope):
    """Raised when the plaintext would exceed its bound or inflate beyond the allowed ratio (压缩炸弹)."""


@dataclass(frozen=True, slots=True)
class AttachmentSource:
    """An attachment to seal: its file name, an open binary stream and its exact size in bytes."""

    name: str
    stream: BinaryIO
    size: int


class AttachmentSink(Protocol):
    """Receives attachments while an envelope is opened (streamed, never whole in memory)."""

    def begin(self, name: str, size: int) -> None: ...

    def write(self, data: bytes) -> None: ...

    def end(self) -> None: ...


def check_attachment_name(name: str) -> str:
    """Return ``name`` if it is a plain file name (no path, no control characters), else ``ValueError``."""
    encoded = name.encode("utf-8")
    if (
        not 0 < len(encoded) <= 255
        or name in {".", ".."}
        or name.startswith(".")
        or any(ch in _FORBIDDEN or unicodedata.category(ch).startswith("C") for ch in name)
        or unicodedata.normalize("NFC", name) != name
    ):
        raise ValueError("attachment names are plain file names")
    return name


def write_payload(form: bytes, attachments: Sequence[AttachmentSource]) -> Iterator[bytes]:
    """The plaintext record stream for ``form`` (canonical JSON) and ``attachments``."""
    if len(form) > MAX_FORM_SIZE or len(attachments) > MAX_ATTACHMENTS:
        raise ValueError("bid form or attachment list too large")
    yield b"\x01" + len(form).to_bytes(4, "big") + form
    for item in attachments:
        name = check_attachment_name(item.name).encode("utf-8")
        yield b"\x02" + len(name).to_bytes(2, "big") + name + item.size.to_bytes(8, "big")
        left = item.size
        while left:
            data = item.stream.read(min(left, _PIECE))
            if not data:
                raise ValueError(f"attachment {item.name} is shorter than its declared size")
            left -= len(data)
            yield data
        if item.stream.read(1):
            raise ValueError(f"attachment {item.name} is longer than its declared size")
    yield b"\x03" + len(attachments).to_bytes(4, "big")


def deflate(pieces: Iterable[bytes], *, level: int = 6) -> Iterator[bytes]:
    """zlib-compress a stream of pieces, yielding compressed pieces as they come."""
    compressor = zlib.compressobj(level)
    for piece in pieces:
        out = compressor.compress(piece)
        if out:
            yield out
    yield compressor.flush()


def inflate(chunks: Iterable[bytes | memoryview], *, max_bytes: int, max_ratio: int) -> Iterator[bytes]:
    """Decompress verified chunks in pieces of at most 1 MiB, refusing bombs, truncation and trailing data."""
    decompressor = zlib.decompressobj()
    consumed = produced = 0
    try:
        for chunk in chunks:
            consumed += len(chunk)
            data: bytes | memoryview = chunk
            while data:
                if decompressor.eof:
                    raise InvalidEnvelope()
                out = decompressor.decompress(data, _PIECE)
                data = decompressor.unconsumed_tail
                produced += len(out)
                if produced > max_bytes or produced > max(max_ratio * consumed, _RATIO_FLOOR):
                    raise ZipBomb()
                if decompressor.unused_data:
                    raise InvalidEnvelope()
                if out:
                    yield out
    except zlib.error as exc:
        raise InvalidEnvelope() from exc
    if not decompressor.eof:
        raise InvalidEnvelope()


class _Pull:
    """Exact reads over an iterator of byte pieces."""

    def __init__(self, pieces: Iterator[bytes]) -> None:
        self._pieces = pieces
        self._buffer = b""

    def _fill(self) -> None:
        for piece in self._pieces:
            if piece:
                self._buffer = piece
                return
        raise InvalidEnvelope()

    def read_exact(self, size: int) -> bytes:
        parts: list[bytes] = []
        while size:
            if not self._buffer:
                self._fill()
            part, self._buffer = self._buffer[:size], self._buffer[size:]
            parts.append(part)
            size -= len(part)
        return b"".join(parts)

    def read_some(self, limit: int) -> bytes:
        if not self._buffer:
            self._fill()
        part, self._buffer = self._buffer[:limit], self._buffer[limit:]
        return part

    def finish(self) -> None:
        if self._buffer or any(self._pieces):
            raise InvalidEnvelope()


def parse_payload(pieces: Iterator[bytes], sink: AttachmentSink) -> tuple[bytes, list[tuple[str, int]]]:
    """Parse the records, streaming attachments into ``sink``; returns the form and (name, size) pairs."""
    pull = _Pull(pieces)
    if pull.read_exact(1) != b"\x01":
        raise InvalidEnvelope()
    form_size = int.from_bytes(pull.read_exact(4), "big")
    if form_size > MAX_FORM_SIZE:
        raise InvalidEnvelope()
    form = pull.read_exact(form_size)
    listed: list[tuple[str, int]] = []
    seen: set[str] = set()
    while True:
        kind = pull.read_exact(1)
        if kind == b"\x03":
            if int.from_bytes(pull.read_exact(4), "big") != len(listed):
                raise InvalidEnvelope()
            break
        if kind != b"\x02" or len(listed) >= MAX_ATTACHMENTS:
            raise InvalidEnvelope()
        name_size = int.from_bytes(pull.read_exact(2), "big")
        try:
            name = check_attachment_name(pull.read_exact(name_size).decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise InvalidEnvelope() from exc
        if name in seen:
            raise InvalidEnvelope()
        seen.add(name)
        size = left = int.from_bytes(pull.read_exact(8), "big")
        sink.begin(name, size)
        while left:
            data = pull.read_some(min(left, _PIECE))
            left -= len(data)
            sink.write(data)
        sink.end()
        listed.append((name, size))
    pull.finish()
    return form, listed
