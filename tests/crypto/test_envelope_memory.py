"""Streaming: sealing and opening a bid many times larger than a chunk keeps memory near one chunk."""

from __future__ import annotations

import io
import random
import tracemalloc
from pathlib import Path

from envelope_factory import FINGERPRINT, FORM, NOW, TOOL

from fairbid.crypto.envelope import seal_envelope, unwrap_content_key, verify_envelope_stream
from fairbid.crypto.key import generate_key
from fairbid.crypto.opening import open_envelope
from fairbid.crypto.payload import AttachmentSource

SIZE = 40 * 1024 * 1024
BOUND = 12 * 1024 * 1024  # a 1 MiB chunk in a few buffers, far below the 40 MiB bid


class _Generated(io.RawIOBase):
    """A readable stream of pseudo-random bytes that never holds more than one read."""

    def __init__(self, size: int) -> None:
        self._left = size
        self._random = random.Random(7)

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        size = self._left if size < 0 else min(size, self._left)
        self._left -= size
        return self._random.randbytes(size)


def _peak(action: object) -> int:
    tracemalloc.start()
    try:
        action()  # type: ignore[operator]
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_seal_verify_and_open_stay_near_one_chunk(tmp_path: Path) -> None:
    key = generate_key()
    path = tmp_path / "big.fbe"

    def seal() -> None:
        with path.open("wb") as out:
            seal_envelope(
                out,
                form=FORM,
                attachments=[AttachmentSource("scan.pdf", _Generated(SIZE), SIZE)],  # type: ignore[arg-type]
                section_id="S-1",
                bidder_id="B-1",
                private_key=key,
                now=NOW,
                machine_fingerprint=FINGERPRINT,
                tool_version=TOOL,
            )

    def verify() -> None:
        with path.open("rb") as src, (tmp_path / "copy.fbe").open("wb") as dst:
            verify_envelope_stream(
                src, dst, bidder_public_key=key.public, expected_section_id="S-1", expected_bidder_id="B-1",
                max_bytes=2 * SIZE,
            )  # fmt: skip

    def open_() -> None:
        with path.open("rb") as src:
            content_key = unwrap_content_key(src, key)
        with path.open("rb") as src:
            opened = open_envelope(
                src, content_key=content_key, max_plaintext_bytes=2 * SIZE, bidder_public_key=key.public,
                attachment_dir=tmp_path,
            )  # fmt: skip
        assert opened.attachments[0].size == SIZE

    assert _peak(seal) < BOUND
    assert path.stat().st_size > SIZE
    assert _peak(verify) < BOUND
    assert _peak(open_) < BOUND
    assert (tmp_path / "scan.pdf").stat().st_size == SIZE
