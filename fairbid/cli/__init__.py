"""The ``fairbid`` command line: serve, db, demo, ledger, and the tools of each context.

Every command takes the database from ``--database URL`` or ``FAIRBID_DATABASE_URL`` (default: an SQLite file
``fairbid.db`` in the current folder) and files from ``--data-dir`` (default ``fairbid-data``).
Errors print their title and detail and exit 2 (bad input) or 1 (refused).
"""

from __future__ import annotations

import json
import sys
import time
from typing import Annotated

import typer

from fairbid.cli.common import DatabaseOpt, DataDirOpt, console, settings_from
from fairbid.domain.errors import FairbidError, InvalidInput

__all__ = ["app", "main"]

app = typer.Typer(help="Fairbid: machine-managed public tendering (机器管招投标).", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")

_settings = settings_from


def _fail(exc: FairbidError, as_json: bool = False) -> None:
    if as_json:
        print(json.dumps({"error": exc.code, "title": exc.title, "detail": exc.detail, "field": exc.field}))
    else:
        console.print(f"[red]{exc.title}[/]: {exc.detail}")
    raise typer.Exit(2 if isinstance(exc, InvalidInput) else 1)


@db_app.command("upgrade")
def db_upgrade(database: DatabaseOpt = None) -> None:
    """Create or migrate the schema to the newest revision (Alembic)."""
    from fairbid.store.migration import upgrade

    settings = _settings(database)
    upgrade(settings.database_url)
    console.print(f"[green]schema up to date[/] at {settings.database_url}")


@app.command()
def demo(
    database: DatabaseOpt = None,
    data_dir: DataDirOpt = None,
    bidders: Annotated[int, typer.Option(min=3, max=60, help="How many bidders take part")] = 6,
    seed: Annotated[int | None, typer.Option(help="Seed for the demo's invented prices")] = None,
) -> None:
    """Run one construction section from draft to contract on a simulated clock, then verify the ledger."""
    from fairbid.cli.demo import run_demo

    settings = _settings(database, data_dir)
    t0 = time.perf_counter()
    console.rule("Fairbid demo: one section, machine-managed, from draft to contract")
    try:
        result = run_demo(settings, console=console, bidders=bidders, seed=seed)
    except FairbidError as e:
        _fail(e)
        return
    rec = result.record
    winner = next((c for c in rec.candidates if c.awarded_at is not None), None)
    if winner is not None:
        console.print(
            f"Winner 中标人: [bold]{winner.bidder}[/] ({winner.credit_code}) at {winner.price:,.2f} yuan; "
            f"savings rate 节资率 {rec.savings_rate_percent} % against the {rec.savings_rate_baseline} "
            f"of {rec.section.ceiling_price:,.2f} yuan"
        )
    report = result.ledger
    if report.ok:
        console.print(
            f"[bold green]ledger verified[/]: {report.entries} entries chained and hashed, {report.heads} signed "
            f"head(s) matching their roots; last entry hash {report.head_hash}"
        )
    else:
        problem = report.first_problem
        console.print(f"[bold red]ledger verification failed[/] at entry {problem.seq if problem else '?'}")
        raise typer.Exit(1)
    console.print(
        f"Done in {time.perf_counter() - t0:.1f} s. Database: {settings.database_url}; files: {settings.data_dir}. "
        "Check it yourself: fairbid ledger verify"
    )


@app.command()
def serve(
    database: DatabaseOpt = None,
    data_dir: DataDirOpt = None,
    host: str = "127.0.0.1",
    port: int = 8000,
    speed: Annotated[float, typer.Option(help="Clock speed factor (e.g. 3600: an hour per second), for demos")] = 1.0,
) -> None:
    """Serve the API (OpenAPI at /docs) and the web pages, with the scheduler firing due events."""
    import uvicorn

    from fairbid.api.app import create_app

    settings = _settings(database, data_dir, clock_speed=speed)
    if speed != 1.0:  # refuse production data before the server starts (services.demonstration)
        from fairbid.bootstrap import bootstrap

        try:
            bootstrap(settings).close()
        except FairbidError as e:
            _fail(e)
    uvicorn.run(create_app(settings, run_scheduler=True), host=host, port=port, log_level="info")


def _mount_tools() -> None:
    """The sub-commands of each context, each from its own module."""
    from fairbid.cli import analytics, beacon, bidder, collusion, credit, evaluation, ledger, tender
    from fairbid.cli import expert as expert_cli
    from fairbid.cli import supervision as supervision_cli

    app.add_typer(ledger.app, name="ledger")
    app.add_typer(bidder.app, name="bidder", help="The bidder's own tool: keys, sealing, submission, decryption.")
    app.add_typer(tender.app, name="tender", help="Tender documents: check a form or a file, render a document.")
    app.add_typer(expert_cli.app, name="expert", help="The expert pool and committee draws (专家抽取).")
    app.add_typer(supervision_cli.app, name="supervision")
    app.add_typer(beacon.app, name="beacon", help="Recompute a section's beacon and draws from public data.")
    app.add_typer(evaluation.app, name="evaluation", help="Recompute a section's evaluation from the pinned terms.")
    app.add_typer(collusion.app, name="collusion", help="Collusion screens, evaluation on labelled data (围标串标).")
    app.add_typer(credit.app, name="credit", help="Credit scorecards measured on labelled data (信用评分卡).")
    app.add_typer(analytics.app, name="analytics", help="Red flags and screens on DuckDB or Spark (Parquet layout).")


_mount_tools()


def main() -> None:
    try:
        app(standalone_mode=True)
    except FairbidError as e:  # a refusal from a sub-command that did not map it itself
        console.print(f"[red]{e.title}[/]: {e.detail}")
        sys.exit(2 if isinstance(e, InvalidInput) else 1)
