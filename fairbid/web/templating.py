"""The web pages' templates (``fairbid.templating``'s environment, ``pages/…``) and static files."""

from __future__ import annotations

from pathlib import Path

from fastapi.templating import Jinja2Templates

from fairbid.templating import environment

__all__ = ["STATIC_DIR", "templates"]

STATIC_DIR = Path(__file__).parent / "static"
templates = Jinja2Templates(env=environment())
