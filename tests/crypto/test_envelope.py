"""Sealing, the server's streaming check and the opening, with one negative test per failure mode."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from envelope_factory import FORM, NOW, Sealed, seal

from fairbid.crypto.digest import sm3, sm3_hex
from fairbid.crypto.envelope import (
    EnvelopeTooLarge,
    VerifiedEnvelope,
    unwrap_content_key,
    verify_envelope_stream,
)
from fairbid.crypto.frame import FRAME_LAST, MAGIC
from fairbid.crypto.key import Suite, generate_key
from fairbid.crypto.opening import OpenedBid, open_envelope
from fairbid.crypto.payload import ZipBomb
from fairbid.domain.errors import InvalidEnvelope, InvalidKey, InvalidSignature

LIMIT = 10 * 1024 * 1024


def _verify(sealed: Sealed, data: bytes | None = None, **overrides: object) -> VerifiedEnvelope:
    args: dict[str, object] = {
        "bidder_public_key": sealed.key.public,
        "expected_section_id": "S-2026-001",
        "expected_bidder_id": "B-0007",
        "max_bytes": LIMIT,
    }
    args.update(overrides)
    return verify_envelope_stream(io.BytesIO(sealed.data if data is None else data), io.BytesIO(), **args)  # type: ignore[arg-type]


def _open(sealed: Sealed, data: bytes | None = None, **overrides: object) -> OpenedBid:
    args: dict[str, object] = {
        "content_key": unwrap_content_key(io.BytesIO(sealed.data), sealed.key),
        "max_plaintext_bytes": LIMIT,
    }
    args.update(overrides)
    return open_envelope(io.BytesIO(sealed.data if data is None else data), **args)  # type: ignore[arg-type]


def _frames(data: bytes) -> list[tuple[int, int]]:
    """(offset, total length) of each chunk frame."""
    pos = len(MAGIC)
    pos += 4 + int.from_bytes(data[pos : pos + 4], "big")
    frames = []
    while data[pos] in (0, 1):
        length = int.from_bytes(data[pos + 1 : pos + 5], "big")
        frames.append((pos, 5 + length))
        pos += 5 + length
    return frames


@pytest.mark.parametrize("suite", list(Suite))
def test_envelope_round_trips_form_and_attachments(suite: Suite, tmp_path: Path) -> None:
    sealed = seal(suite=suite)
    verified = _verify(sealed)
    opened = _open(
        sealed,
        attachment_dir=tmp_path,
        expected_envelope_sm3=verified.envelope_sm3,
        bidder_public_key=sealed.key.public,
    )
    assert opened.form == FORM
    assert {a.name: (a.size, a.sm3) for a in opened.attachments} == {
        name: (len(body), sm3_hex(body)) for name, body in sealed.attachments.items()
    }
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == sealed.attachments
    assert opened.header.signing_time == NOW


def test_verify_copies_exact_bytes_and_reports_digests() -> None:
    sealed = seal()
    dst = io.BytesIO()
    verified = verify_envelope_stream(
        io.BytesIO(sealed.data),
        dst,
        bidder_public_key=sealed.key.public,
        expected_section_id="S-2026-001",
        expected_bidder_id="B-0007",
        max_bytes=LIMIT,
    )
    assert dst.getvalue() == sealed.data
    assert verified.envelope_sm3 == sm3_hex(sealed.data) == sealed.result.envelope_sm3
    assert verified.ciphertext_sm3 == sealed.result.ciphertext_sm3
    assert (verified.section_id, verified.bidder_id, verified.size) == (
        "S-2026-001",
        "B-0007",
        len(sealed.data),
    )
    assert len(_frames(sealed.data)) >= 3


def test_verify_refuses_envelope_for_another_section() -> None:
    with pytest.raises(InvalidEnvelope):
        _verify(seal(), expected_section_id="S-2026-002")


def test_verify_refuses_envelope_replayed_with_edited_section() -> None:
    sealed = seal(section_id="S-2026-001")
    replayed = sealed.data.replace(b'"section_id":"S-2026-001"', b'"section_id":"S-2026-009"')
    assert replayed != sealed.data
    with pytest.raises(InvalidSignature):
        _verify(sealed, replayed, expected_section_id="S-2026-009")


def test_verify_refuses_envelope_of_another_bidder() -> None:
    with pytest.raises(InvalidEnvelope):
        _verify(seal(), expected_bidder_id="B-0008")


def test_verify_refuses_envelope_sealed_with_another_key() -> None:
    sealed = seal()
    with pytest.raises(InvalidEnvelope):
        _verify(sealed, bidder_public_key=generate_key().public)


def test_verify_refuses_flipped_signature_bit() -> None:
    sealed = seal()
    data = bytearray(sealed.data)
    data[-5] ^= 0x40
    with pytest.raises((InvalidSignature, InvalidEnvelope)):
        _verify(sealed, bytes(data))


def test_verify_refuses_flipped_ciphertext_bit() -> None:
    sealed = seal()
    offset, _ = _frames(sealed.data)[1]
    data = bytearray(sealed.data)
    data[offset + 100] ^= 0x01
    with pytest.raises(InvalidSignature):
        _verify(sealed, bytes(data))


@pytest.mark.parametrize("cut", [1, 7, 40, 200, 5000, -70, -1])
def test_verify_refuses_truncated_envelope(cut: int) -> None:
    sealed = seal()
    with pytest.raises(InvalidEnvelope):
        _verify(sealed, sealed.data[:cut])


def test_verify_refuses_trailing_bytes() -> None:
    sealed = seal()
    with pytest.raises(InvalidEnvelope):
        _verify(sealed, sealed.data + b"\x00")


def test_verify_refuses_oversized_upload() -> None:
    sealed = seal()
    with pytest.raises(EnvelopeTooLarge):
        _verify(sealed, max_bytes=len(sealed.data) - 1)
    assert _verify(sealed, max_bytes=len(sealed.data)).size == len(sealed.data)


def test_verify_refuses_malformed_magic() -> None:
    sealed = seal()
    with pytest.raises(InvalidEnvelope):
        _verify(sealed, b"PK\x03\x04" + sealed.data[4:])


def test_open_refuses_wrong_content_key() -> None:
    sealed = seal()
    with pytest.raises(InvalidKey):
        _open(sealed, content_key=bytes(16))
    with pytest.raises(InvalidKey):
        _open(sealed, content_key=bytes(3))


def test_unwrap_refuses_another_bidders_private_key() -> None:
    sealed = seal()
    with pytest.raises(InvalidKey):
        unwrap_content_key(io.BytesIO(sealed.data), generate_key())


def test_open_refuses_flipped_ciphertext_bit_and_leaves_no_files(tmp_path: Path) -> None:
    sealed = seal()
    offset, length = _frames(sealed.data)[-1]
    data = bytearray(sealed.data)
    data[offset + length - 3] ^= 0x80
    with pytest.raises(InvalidEnvelope):
        _open(sealed, bytes(data), attachment_dir=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_open_refuses_envelope_cut_after_a_full_chunk(tmp_path: Path) -> None:
    sealed = seal()
    frames = _frames(sealed.data)
    offset, length = frames[1]
    # Keep two chunks, relabel the second as last, then append the real signature trailer.
    trailer = sealed.data[frames[-1][0] + frames[-1][1] :]
    cut = bytearray(sealed.data[: offset + length]) + trailer
    cut[offset] = FRAME_LAST
    with pytest.raises(InvalidEnvelope):
        _open(sealed, bytes(cut), attachment_dir=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_open_refuses_zip_bomb_by_ratio(tmp_path: Path) -> None:
    sealed = seal(attachments={"bomb.bin": bytes(8 * 1024 * 1024)}, chunk_size=64 * 1024)
    assert len(sealed.data) < 64 * 1024
    with pytest.raises(ZipBomb):
        _open(sealed, attachment_dir=tmp_path, max_ratio=100)
    assert list(tmp_path.iterdir()) == []


def test_open_refuses_plaintext_over_limit() -> None:
    sealed = seal(attachments={"big.bin": b"0123456789" * 300_000})
    with pytest.raises(ZipBomb):
        _open(sealed, max_plaintext_bytes=2_000_000)


def test_open_refuses_envelope_that_differs_from_receipt() -> None:
    sealed = seal()
    with pytest.raises(InvalidEnvelope):
        _open(sealed, expected_envelope_sm3=sm3(b"another").hex())


def test_open_refuses_signature_by_another_key() -> None:
    sealed = seal()
    with pytest.raises(InvalidSignature):
        _open(sealed, bidder_public_key=generate_key().public)


def test_seal_refuses_attachment_with_a_path() -> None:
    with pytest.raises(ValueError, match="plain file names"):
        seal(attachments={"../etc/passwd": b"x"})


def test_open_refuses_older_envelope_swapped_in_storage() -> None:
    key = generate_key()
    older, current = seal(key=key), seal(key=key)
    current_key = unwrap_content_key(io.BytesIO(current.data), key)
    with pytest.raises(InvalidKey):
        open_envelope(io.BytesIO(older.data), content_key=current_key, max_plaintext_bytes=LIMIT)
    with pytest.raises(InvalidEnvelope):
        open_envelope(
            io.BytesIO(current.data[:-1] + bytes([current.data[-1] ^ 1])),
            content_key=current_key,
            max_plaintext_bytes=LIMIT,
            expected_envelope_sm3=current.result.envelope_sm3,
        )


def test_open_into_directory_with_same_name_keeps_existing_file(tmp_path: Path) -> None:
    sealed = seal()
    (tmp_path / "报价清单.xlsx").write_bytes(b"mine")
    with pytest.raises(FileExistsError):
        _open(sealed, attachment_dir=tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["报价清单.xlsx"]
    assert (tmp_path / "报价清单.xlsx").read_bytes() == b"mine"


@pytest.mark.parametrize("suite", list(Suite))
def test_envelope_without_attachments_is_one_last_chunk(suite: Suite) -> None:
    sealed = seal(suite=suite, attachments={})
    assert len(_frames(sealed.data)) == 1
    _verify(sealed)
    opened = _open(sealed)
    assert opened.form == FORM and opened.attachments == ()
