"""Receiving sealed-bid uploads (投标文件上传) without tying a worker thread to a slow or stalled client.

The body is received in the event loop, with a read timeout between chunks, into a spool file in the blob
store's temp folder; only a complete body is handed to a worker thread (from a pool of its own) to be
checked and stored. A client that stops sending costs a coroutine and a file, never a thread, so /healthz
and every other request keep their threads. Caps: uploads at once per bidder organisation, and uploads in
flight on the server (docs/uploads.md).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections import Counter
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import TypeVar

import anyio
from anyio import to_thread
from fastapi import Request
from fastapi.responses import JSONResponse
from starlette.datastructures import State
from starlette.requests import ClientDisconnect

from fairbid.api.problems import problem
from fairbid.crypto.envelope import EnvelopeTooLarge
from fairbid.settings import Settings

__all__ = ["UploadGate", "UploadRefused", "refusal_response", "upload_gate"]

T = TypeVar("T")

SPOOL_PREFIX = "upload-"
_WRITE_BATCH = 1 << 20  # bytes gathered in memory before one write to the spool file (off the event loop)


class UploadRefused(Exception):
    """Raised when an upload is refused for how it arrives (stalled, too many at once), not for what it is."""

    def __init__(
        self, status: int, code: str, title: str, detail: str, *, retry_after: int | None = None, close: bool = False
    ) -> None:
        super().__init__(detail)
        self.status, self.code, self.title, self.detail = status, code, title, detail
        self.retry_after = retry_after
        self.close = close  # the body was not read to its end: end the connection with the answer


def refusal_response(request: Request, exc: UploadRefused) -> JSONResponse:
    """The refusal as RFC 9457 problem details (``fairbid.api.problems.problem``)."""
    response = problem(request, status=exc.status, code=exc.code, title=exc.title, detail=exc.detail)
    if exc.retry_after is not None:
        response.headers["Retry-After"] = str(exc.retry_after)
    if exc.close:
        response.headers["Connection"] = "close"
    return response


class UploadGate:
    """The caps on uploads in one server process, and the worker threads that check and store them.

    ``per_bidder`` uploads at once per organisation (a third is refused with 429), ``in_flight`` on the
    whole server (beyond it 503), ``workers`` threads checking and storing complete bodies (more wait).
    """

    def __init__(self, *, per_bidder: int, in_flight: int, workers: int, idle_timeout: float) -> None:
        self.per_bidder = per_bidder
        self.in_flight = in_flight
        self.idle_timeout = idle_timeout
        self._by_bidder: Counter[str] = Counter()
        self._total = 0
        self._workers = anyio.CapacityLimiter(workers)
        self._writers = anyio.CapacityLimiter(max(2, workers // 2))

    @property
    def active(self) -> int:
        """Uploads admitted and not yet answered."""
        return self._total

    @contextlib.asynccontextmanager
    async def admit(self, bidder: str) -> AsyncIterator[None]:
        """Count one upload of ``bidder`` for as long as the block runs; refuse it if a cap is reached."""
        # no await between the checks and the increments: the event loop makes this atomic
        if self._by_bidder[bidder] >= self.per_bidder:
            raise UploadRefused(
                429,
                "too-many-uploads",
                "Too many uploads at once from your organisation",
                f"Your organisation already has {self._by_bidder[bidder]} uploads in progress, the most allowed "
                "at once; send this one again when one of them has finished.",
                retry_after=max(1, round(self.idle_timeout)),
            )
        if self._total >= self.in_flight:
            raise UploadRefused(
                503,
                "uploads-busy",
                "The server is receiving too many uploads",
                f"{self._total} uploads are in progress, the most this server takes at once; "
                "send yours again in a moment (the time it arrives is counted only when it is accepted).",
                retry_after=5,
            )
        self._by_bidder[bidder] += 1
        self._total += 1
        try:
            yield
        finally:
            self._total -= 1
            self._by_bidder[bidder] -= 1
            if not self._by_bidder[bidder]:
                del self._by_bidder[bidder]

    async def run(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` (checking and storing a complete body) in one of the gate's own worker threads."""
        return await to_thread.run_sync(fn, limiter=self._workers)

    async def spool(
        self, request: Request, directory: Path, *, max_bytes: int, on_last_byte: Callable[[], None]
    ) -> Path:
        """Receive the request body into a new file under ``directory``; its path. Removed on any failure.

        Waits at most ``idle_timeout`` seconds for each chunk; a body longer than ``max_bytes`` is refused
        as soon as it passes the limit (or at once, from its Content-Length). ``on_last_byte`` runs the moment
        the body is complete, before anything else is done with it (the deadline's instant, 电子招标投标办法
        第二十七条).
        """
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise EnvelopeTooLarge()
        fd, name = tempfile.mkstemp(prefix=SPOOL_PREFIX, dir=directory)
        path = Path(name)
        try:
            with os.fdopen(fd, "wb") as out:
                size = 0
                batch = bytearray()
                chunks = request.stream().__aiter__()
                while True:
                    try:
                        with anyio.fail_after(self.idle_timeout):
                            chunk = await chunks.__anext__()
                    except StopAsyncIteration:
                        on_last_byte()
                        break
                    except TimeoutError:
                        raise UploadRefused(
                            408,
                            "upload-stalled",
                            "The upload stopped sending",
                            f"No data arrived for {self.idle_timeout:g} s after {size} bytes, so the upload was "
                            "discarded and nothing was stored. Send the whole file again.",
                            close=True,
                        ) from None
                    size += len(chunk)
                    if size > max_bytes:
                        raise EnvelopeTooLarge()
                    batch += chunk
                    if len(batch) >= _WRITE_BATCH:
                        await to_thread.run_sync(out.write, bytes(batch), limiter=self._writers)
                        batch.clear()
                if batch:
                    await to_thread.run_sync(out.write, bytes(batch), limiter=self._writers)
        except ClientDisconnect:
            path.unlink(missing_ok=True)
            raise UploadRefused(
                400, "upload-abandoned", "The upload was abandoned", "The client closed the connection mid-upload."
            ) from None
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return path


def upload_gate(state: State, settings: Settings) -> UploadGate:
    """The app's one gate, made on first use (``app.state`` lives as long as the app)."""
    gate: UploadGate | None = getattr(state, "upload_gate", None)
    if gate is None:
        gate = UploadGate(
            per_bidder=settings.uploads_per_bidder,
            in_flight=settings.uploads_in_flight,
            workers=settings.upload_workers,
            idle_timeout=settings.upload_idle_timeout_seconds,
        )
        state.upload_gate = gate
    return gate
