"""Options and helpers shared by the ``fairbid`` sub-commands."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from fairbid.domain.errors import FairbidError, InvalidInput
from fairbid.settings import Settings

__all__ = ["DataDirOpt", "DatabaseOpt", "FormatOpt", "OutputFormat", "console", "refused", "settings_from"]

console = Console()
DatabaseOpt = Annotated[
    str | None, typer.Option("--database", help="Database URL (default: FAIRBID_DATABASE_URL or sqlite:///fairbid.db)")
]
DataDirOpt = Annotated[Path | None, typer.Option("--data-dir", help="Folder for blobs and the platform key")]


class OutputFormat(StrEnum):
    """What a command prints: a table for people, one JSON object on stdout for machines."""

    TABLE = "table"
    JSON = "json"


FormatOpt = Annotated[OutputFormat, typer.Option("--format", help="table for people, json for machines.")]


def refused(e: FairbidError, fmt: OutputFormat = OutputFormat.TABLE) -> typer.Exit:
    """Print a refusal as the command's format asks, one clear line, and the exit to raise: 2 for bad input,
    1 for anything else the platform refused."""
    if fmt is OutputFormat.JSON:
        body = {"ok": False, "error": e.code, "title": e.title, "detail": e.detail, "field": e.field}
        print(json.dumps(body, ensure_ascii=False))
    else:  # one unwrapped line on stderr, so a script or a person sees it whole
        typer.echo(f"{e.title}: {e.detail}", err=True)
    return typer.Exit(2 if isinstance(e, InvalidInput) else 1)


def settings_from(database: str | None, data_dir: Path | None = None, **extra: object) -> Settings:
    """Settings from the environment, overridden by the command's flags."""
    overrides: dict[str, object] = {k: v for k, v in extra.items() if v is not None}
    if database:
        overrides["database_url"] = database
    if data_dir:
        overrides["data_dir"] = data_dir
    return Settings(**overrides)  # type: ignore[arg-type]
