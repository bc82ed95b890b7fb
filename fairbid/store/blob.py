"""Content-addressed blob storage on a local folder: files are named by their SM3 digest."""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from fairbid.crypto.digest import sm3_hasher
from fairbid.domain.errors import InvalidInput, NotFound

__all__ = ["LocalBlobStore"]

_CHUNK = 1 << 20


class LocalBlobStore:
    """Blobs under ``root/ab/cd/<digest>``; written to a temp file, fsynced, then renamed into place.

    A crash mid-write leaves only a temp file, never a half blob under a digest name.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "tmp").mkdir(parents=True, exist_ok=True)

    def _path(self, digest: str) -> Path:
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise NotFound("No such file.")
        return self.root / digest[:2] / digest[2:4] / digest

    def put(self, stream: BinaryIO, *, max_bytes: int | None = None) -> tuple[str, int]:
        h = sm3_hasher()
        size = 0
        fd, tmp_name = tempfile.mkstemp(dir=self.root / "tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := stream.read(_CHUNK):
                    size += len(chunk)
                    if max_bytes is not None and size > max_bytes:
                        raise InvalidInput(f"The file is larger than the limit of {max_bytes} bytes.", field="file")
                    h.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            digest = h.finalize().hex()
            final = self._path(digest)
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp_name, final)
            return digest, size
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise

    def put_bytes(self, data: bytes) -> str:
        return self.put(io.BytesIO(data))[0]

    def adopt(self, path: Path, digest: str) -> None:
        """Move an already-hashed temp file (written under ``tmp_dir``) into place as ``digest``."""
        final = self._path(digest)
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, final)

    @property
    def tmp_dir(self) -> Path:
        return self.root / "tmp"

    def open(self, digest: str) -> BinaryIO:
        path = self._path(digest)
        if not path.exists():
            raise NotFound("No such file.")
        return path.open("rb")

    def read(self, digest: str) -> bytes:
        with self.open(digest) as f:
            return f.read()

    def exists(self, digest: str) -> bool:
        try:
            return self._path(digest).exists()
        except NotFound:
            return False

    def iter_chunks(self, digest: str, chunk_size: int = _CHUNK) -> Iterator[bytes]:
        with self.open(digest) as f:
            while chunk := f.read(chunk_size):
                yield chunk
