"""The HTTP API (FastAPI): routers turn requests into one service call each."""

from fairbid.api.app import create_app

__all__ = ["create_app"]
