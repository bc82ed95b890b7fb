"""Property tests on the plaintext parser: the bidder holds the content key, so it can feed the platform any
plaintext at all; whatever it is, the parser raises InvalidEnvelope or returns a well-formed result."""

from __future__ import annotations

import io
import zlib

from hypothesis import given, settings
from hypothesis import strategies as st

from fairbid.crypto.payload import AttachmentSource, inflate, parse_payload, write_payload
from fairbid.domain.errors import InvalidEnvelope

SETTINGS = settings(max_examples=150, deadline=None)
FORM = b'{"price":"1"}'


class _Sink:
    def __init__(self) -> None:
        self.bytes = 0

    def begin(self, name: str, size: int) -> None:
        assert "/" not in name and size >= 0

    def write(self, data: bytes) -> None:
        self.bytes += len(data)

    def end(self) -> None:
        pass


def _parse(compressed_chunks: list[bytes]) -> tuple[bytes, list[tuple[str, int]]]:
    pieces = inflate(compressed_chunks, max_bytes=1 << 20, max_ratio=100)
    return parse_payload(pieces, _Sink())


def _valid(attachments: list[bytes]) -> bytes:
    sources = [AttachmentSource(f"f{i}.bin", io.BytesIO(body), len(body)) for i, body in enumerate(attachments)]
    return b"".join(write_payload(FORM, sources))


@SETTINGS
@given(st.binary(max_size=3000))
def test_random_compressed_plaintext_raises_invalid_envelope_or_parses(data: bytes) -> None:
    try:
        form, listed = _parse([zlib.compress(data)])
    except InvalidEnvelope:
        return
    assert len(form) <= len(data) and all(size >= 0 for _, size in listed)


@SETTINGS
@given(st.binary(max_size=3000))
def test_random_bytes_that_are_not_zlib_raise_invalid_envelope(data: bytes) -> None:
    try:
        _parse([data])
    except InvalidEnvelope:
        return
    raise AssertionError("random bytes parsed as a payload")


@SETTINGS
@given(st.lists(st.binary(max_size=500), max_size=4), st.data())
def test_truncated_payload_raises_invalid_envelope(attachments: list[bytes], data: st.DataObject) -> None:
    plain = _valid(attachments)
    assert _parse([zlib.compress(plain)])[0] == FORM
    cut = data.draw(st.integers(min_value=0, max_value=len(plain) - 1))
    try:
        _parse([zlib.compress(plain[:cut])])
    except InvalidEnvelope:
        return
    raise AssertionError(f"a payload cut at {cut} of {len(plain)} parsed")


@SETTINGS
@given(st.lists(st.binary(max_size=500), max_size=4), st.data())
def test_bit_flipped_payload_raises_invalid_envelope_or_parses(attachments: list[bytes], data: st.DataObject) -> None:
    plain = bytearray(_valid(attachments))
    position = data.draw(st.integers(min_value=0, max_value=len(plain) - 1))
    plain[position] ^= 1 << data.draw(st.integers(min_value=0, max_value=7))
    try:
        _parse([zlib.compress(bytes(plain))])
    except InvalidEnvelope:
        return
    # A flip inside attachment data or the form text is a different, well-formed payload: that is fine.


def test_payload_with_trailing_compressed_stream_raises_invalid_envelope() -> None:
    plain = _valid([b"x"])
    try:
        _parse([zlib.compress(plain) + zlib.compress(b"more")])
    except InvalidEnvelope:
        return
    raise AssertionError("trailing data after the zlib stream was accepted")
