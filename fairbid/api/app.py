"""The application factory: no import-time state; ``create_app(settings)`` builds everything."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from fairbid import __version__
from fairbid.api.problems import install_problem_handlers, problem
from fairbid.api.routers import (
    auth,
    bids,
    documents,
    evaluation_reports,
    ledger,
    organisations,
    sections,
    tender_documents,
)
from fairbid.api.routers import committees as committee_api
from fairbid.api.routers import experts as expert_api
from fairbid.api.routers import objections as objection_api
from fairbid.api.routers import platform as platform_key
from fairbid.api.routers import scoring as scoring_api
from fairbid.api.routers import warnings as warnings_api
from fairbid.bootstrap import Platform, bootstrap
from fairbid.scheduler import Scheduler
from fairbid.settings import Settings
from fairbid.web import access as access_page
from fairbid.web import expert as expert_pages
from fairbid.web import ledger as ledger_page
from fairbid.web import opening as opening_page
from fairbid.web import pages, tender_form
from fairbid.web import supervision as supervision_page
from fairbid.web import trace as trace_page
from fairbid.web.templating import STATIC_DIR

__all__ = ["create_app"]

_SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # not "no-referrer": with it browsers send `Origin: null` on our own pages' POSTs, which the origin check
    # below could not tell from a sandboxed frame's; "same-origin" still gives other sites nothing
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "frame-ancestors 'none'"
    ),
    # ignored by browsers over plain http (the demo), binding once served over TLS (ASVS 14.4.5)
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
}
# FastAPI's Swagger UI and ReDoc load their bundle from jsdelivr and start it with one inline script; the
# policy allows that and nothing else, and still forbids framing.
_DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; "
    "font-src 'self' https://fonts.gstatic.com; "
    "img-src 'self' data: https://fastapi.tiangolo.com https://cdn.redoc.ly; "
    "worker-src 'self' blob:; frame-ancestors 'none'"
)

_STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _authority(url: str) -> str | None:
    """``host[:port]`` of an absolute URL, lower-case, the scheme's default port left out; None without a host.

    The scheme is not compared: behind a TLS-terminating proxy the app sees http while the browser says https.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if not parts.hostname:
        return None
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return host if port is None or port == _DEFAULT_PORTS.get(parts.scheme) else f"{host}:{port}"


def _cross_site_reason(request: Request) -> str | None:
    """Why this request looks sent by a browser on another site's behalf; None when it does not.

    Browsers attest where a request comes from (``Sec-Fetch-Site``, ``Origin``, else ``Referer``); a client
    that sends none of them (the CLI, the bidder tool, curl) is not a browser driven by another site.
    """
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site in ("cross-site", "same-site"):
        return f"the browser marked it Sec-Fetch-Site: {fetch_site}"
    own = _authority(str(request.base_url))
    origin = request.headers.get("origin")
    if origin is not None:
        if origin.strip() == "null":  # an opaque origin: a sandboxed frame, a data: URL, a file
            return None if fetch_site == "same-origin" else "its Origin is null (an opaque origin)"
        return None if _authority(origin) == own else f"its Origin is {origin[:200]!r}, not this site"
    referer = request.headers.get("referer")
    if referer is not None and _authority(referer) != own:
        return f"its Referer is on {_authority(referer) or 'no host'}, not this site"
    return None


class _SameOriginGuard:
    """Refuse state-changing requests that a browser sent from another site (OWASP ASVS 4.2.2, 13.2.3).

    Defence in depth: the API authenticates only by the ``Authorization: Bearer`` header and sets no cookie,
    so a cross-site form carries no credentials anyway; this also stops such forms from reaching the routes
    that need none (sign-in, whose failures lock a name). Pure ASGI, so uploads stream through untouched.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in _STATE_CHANGING:
            request = Request(scope)
            reason = _cross_site_reason(request)
            if reason is not None:
                response = problem(
                    request,
                    status=403,
                    code="cross-site-request",
                    title="Cross-site request refused",
                    detail=(
                        f"This {scope['method']} was refused because {reason}. Fairbid takes changes only from "
                        "its own pages or from clients that send no Origin (the CLI, the bidder tool)."
                    ),
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def create_app(
    settings: Settings | None = None, *, platform: Platform | None = None, run_scheduler: bool = False
) -> FastAPI:
    """Build the API and web app. Give ``platform`` to share one (tests); ``run_scheduler`` fires due events."""
    settings = settings or (platform.settings if platform else Settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = platform is None
        app.state.platform = platform or bootstrap(settings)
        stop = threading.Event()
        worker = None
        if run_scheduler:
            worker = Scheduler(app.state.platform, interval=settings.scheduler_interval_seconds, stop=stop)
            worker.start()
        try:
            yield
        finally:
            stop.set()
            if worker is not None:
                worker.join(timeout=10)
            if owned:
                app.state.platform.close()

    app = FastAPI(
        title="Fairbid",
        version=__version__,
        description="Machine-managed public tendering (机器管招投标). Errors are RFC 9457 problem details.",
        lifespan=lifespan,
    )
    if platform is not None:
        app.state.platform = platform
    install_problem_handlers(app)
    app.add_middleware(_SameOriginGuard)  # added before the headers middleware, so its refusals get the headers

    @app.middleware("http")
    async def _security_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        for name, value in _SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.url.path.startswith(("/docs", "/redoc")):
            response.headers["Content-Security-Policy"] = _DOCS_CSP
        if "authorization" in request.headers or request.url.path.startswith("/api/auth/"):
            # tokens and per-user answers stay out of shared and browser caches (ASVS 8.2.1, RFC 6749 5.1)
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    # one line per router; keep API routers first, then pages
    app.include_router(auth.router)
    app.include_router(organisations.router)
    app.include_router(sections.router)
    app.include_router(bids.router)
    app.include_router(ledger.router)
    app.include_router(platform_key.router)
    app.include_router(tender_documents.router)
    app.include_router(documents.router)
    app.include_router(expert_api.router)
    app.include_router(committee_api.router)
    app.include_router(scoring_api.router)
    app.include_router(warnings_api.router)
    app.include_router(objection_api.router)
    app.include_router(evaluation_reports.router)
    app.include_router(expert_pages.router)
    app.include_router(pages.router)
    app.include_router(tender_form.router)
    app.include_router(ledger_page.router)
    app.include_router(trace_page.router)
    app.include_router(supervision_page.router)
    app.include_router(access_page.router)
    app.include_router(opening_page.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/healthz", include_in_schema=False)
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app
