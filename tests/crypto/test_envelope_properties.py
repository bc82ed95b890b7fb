"""Property tests on the envelope parsers: bad input raises a crypto failure of the stated kind, never
another exception (no IndexError, ValueError, UnicodeDecodeError, zlib.error…)."""

from __future__ import annotations

import io
from functools import cache

from envelope_factory import Sealed, seal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fairbid.crypto.envelope import unwrap_content_key, verify_envelope_stream
from fairbid.crypto.frame import MAGIC
from fairbid.crypto.opening import open_envelope
from fairbid.domain.errors import InvalidEnvelope, InvalidKey, InvalidSignature

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@cache
def _sealed() -> tuple[Sealed, bytes]:
    sealed = seal(attachments={"a.pdf": bytes(range(256)) * 40, "b.txt": b"hello " * 900})
    return sealed, unwrap_content_key(io.BytesIO(sealed.data), sealed.key)


def _verify(data: bytes) -> None:
    sealed, _ = _sealed()
    verify_envelope_stream(
        io.BytesIO(data),
        io.BytesIO(),
        bidder_public_key=sealed.key.public,
        expected_section_id="S-2026-001",
        expected_bidder_id="B-0007",
        max_bytes=1024 * 1024,
    )


def _open(data: bytes) -> None:
    _, content_key = _sealed()
    open_envelope(io.BytesIO(data), content_key=content_key, max_plaintext_bytes=1024 * 1024)


@SETTINGS
@given(st.binary(max_size=2000))
def test_verify_raises_invalid_envelope_on_random_bytes(data: bytes) -> None:
    for candidate in (data, MAGIC + data, _sealed()[0].data[:200] + data):
        try:
            _verify(candidate)
        except InvalidEnvelope:
            continue
        raise AssertionError("random bytes were accepted")


@SETTINGS
@given(st.binary(max_size=2000))
def test_open_raises_invalid_envelope_on_random_bytes(data: bytes) -> None:
    for candidate in (data, MAGIC + data):
        try:
            _open(candidate)
        except InvalidEnvelope:
            continue
        raise AssertionError("random bytes were opened")


@SETTINGS
@given(st.data())
def test_truncated_envelope_raises_invalid_envelope(data: st.DataObject) -> None:
    full = _sealed()[0].data
    cut = data.draw(st.integers(min_value=0, max_value=len(full) - 1))
    for parse in (_verify, _open):
        try:
            parse(full[:cut])
        except InvalidEnvelope:
            continue
        raise AssertionError(f"{parse.__name__} accepted an envelope cut at {cut}")


@SETTINGS
@given(st.data())
def test_bit_flipped_envelope_raises_crypto_failure(data: st.DataObject) -> None:
    full = bytearray(_sealed()[0].data)
    position = data.draw(st.integers(min_value=0, max_value=len(full) - 1))
    full[position] ^= 1 << data.draw(st.integers(min_value=0, max_value=7))
    flipped = bytes(full)
    try:
        _verify(flipped)
    except (InvalidEnvelope, InvalidSignature):
        pass
    else:
        raise AssertionError(f"verify accepted a flip at byte {position}")
    try:
        _open(flipped)
    except (InvalidEnvelope, InvalidKey):
        pass
    except InvalidSignature:
        raise
    else:
        # A flip inside the signature trailer is only caught with the public key.
        sealed, content_key = _sealed()
        try:
            open_envelope(
                io.BytesIO(flipped),
                content_key=content_key,
                max_plaintext_bytes=1024 * 1024,
                bidder_public_key=sealed.key.public,
            )
        except (InvalidEnvelope, InvalidSignature):
            return
        raise AssertionError(f"open accepted a flip at byte {position}")
