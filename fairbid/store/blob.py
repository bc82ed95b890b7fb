"""Content-addressed blob storage on a local folder: files are named by their SM3 digest."""

from __future__ import annotations

import io
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from fairbid.crypto.digest import sm3_hasher
from fairbid.domain.errors import InvalidInput, NotFound

__all__ = ["LocalBlobStore"]

_CHUNK = 1 << 20


def _fsync_dir(path: Path) -> None:
    """Make a directory's entries (a rename, a new subfolder) durable: POSIX asks for an fsync of the folder."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _make_dirs(path: Path) -> None:
    """``mkdir -p`` that fsyncs the parent of each folder it creates, so the new entry survives a power loss."""
    if path.is_dir():
        return
    _make_dirs(path.parent)
    # made here or by a concurrent writer: sync the parent either way, the other may not have yet
    path.mkdir(exist_ok=True)
    _fsync_dir(path.parent)


class LocalBlobStore:
    """Blobs under ``root/ab/cd/<digest>``; written to a temp file, fsynced, renamed into place, folder fsynced.

    A crash mid-write leaves only a temp file, never a half blob under a digest name; once ``put`` or
    ``adopt`` returns, the blob survives a power loss (the rename is durable only after the folder's fsync).
    Temp files left by a crash are removed by :meth:`sweep_temp`, which ``bootstrap`` runs at start-up.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        _make_dirs(root / "tmp")

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
            self._move_into_place(Path(tmp_name), self._path(digest))
            return digest, size
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise

    def put_bytes(self, data: bytes) -> str:
        return self.put(io.BytesIO(data))[0]

    def adopt(self, path: Path, digest: str) -> None:
        """Move an already-hashed temp file (written under ``tmp_dir``) into place as ``digest``."""
        self._move_into_place(path, self._path(digest))

    @staticmethod
    def _move_into_place(tmp: Path, final: Path) -> None:
        # the caller has fsynced the file's bytes; make the fan-out folders and the new name durable too
        _make_dirs(final.parent)
        os.replace(tmp, final)
        _fsync_dir(final.parent)

    @property
    def tmp_dir(self) -> Path:
        return self.root / "tmp"

    def sweep_temp(self, *, older_than_seconds: float) -> int:
        """Remove temp files not modified for ``older_than_seconds``: leftovers of a crash; how many.

        Age, not a lock, tells a leftover from a live upload of another process: an upload in progress
        writes at least every idle timeout (seconds), far below the age asked here (an hour by default).
        """
        cutoff = time.time() - older_than_seconds
        swept = 0
        for entry in os.scandir(self.tmp_dir):
            try:
                if entry.is_file(follow_symlinks=False) and entry.stat(follow_symlinks=False).st_mtime < cutoff:
                    os.unlink(entry.path)
                    swept += 1
            except FileNotFoundError:
                continue  # finished or swept by another process meanwhile
        if swept:
            _fsync_dir(self.tmp_dir)
        return swept

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
