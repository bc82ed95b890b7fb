"""``fairbid analytics``: cross-tender red flags and screens on DuckDB or Spark, over the Parquet layout.

Mounted by the main CLI as ``app.add_typer(analytics.app, name="analytics")``. ``fairbid analytics export`` (from the
platform's database) is wired by the services; ``generate`` writes synthetic data with planted cartels.
Outputs are clues for human review, never proof (发改法规〔2026〕195号 (十一)).
"""

from __future__ import annotations

import json
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from fairbid.domain.errors import FairbidError, InvalidInput

__all__ = ["app"]

app = typer.Typer(help="Cross-tender analytics on DuckDB or Spark (red flags, screens).", no_args_is_help=True)


class OutputFormat(StrEnum):
    """How ``run`` prints its result."""

    TABLE = "table"
    JSON = "json"


class EngineName(StrEnum):
    """The engine to run on."""

    DUCKDB = "duckdb"
    SPARK = "spark"


@app.command()
def run(
    data: Annotated[Path, typer.Option("--data", help="folder with bids.parquet and tenders.parquet (or folders)")],
    engine: Annotated[EngineName, typer.Option(help="duckdb (embedded) or spark (fairbid[spark])")] = EngineName.DUCKDB,
    output: Annotated[OutputFormat, typer.Option("--format", help="table or json")] = OutputFormat.TABLE,
) -> None:
    """Run the red flags and the screens over the tables in DATA."""
    from fairbid.analytics.engine import Engine, run_analytics

    started = time.perf_counter()
    try:
        result = run_analytics(data, engine=Engine(engine.value))
    except FairbidError as exc:
        typer.echo(f"{exc.title}: {exc.detail}", err=True)
        raise typer.Exit(2 if isinstance(exc, InvalidInput) else 1) from None
    seconds = time.perf_counter() - started
    if output is OutputFormat.JSON:
        payload = {
            "engine": result.engine.value,
            "seconds": round(seconds, 3),
            "flags": [
                {"code": f.code, "subject": f.subject, "id": f.subject_id, "value": f.value, "bound": f.bound}
                for f in result.flags
            ],
            "screens": [{"tender": s.tender_id, "n": s.n, **s.screens} for s in result.screens],
        }
        typer.echo(json.dumps(payload, ensure_ascii=False))
        return
    counts: dict[str, int] = {}
    for f in result.flags:
        counts[f.code] = counts.get(f.code, 0) + 1
    typer.echo(
        f"engine {result.engine.value}: {len(result.flags)} red flags, {len(result.screens)} tenders screened "
        f"in {seconds:.1f} s"
    )
    for code in sorted(counts):
        typer.echo(f"{code}\t{counts[code]}")
    typer.echo("code\tsubject\tid\tvalue\tbound")
    for f in result.flags[:50]:
        bound = "" if f.bound is None else f"{f.bound:.6g}"
        typer.echo(f"{f.code}\t{f.subject}\t{f.subject_id}\t{f.value:.6g}\t{bound}")
    if len(result.flags) > 50:
        typer.echo(f"… {len(result.flags) - 50} more (use --format json)")
    typer.echo("Flags are clues for human review, never proof (发改法规〔2026〕195号 (十一)).")


@app.command()
def generate(
    out: Annotated[Path, typer.Option("--out", help="folder to write the Parquet tables to")],
    bids: Annotated[int, typer.Option(min=1, help="about how many bids")] = 100_000,
    seed: Annotated[int, typer.Option(help="random seed")] = 2026,
) -> None:
    """Write synthetic bids with planted cartels (bids, tenders, truth) in the Parquet layout."""
    from fairbid.analytics.engine.synthetic import generate as write

    written = write(out, bids=bids, seed=seed)
    typer.echo(f"{written} bids written to {out}")
