"""Sealing a bid (投标文件加密) and the server's streaming check of a sealed envelope.

The bidder calls :func:`seal_envelope`; the platform calls :func:`verify_envelope_stream` while it stores
the upload, and the bidder calls :func:`unwrap_content_key` at the opening (开标解密).
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

from cryptography.hazmat.primitives import hashes

from fairbid.crypto.digest import sm3
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
from fairbid.crypto.key import (
    PrivateKey,
    PublicKey,
    random_bytes,
    sign,
    unwrap_key,
    verify_signature,
    wrap_key,
)
from fairbid.crypto.payload import AttachmentSource, deflate, write_payload
from fairbid.crypto.stream import NONCE_PREFIX_SIZE, TAG_SIZE, ChunkSealer
from fairbid.domain.errors import InvalidEnvelope, InvalidKey

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "EnvelopeTooLarge",
    "SealedEnvelope",
    "VerifiedEnvelope",
    "key_commitment",
    "seal_envelope",
    "unwrap_content_key",
    "verify_envelope_stream",
]

DEFAULT_CHUNK_SIZE = 1024 * 1024
_COPY = 1024 * 1024


class EnvelopeTooLarge(InvalidEnvelope):
    """Raised when an upload is longer than the size the platform accepts (maps naturally to HTTP 413)."""


def key_commitment(content_key: bytes, nonce_prefix: bytes) -> bytes:
    """SM3 over a label, the nonce prefix and the key: binds the envelope to one content key.

    GCM alone is not key-committing: without this a bidder could craft one ciphertext that opens to two
    different bids under two keys and choose which key to reveal after seeing the others.
    """
    return sm3(b"fairbid/key-commitment/v1" + nonce_prefix + content_key)


@dataclass(frozen=True, slots=True)
class SealedEnvelope:
    """What sealing produced: the header and the digests the receipt will repeat."""

    header: EnvelopeHeader
    envelope_sm3: str
    ciphertext_sm3: str
    size: int


@dataclass(frozen=True, slots=True)
class VerifiedEnvelope:
    """An envelope whose structure and signature checked out (its chunks' tags need the content key)."""

    header: EnvelopeHeader
    envelope_sm3: str
    ciphertext_sm3: str
    size: int

    @property
    def section_id(self) -> str:
        """The section the bidder sealed for."""
        return self.header.section_id

    @property
    def bidder_id(self) -> str:
        """The bidder who sealed."""
        return self.header.bidder_id

    @property
    def signing_time(self) -> datetime:
        """The time on the bidder's machine when it sealed (not trusted for the deadline)."""
        return self.header.signing_time


class _HashingWriter:
    def __init__(self, dst: BinaryIO) -> None:
        self._dst = dst
        self.hash = hashes.Hash(hashes.SM3())
        self.size = 0

    def write(self, data: bytes | memoryview) -> None:
        self._dst.write(data)
        self.hash.update(data)
        self.size += len(data)


def seal_envelope(
    dst: BinaryIO,
    *,
    form: BidForm,
    attachments: Sequence[AttachmentSource],
    section_id: str,
    bidder_id: str,
    private_key: PrivateKey,
    now: datetime,
    machine_fingerprint: str,
    tool_version: str,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> SealedEnvelope:
    """Compress, encrypt under a fresh content key, wrap the key to the bidder's own key, and sign.

    Streams: memory stays at about one chunk whatever the attachments weigh.
    """
    suite = private_key.suite
    content_key = random_bytes(suite.content_key_size)
    nonce_prefix = random_bytes(NONCE_PREFIX_SIZE)
    header = EnvelopeHeader(
        suite=suite,
        envelope_id=random_bytes(16).hex(),
        section_id=section_id,
        bidder_id=bidder_id,
        bidder_key_id=private_key.public.key_id,
        signing_time=now,
        machine_fingerprint=machine_fingerprint,
        tool_version=tool_version,
        chunk_size=chunk_size,
        nonce_prefix=nonce_prefix,
        wrapped_key=wrap_key(private_key.public, content_key),
        key_commitment=key_commitment(content_key, nonce_prefix),
    )
    try:
        header.check()
    except InvalidEnvelope as exc:
        raise ValueError(
            "section and bidder IDs are 1-128 letters, digits or . _ : - and the chunk size 4 KiB-4 MiB"
        ) from exc
    header_bytes = header.to_bytes()
    out = _HashingWriter(dst)
    out.write(MAGIC + len(header_bytes).to_bytes(4, "big") + header_bytes)
    sealer = ChunkSealer(suite, content_key, nonce_prefix=nonce_prefix, aad=sm3(header_bytes), chunk_size=chunk_size)
    pending = bytearray()
    for piece in deflate(write_payload(form.to_bytes(), attachments)):
        pending += piece
        while len(pending) > chunk_size:
            with memoryview(pending) as view:
                _write_frame(out, FRAME_CHUNK, *sealer.seal_parts(view[:chunk_size], last=False))
            del pending[:chunk_size]
    _write_frame(out, FRAME_LAST, *sealer.seal_parts(pending, last=True))
    ciphertext_sm3 = out.hash.copy().finalize()
    signature = sign(private_key, signed_message(header, ciphertext_sm3))
    out.write(bytes([FRAME_SIGNATURE]) + len(signature).to_bytes(2, "big") + signature)
    return SealedEnvelope(header, out.hash.finalize().hex(), ciphertext_sm3.hex(), out.size)


def _write_frame(out: _HashingWriter, kind: int, body: memoryview, tag: bytes) -> None:
    out.write(bytes([kind]) + (len(body) + len(tag)).to_bytes(4, "big"))
    out.write(body)
    out.write(tag)


class _Copier:
    """Reads from ``src``, copies to ``dst`` and hashes, refusing more than ``limit`` bytes."""

    def __init__(self, src: BinaryIO, dst: BinaryIO | None, limit: int) -> None:
        self._src, self._dst, self._limit = src, dst, limit
        self.hash = hashes.Hash(hashes.SM3())
        self.size = 0

    def take(self, data: bytes) -> bytes:
        self.size += len(data)
        if self.size > self._limit:
            raise EnvelopeTooLarge()
        self.hash.update(data)
        if self._dst is not None:
            self._dst.write(data)
        return data

    def read(self, size: int) -> bytes:
        if self.size + size > self._limit:
            raise EnvelopeTooLarge()
        return self.take(read_exact(self._src, size))


def verify_envelope_stream(
    src: BinaryIO,
    dst: BinaryIO | None,
    *,
    bidder_public_key: PublicKey,
    expected_section_id: str,
    expected_bidder_id: str,
    max_bytes: int,
) -> VerifiedEnvelope:
    """Copy an uploaded envelope from ``src`` to ``dst`` while checking it; raise on anything wrong.

    Checks the layout, the header, that it was sealed for ``expected_section_id`` by ``expected_bidder_id``
    with ``bidder_public_key``, that it ends properly, is at most ``max_bytes``, and the signature. Raises
    :class:`InvalidEnvelope` (:class:`EnvelopeTooLarge` for size) or ``InvalidSignature``. On a raise,
    ``dst`` holds a partial copy: write to a temporary file and keep it only on return.
    """
    copier = _Copier(src, dst, max_bytes)
    _, header = read_header(copier)
    if header.section_id != expected_section_id or header.bidder_id != expected_bidder_id:
        raise InvalidEnvelope("The envelope was sealed for another section or bidder.")
    if header.suite is not bidder_public_key.suite or not hmac.compare_digest(
        header.bidder_key_id, bidder_public_key.key_id
    ):
        raise InvalidEnvelope("The envelope was sealed with another key.")
    while True:
        kind = copier.read(1)[0]
        if kind not in (FRAME_CHUNK, FRAME_LAST):
            raise InvalidEnvelope()
        length = int.from_bytes(copier.read(4), "big")
        full = header.max_frame
        if (kind == FRAME_CHUNK and length != full) or not TAG_SIZE <= length <= full:
            raise InvalidEnvelope()
        while length:
            step = min(length, _COPY)
            copier.read(step)
            length -= step
        if kind == FRAME_LAST:
            break
    ciphertext_sm3 = copier.hash.copy().finalize()
    if copier.read(1)[0] != FRAME_SIGNATURE:
        raise InvalidEnvelope()
    sig_size = int.from_bytes(copier.read(2), "big")
    if not 0 < sig_size <= MAX_SIGNATURE_SIZE:
        raise InvalidEnvelope()
    signature = copier.read(sig_size)
    extra = src.read(1)
    if extra:
        copier.take(extra)  # counts toward the size limit first
        raise InvalidEnvelope()
    verify_signature(bidder_public_key, signed_message(header, ciphertext_sm3), signature)
    return VerifiedEnvelope(header, copier.hash.finalize().hex(), ciphertext_sm3.hex(), copier.size)


def unwrap_content_key(src: BinaryIO, private_key: PrivateKey) -> bytes:
    """Read an envelope's header and unwrap its content key with the bidder's private key (开标解密).

    Raises :class:`InvalidEnvelope` for a malformed header, :class:`InvalidKey` if the key does not open it.
    """
    _, header = read_header(src)
    if header.suite is not private_key.suite or not hmac.compare_digest(
        header.bidder_key_id, private_key.public.key_id
    ):
        raise InvalidKey("This envelope was sealed with another key.")
    content_key = unwrap_key(private_key, header.wrapped_key)
    if not hmac.compare_digest(key_commitment(content_key, header.nonce_prefix), header.key_commitment):
        raise InvalidKey()
    return content_key
