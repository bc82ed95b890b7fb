"""Chunked authenticated encryption (STREAM construction) with SM4-GCM or AES-256-GCM.

Each chunk is sealed on its own with the nonce ``prefix(7) ‖ counter(4, big-endian) ‖ last(1)``, so chunks
cannot be reordered, dropped, or the stream cut short without a tag failing (Hoang, Reyhanitabar, Rogaway,
Vizár, "Online authenticated-encryption and its nonce-reuse misuse-resistance", 2015). A chunk's plaintext
is handed out only after its tag has verified, and memory stays at one chunk however large the bid.
"""

from __future__ import annotations

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from fairbid.crypto.key import Suite
from fairbid.domain.errors import InvalidEnvelope

__all__ = ["NONCE_PREFIX_SIZE", "TAG_SIZE", "ChunkOpener", "ChunkSealer"]

TAG_SIZE = 16
NONCE_PREFIX_SIZE = 7
_MAX_CHUNKS = 2**32


def _algorithm(suite: Suite, key: bytes) -> algorithms.SM4 | algorithms.AES:
    if len(key) != suite.content_key_size:
        raise ValueError("content key has the wrong size for the suite")
    return algorithms.SM4(key) if suite is Suite.GM else algorithms.AES(key)


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    if counter >= _MAX_CHUNKS:
        raise InvalidEnvelope()
    return prefix + counter.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


class ChunkSealer:
    """Seals chunk after chunk; the caller says which one is last."""

    def __init__(self, suite: Suite, key: bytes, *, nonce_prefix: bytes, aad: bytes, chunk_size: int) -> None:
        if len(nonce_prefix) != NONCE_PREFIX_SIZE:
            raise ValueError("nonce prefix must be 7 bytes")
        self._algorithm = _algorithm(suite, key)
        self._prefix = nonce_prefix
        self._aad = aad
        self._counter = 0
        self._buffer = bytearray(chunk_size + 15)

    def seal(self, plaintext: bytes | bytearray | memoryview, *, last: bool) -> bytes:
        """The ciphertext of one chunk followed by its 16-byte tag."""
        body, tag = self.seal_parts(plaintext, last=last)
        return bytes(body) + tag

    def seal_parts(self, plaintext: bytes | bytearray | memoryview, *, last: bool) -> tuple[memoryview, bytes]:
        """The ciphertext (a view of the reused buffer, valid until the next call) and the tag, uncopied."""
        encryptor = Cipher(self._algorithm, modes.GCM(_nonce(self._prefix, self._counter, last))).encryptor()
        self._counter += 1
        encryptor.authenticate_additional_data(self._aad)
        size = len(plaintext)
        if size + 15 > len(self._buffer):
            self._buffer = bytearray(size + 15)
        written = encryptor.update_into(plaintext, self._buffer)
        encryptor.finalize()
        return memoryview(self._buffer)[:written], encryptor.tag


class ChunkOpener:
    """Opens chunk after chunk into one reused buffer; raises :class:`InvalidEnvelope` on a bad tag."""

    def __init__(self, suite: Suite, key: bytes, *, nonce_prefix: bytes, aad: bytes, chunk_size: int) -> None:
        if len(nonce_prefix) != NONCE_PREFIX_SIZE:
            raise InvalidEnvelope()
        self._algorithm = _algorithm(suite, key)
        self._prefix = nonce_prefix
        self._aad = aad
        self._counter = 0
        self._buffer = bytearray(chunk_size + 15)

    def open(self, sealed: bytes | bytearray | memoryview, *, last: bool) -> memoryview:
        """The verified plaintext of one chunk, valid until the next call (the buffer is reused)."""
        if len(sealed) < TAG_SIZE or len(sealed) - TAG_SIZE + 15 > len(self._buffer):
            raise InvalidEnvelope()
        view = memoryview(sealed)
        tag = bytes(view[-TAG_SIZE:])
        decryptor = Cipher(self._algorithm, modes.GCM(_nonce(self._prefix, self._counter, last), tag)).decryptor()
        self._counter += 1
        decryptor.authenticate_additional_data(self._aad)
        written = decryptor.update_into(view[:-TAG_SIZE], self._buffer)
        try:
            decryptor.finalize()
        except InvalidTag as exc:
            raise InvalidEnvelope() from exc
        return memoryview(self._buffer)[:written]
