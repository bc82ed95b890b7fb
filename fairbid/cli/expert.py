"""``fairbid expert``: import the expert pool from CSV, draw a section's committee, show it.

These run as the trading centre's system (the machine), on the platform's database.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from fairbid.cli.common import DatabaseOpt, DataDirOpt, console, settings_from
from fairbid.domain.errors import FairbidError, InvalidInput

__all__ = ["app"]

app = typer.Typer(help="The expert pool and committee draws (专家抽取).", no_args_is_help=True)
_JOB = "expert-cli"


def _refuse(e: FairbidError) -> typer.Exit:
    console.print(f"[red]{e.title}[/]: {e.detail}")
    return typer.Exit(2 if isinstance(e, InvalidInput) else 1)


def _counts(values: list[str], name: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for value in values:
        key, eq, count = value.partition("=")
        if not eq or not count.strip().isdigit():
            raise typer.BadParameter(f"{value!r} should be KEY=COUNT", param_hint=name)
        out[key.strip()] = int(count)
    return out


@app.command("import")
def import_csv(
    csv: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="UTF-8 CSV (docs/evaluation.md)")],
    database: DatabaseOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Add or update experts from CSV; a wrong row refuses the whole file, naming line and column."""
    from fairbid.bootstrap import bootstrap
    from fairbid.domain.actor import Actor, Role
    from fairbid.services.evaluation.pool import import_experts

    platform = bootstrap(settings_from(database, data_dir), migrate=False)
    try:
        text = csv.read_text(encoding="utf-8")
        r = import_experts(text, uow=platform.uow(), clock=platform.clock, actor=Actor(role=Role.MACHINE, job=_JOB))
    except FairbidError as e:
        raise _refuse(e) from None
    finally:
        platform.close()
    console.print(f"[green]✓[/] {r.added} added, {r.updated} updated, {r.linked} linked to accounts")


@app.command("draw")
def draw(
    section: Annotated[str, typer.Argument(help="Section ID (in evaluation)")],
    venue: Annotated[list[str], typer.Option("--venue", help="VENUE_ID=COUNT, repeatable")],
    database: DatabaseOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Draw the section's committee from the beacon; print the seats (the names stay in the system).

    The size, the specialties and the tenderee's seats are the published tender document's pinned terms
    (条例 第四十九条); only the split over the centre's venues is given here."""
    from fairbid.bootstrap import bootstrap
    from fairbid.domain.actor import Actor, Role
    from fairbid.domain.evaluation.committee import draw_label
    from fairbid.services.evaluation.committee import DrawRequest, draw_committee_for_section

    cmd = DrawRequest(section, _counts(venue, "--venue"))
    platform = bootstrap(settings_from(database, data_dir), migrate=False)
    try:
        result = draw_committee_for_section(
            cmd, uow=platform.uow(), clock=platform.clock, actor=Actor(role=Role.MACHINE, job=_JOB)
        )
    except FairbidError as e:
        raise _refuse(e) from None
    finally:
        platform.close()
    table = Table(title=f"Committee drawn with stream {draw_label(section, 0)}")
    for col in ("seat", "venue", "specialty", "status"):
        table.add_column(col)
    for n, seat in enumerate(result.seats):
        table.add_row(str(n), seat.venue_id, seat.specialty, seat.status.value)
    console.print(table)
    for venue_id, spec, eligible in result.eligible_counts:
        console.print(f"  {venue_id}/{spec}: {eligible} eligible")
