"""``fairbid beacon``: recompute a section's beacon and draws from public data (随机抽取，可复算).

Exit codes: 0 every check holds, 1 a check fails or there is nothing to check (the section has not been
opened). ``--format json`` prints one JSON object on stdout.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from fairbid.cli.common import DatabaseOpt, DataDirOpt, FormatOpt, OutputFormat, console, refused, settings_from

__all__ = ["app"]

app = typer.Typer(help="The random beacon revealed at the opening and the draws made from it.", no_args_is_help=True)


def _short(value: str) -> str:
    return value if len(value) <= 24 else f"{value[:10]}…{value[-10:]}"


@app.command("verify")
def beacon_verify(
    section: Annotated[str, typer.Argument(help="The section's ID or code.")],
    database: DatabaseOpt = None,
    data_dir: DataDirOpt = None,
    fmt: FormatOpt = OutputFormat.TABLE,
) -> None:
    """Recompute seed commitment, beacon and K of SECTION from its ledger entries and opening record."""
    from fairbid.bootstrap import bootstrap
    from fairbid.domain.actor import Actor, Role
    from fairbid.domain.errors import FairbidError
    from fairbid.services.oversight.beacon import verify_beacon

    platform = bootstrap(settings_from(database, data_dir), migrate=False)
    try:
        result = verify_beacon(section, uow=platform.uow(), actor=Actor(role=Role.MACHINE, job="beacon-verify"))
    except FairbidError as e:
        raise refused(e, fmt) from e
    finally:
        platform.close()
    if fmt is OutputFormat.JSON:
        print(json.dumps(result.to_json(), ensure_ascii=False))
    else:
        table = Table(title=f"Beacon of section {result.section_code} ({result.section_id})")
        for column in ("check", "published", "recomputed", "source", ""):
            table.add_column(column)
        for c in result.checks:
            mark = "[green]ok[/]" if c.ok else "[bold red]MISMATCH[/]"
            table.add_row(c.name, _short(c.published), _short(c.recomputed), c.source, mark)
        console.print(table)
        verdict = "[bold green]beacon verified[/]" if result.ok else "[bold red]beacon verification failed[/]"
        console.print(f"{verdict}: {sum(c.ok for c in result.checks)} of {len(result.checks)} checks hold")
    if not result.ok:
        raise typer.Exit(1)
