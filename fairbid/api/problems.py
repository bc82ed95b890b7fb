"""RFC 9457 problem details: the one table from error class to HTTP status, and the handlers."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from fairbid.crypto.envelope import EnvelopeTooLarge
from fairbid.domain.errors import (
    Conflict,
    CryptoFailure,
    DeadlinePassed,
    FairbidError,
    InvalidInput,
    InvalidTransition,
    NotAuthenticated,
    NotFound,
    NotPermitted,
    RuleViolation,
)
from fairbid.services.parties.accounts import TooManyAttempts

__all__ = ["PROBLEM_BASE", "install_problem_handlers", "problem", "status_for"]

log = logging.getLogger("fairbid.api")
PROBLEM_BASE = "https://fairbid.example/problems/"
MEDIA_TYPE = "application/problem+json"

_STATUS: list[tuple[type[FairbidError], int]] = [
    (TooManyAttempts, 429),
    (NotFound, 404),
    (NotAuthenticated, 401),
    (NotPermitted, 403),
    (Conflict, 409),
    (InvalidTransition, 409),
    (DeadlinePassed, 409),
    (RuleViolation, 422),
    (InvalidInput, 422),
    (CryptoFailure, 422),
]


def status_for(exc: FairbidError) -> int:
    for cls, status in _STATUS:
        if isinstance(exc, cls):
            return status
    return 400


def problem(request: Request, *, status: int, code: str, title: str, detail: str | None, **extra: Any) -> JSONResponse:
    """An ``application/problem+json`` answer; also for refusals made outside the routes (middleware)."""
    trace_id = getattr(request.state, "trace_id", None) or uuid.uuid4().hex
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + code,
        "title": title,
        "status": status,
        "instance": request.url.path,
        "code": code,
        "trace_id": trace_id,
    }
    if detail:
        body["detail"] = detail
    body.update({k: v for k, v in extra.items() if v is not None})
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def install_problem_handlers(app: FastAPI) -> None:
    """One handler on FairbidError (subclasses found by MRO), one for validation, one for the rest."""

    @app.exception_handler(FairbidError)
    async def _fairbid(request: Request, exc: FairbidError) -> JSONResponse:
        return problem(
            request,
            status=status_for(exc),
            code=exc.code,
            title=exc.title,
            detail=exc.detail,
            field=exc.field,
            rule=exc.rule,
            citation=getattr(exc, "citation", None),
        )

    @app.exception_handler(EnvelopeTooLarge)
    async def _too_large(request: Request, exc: EnvelopeTooLarge) -> JSONResponse:
        # The one crypto failure whose reason is safe and useful to say: the size limit is public.
        limit = request.app.state.platform.settings.max_envelope_bytes
        return problem(
            request,
            status=413,
            code="envelope-too-large",
            title="The sealed bid is larger than the platform accepts",
            detail=f"Envelopes may be at most {limit} bytes ({limit / 2**20:.0f} MiB); nothing was stored.",
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": [str(p) for p in e.get("loc", ())], "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        fields = ", ".join(".".join(e["loc"]) for e in errors)
        return problem(
            request,
            status=422,
            code="validation-error",
            title="The request is not valid",
            detail=f"Fix these fields: {fields}",
            errors=errors,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem(
            request,
            status=exc.status_code,
            code="http-" + str(exc.status_code),
            title=str(exc.detail) if exc.status_code < 500 else "Server error",
            detail=None,
        )

    @app.exception_handler(Exception)
    async def _unknown(request: Request, exc: Exception) -> JSONResponse:
        trace_id = uuid.uuid4().hex
        request.state.trace_id = trace_id
        log.exception("unhandled error, trace_id=%s", trace_id)
        return problem(request, status=500, code="internal-error", title="Internal error", detail=None)
