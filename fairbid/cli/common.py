"""Options and helpers shared by the ``fairbid`` sub-commands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from fairbid.settings import Settings

__all__ = ["DataDirOpt", "DatabaseOpt", "console", "settings_from"]

console = Console()
DatabaseOpt = Annotated[
    str | None, typer.Option("--database", help="Database URL (default: FAIRBID_DATABASE_URL or sqlite:///fairbid.db)")
]
DataDirOpt = Annotated[Path | None, typer.Option("--data-dir", help="Folder for blobs and the platform key")]


def settings_from(database: str | None, data_dir: Path | None = None, **extra: object) -> Settings:
    """Settings from the environment, overridden by the command's flags."""
    overrides: dict[str, object] = {k: v for k, v in extra.items() if v is not None}
    if database:
        overrides["database_url"] = database
    if data_dir:
        overrides["data_dir"] = data_dir
    return Settings(**overrides)  # type: ignore[arg-type]
