"""The platform's adapters: the clock, randomness, blob storage, and the uploads still being checked."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Protocol

__all__ = ["BlobStore", "Clock", "RandomSource", "UploadsInCheck"]


class Clock(Protocol):
    """The server clock. Services read ``now()`` once per use case; it is aware UTC."""

    def now(self) -> datetime: ...


class RandomSource(Protocol):
    """Where secrets come from (platform seeds, tokens). Production uses ``secrets``; tests a fixed one."""

    def token_bytes(self, n: int) -> bytes: ...


class BlobStore(Protocol):
    """Content-addressed file storage: the key is the SM3 digest of the bytes (hex)."""

    def put(self, stream: BinaryIO, *, max_bytes: int | None = None) -> tuple[str, int]:
        """Store the stream; return ``(digest_hex, size)``. Writes atomically; raises if over ``max_bytes``."""
        ...

    def put_bytes(self, data: bytes) -> str: ...

    def adopt(self, path: Path, digest: str) -> None:
        """Move a file already written under ``tmp_dir()`` (and hashed to ``digest``) into the store."""
        ...

    @property
    def tmp_dir(self) -> Path:
        """Where uploads are streamed before they are adopted (the same file system as the store)."""
        ...

    def open(self, digest: str) -> BinaryIO: ...

    def read(self, digest: str) -> bytes: ...

    def exists(self, digest: str) -> bool: ...

    def iter_chunks(self, digest: str, chunk_size: int = ...) -> Iterator[bytes]: ...


class UploadsInCheck(Protocol):
    """Uploads received whole before the deadline and still being checked (``fairbid.arrival.ArrivalBoard``)."""

    def in_check(self, section_id: str, *, before: datetime, clock: Clock) -> tuple[datetime, int]: ...
