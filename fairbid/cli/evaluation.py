"""``fairbid evaluation``: recompute a section's evaluation from what the ledger committed to (评标结果可复算).

Exit codes: 0 every recomputed value equals the stored and published one, 1 one differs or there is nothing to
recompute. ``--format json`` prints one JSON object on stdout.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from fairbid.cli.common import DatabaseOpt, DataDirOpt, FormatOpt, OutputFormat, console, refused, settings_from

__all__ = ["app"]

app = typer.Typer(help="The committee's evaluation, recomputed from its committed inputs.", no_args_is_help=True)


@app.command("recompute")
def recompute(
    section: Annotated[str, typer.Argument(help="The section's ID or code.")],
    database: DatabaseOpt = None,
    data_dir: DataDirOpt = None,
    fmt: FormatOpt = OutputFormat.TABLE,
) -> None:
    """Run the machine's evaluation of SECTION again from the pinned terms, K, the bids, the review and the
    sheets; compare the benchmark, every total and the ranking with the stored result and the ledger's."""
    from fairbid.bootstrap import bootstrap
    from fairbid.domain.actor import Actor, Role
    from fairbid.domain.errors import FairbidError
    from fairbid.services.oversight.recompute import recompute_evaluation

    platform = bootstrap(settings_from(database, data_dir), migrate=False)
    try:
        result = recompute_evaluation(section, uow=platform.uow(), actor=Actor(role=Role.MACHINE, job="recompute"))
    except FairbidError as e:
        raise refused(e, fmt) from e
    finally:
        platform.close()
    if fmt is OutputFormat.JSON:
        print(json.dumps(result.to_json(), ensure_ascii=False))
    else:
        table = Table(title=f"Evaluation of {result.section_code}, terms SM3 {result.terms_sm3[:16]}…")
        for column in ("value", "stored / published", "recomputed", ""):
            table.add_column(column)
        for c in result.checks:
            table.add_row(c.name, c.stored, c.recomputed, "[green]ok[/]" if c.ok else "[bold red]DIFFERS[/]")
        console.print(table)
        verdict = "[bold green]evaluation recomputed[/]" if result.ok else "[bold red]recomputation differs[/]"
        console.print(f"{verdict}: {sum(c.ok for c in result.checks)} of {len(result.checks)} values equal")
    if not result.ok:
        raise typer.Exit(1)
