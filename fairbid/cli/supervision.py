"""``fairbid supervision``: the supervisor's collusion leads across all opened sections (大数据分析移送线索)."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from fairbid.cli.common import DatabaseOpt, DataDirOpt, console, settings_from

__all__ = ["app"]

app = typer.Typer(help="Supervision across tenders: collusion leads (行政监督).", no_args_is_help=True)


class LeadsFormat(StrEnum):
    JSON = "json"
    HTML = "html"
    PDF = "pdf"


@app.command("leads")
def leads(
    database: DatabaseOpt = None,
    data_dir: DataDirOpt = None,
    fmt: Annotated[LeadsFormat, typer.Option("--format", help="json, html or pdf")] = LeadsFormat.JSON,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here (required for pdf)")] = None,
) -> None:
    """The leads report over every opened section: co-bidding network, red flags, opening signals, risk scores."""
    from fairbid.analytics import render_leads_html
    from fairbid.bootstrap import bootstrap
    from fairbid.domain.actor import Actor, Role
    from fairbid.services.oversight.supervision import leads_for_supervisor
    from fairbid.templating import render_pdf

    if fmt is LeadsFormat.PDF and output is None:
        raise typer.BadParameter("a PDF needs --output FILE", param_hint="--output")
    platform = bootstrap(settings_from(database, data_dir), migrate=False)
    try:
        report = leads_for_supervisor(
            uow=platform.uow(), clock=platform.clock, actor=Actor(role=Role.MACHINE, job="supervision-cli")
        )
    finally:
        platform.close()
    text = json.dumps(report, ensure_ascii=False, indent=2) if fmt is LeadsFormat.JSON else render_leads_html(report)
    if fmt is LeadsFormat.PDF:
        assert output is not None
        output.write_bytes(render_pdf(text))
    elif output is not None:
        output.write_text(text, encoding="utf-8")
    else:
        typer.echo(text)
    if output is not None:
        console.print(f"{len(report['leads'])} lead(s) written to {output}")
