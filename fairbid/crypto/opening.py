"""Opening a sealed bid with its content key (开标解密), streamed and bounded.

Every chunk's tag is checked before its plaintext moves on; attachments are written under temporary names
and renamed only once the whole envelope (last chunk, trailer, digest, signature) has checked out, so a
truncated or forged envelope leaves nothing behind.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cryptography.hazmat.primitives import hashes

from fairbid.crypto.digest import sm3
from fairbid.crypto.envelope import key_commitment
from fairbid.crypto.form import BidForm
from fairbid.crypto.frame import (
    FRAME_CHUNK,
    FRAME_LAST,
    FRAME_SIGNATURE,
    MAGIC,
    MAX_SIGNATURE_SIZE,
    EnvelopeHeader,
    read_exact,
    read_header,
    signed_message,
)
from fairbid.crypto.key import PublicKey, verify_signature
from fairbid.crypto.payload import inflate, parse_payload
from fairbid.crypto.stream import TAG_SIZE, ChunkOpener
from fairbid.domain.errors import InvalidEnvelope, InvalidKey

__all__ = ["DEFAULT_MAX_RATIO", "AttachmentInfo", "OpenedBid", "open_envelope"]

DEFAULT_MAX_RATIO = 200


@dataclass(frozen=True, slots=True)
class AttachmentInfo:
    """One attachment as opened: its name, size in bytes and SM3 digest (hex; empty if not asked for)."""

    name: str
    size: int
    sm3: str


@dataclass(frozen=True, slots=True)
class OpenedBid:
    """A decrypted bid: header, structured form, attachments, envelope digest (empty if not computed)."""

    header: EnvelopeHeader
    form: BidForm
    attachments: tuple[AttachmentInfo, ...]
    envelope_sm3: str
    plaintext_bytes: int


class _HashingReader:
    """Exact reads; hashes what it reads when asked to (the SM3 pass is the opening's main extra cost)."""

    def __init__(self, src: BinaryIO, *, hashing: bool) -> None:
        self._src = src
        self._hashing = hashing
        self.hash = hashes.Hash(hashes.SM3())

    def read(self, size: int, /) -> bytes:
        data = read_exact(self._src, size)
        if self._hashing:
            self.hash.update(data)
        return data

    def at_end(self) -> bool:
        return not self._src.read(1)


class _Sink:
    """Digests attachments and, given a directory, writes them under temporary names."""

    def __init__(self, directory: Path | None, *, digest: bool) -> None:
        self._directory = directory
        self._digest = digest
        self._file: BinaryIO | None = None
        self._hash = hashes.Hash(hashes.SM3())
        self._name = ""
        self._size = 0
        self.written: list[tuple[Path, Path]] = []
        self.infos: list[AttachmentInfo] = []
        self.total = 0

    def begin(self, name: str, size: int) -> None:
        self._hash, self._name, self._size = hashes.Hash(hashes.SM3()), name, size
        if self._directory is not None:
            temporary = self._directory / f".partial-{len(self.infos)}"
            self._file = temporary.open("xb")
            self.written.append((temporary, self._directory / name))

    def write(self, data: bytes) -> None:
        if self._digest:
            self._hash.update(data)
        self.total += len(data)
        if self._file is not None:
            self._file.write(data)

    def end(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        digest = self._hash.finalize().hex() if self._digest else ""
        self.infos.append(AttachmentInfo(self._name, self._size, digest))

    def commit(self) -> None:
        clashes = [final for _, final in self.written if final.exists()]
        if clashes:
            raise FileExistsError(clashes[0])
        for temporary, final in self.written:
            os.replace(temporary, final)

    def discard(self) -> None:
        if self._file is not None:
            self._file.close()
        for temporary, _ in self.written:
            temporary.unlink(missing_ok=True)


class _Frames:
    """Reads frames, yielding each chunk's verified plaintext; then reads the trailer and checks the end."""

    def __init__(self, reader: _HashingReader, opener: ChunkOpener, header: EnvelopeHeader) -> None:
        self._reader, self._opener, self._header = reader, opener, header
        self.ciphertext_sm3 = b""
        self.signature = b""

    def __iter__(self) -> Iterator[memoryview]:
        reader = self._reader
        while True:
            kind = reader.read(1)[0]
            if kind not in (FRAME_CHUNK, FRAME_LAST):
                raise InvalidEnvelope()
            length = int.from_bytes(reader.read(4), "big")
            full = self._header.max_frame
            if (kind == FRAME_CHUNK and length != full) or not TAG_SIZE <= length <= full:
                raise InvalidEnvelope()
            yield self._opener.open(reader.read(length), last=kind == FRAME_LAST)
            if kind == FRAME_LAST:
                break
        self.ciphertext_sm3 = reader.hash.copy().finalize()
        if reader.read(1)[0] != FRAME_SIGNATURE:
            raise InvalidEnvelope()
        size = int.from_bytes(reader.read(2), "big")
        if not 0 < size <= MAX_SIGNATURE_SIZE:
            raise InvalidEnvelope()
        self.signature = reader.read(size)
        if reader.at_end() is False:
            raise InvalidEnvelope()


def open_envelope(
    src: BinaryIO,
    *,
    content_key: bytes,
    max_plaintext_bytes: int,
    attachment_dir: Path | None = None,
    max_ratio: int = DEFAULT_MAX_RATIO,
    expected_envelope_sm3: str | None = None,
    bidder_public_key: PublicKey | None = None,
    digest_attachments: bool = True,
) -> OpenedBid:
    """Decrypt, decompress and parse an envelope; raise on anything wrong, leaving nothing behind.

    ``content_key`` is what the bidder handed over; a key that does not match the envelope's commitment
    raises :class:`InvalidKey`. Tampering, truncation, trailing bytes, a plaintext over
    ``max_plaintext_bytes`` or inflating more than ``max_ratio`` times (a zip bomb) raise
    :class:`InvalidEnvelope`. With ``expected_envelope_sm3`` (the receipt's digest) and
    ``bidder_public_key`` the stored bytes and the bidder's signature are checked again in the same pass
    (without either, no SM3 pass is made and ``OpenedBid.envelope_sm3`` is empty: the tags and the key
    commitment still prove the content is what the holder of the content key sealed).
    Attachments go to ``attachment_dir`` (which must exist) under their own names, or are only digested;
    ``digest_attachments=False`` skips their SM3 (``AttachmentInfo.sm3`` is then empty).
    """
    hashing = expected_envelope_sm3 is not None or bidder_public_key is not None
    reader = _HashingReader(src, hashing=hashing)
    prefix, header = read_header(reader)
    if len(content_key) != header.suite.content_key_size or not hmac.compare_digest(
        key_commitment(content_key, header.nonce_prefix), header.key_commitment
    ):
        raise InvalidKey("The content key does not open this envelope.")
    opener = ChunkOpener(
        header.suite,
        content_key,
        nonce_prefix=header.nonce_prefix,
        aad=sm3(prefix[len(MAGIC) + 4 :]),
        chunk_size=header.chunk_size,
    )
    frames = _Frames(reader, opener, header)
    sink = _Sink(attachment_dir, digest=digest_attachments)
    try:
        pieces = inflate(frames, max_bytes=max_plaintext_bytes, max_ratio=max_ratio)
        form_bytes, _ = parse_payload(pieces, sink)
        envelope_sm3 = reader.hash.finalize().hex() if hashing else ""
        if expected_envelope_sm3 is not None and not hmac.compare_digest(envelope_sm3, expected_envelope_sm3):
            raise InvalidEnvelope("The stored envelope differs from the one receipted.")
        if bidder_public_key is not None:
            verify_signature(bidder_public_key, signed_message(header, frames.ciphertext_sm3), frames.signature)
        try:
            form = BidForm.from_bytes(form_bytes)
        except ValueError as exc:
            raise InvalidEnvelope() from exc
        sink.commit()
    except BaseException:
        sink.discard()
        raise
    return OpenedBid(header, form, tuple(sink.infos), envelope_sm3, sink.total + len(form_bytes))
