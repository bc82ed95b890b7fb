"""The application factory: no import-time state; ``create_app(settings)`` builds everything."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles

from fairbid import __version__
from fairbid.api.problems import install_problem_handlers
from fairbid.api.routers import auth, bids, documents, ledger, organisations, sections, tender_documents
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
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "frame-ancestors 'none'"
    ),
}


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

    @app.middleware("http")
    async def _security_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        for name, value in _SECURITY_HEADERS.items():
            if request.url.path.startswith(("/docs", "/redoc")) and name == "Content-Security-Policy":
                continue  # Swagger UI loads its own scripts
            response.headers.setdefault(name, value)
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
