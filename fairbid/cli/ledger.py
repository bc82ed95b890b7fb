"""``fairbid ledger``: verify the chain and every tracked row (more verbs come with the Merkle log)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from fairbid.cli.common import DatabaseOpt, DataDirOpt, console, settings_from

__all__ = ["app"]

app = typer.Typer(help="The tamper-evident ledger (全程留痕).", no_args_is_help=True)


@app.command("verify")
def ledger_verify(
    database: DatabaseOpt = None,
    data_dir: DataDirOpt = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Check every link of the chain and every tracked row; name the first entry that no longer matches."""
    from fairbid.bootstrap import bootstrap
    from fairbid.domain.actor import Actor, Role
    from fairbid.services.ledger import verify_ledger

    platform = bootstrap(settings_from(database, data_dir), migrate=False)
    try:
        report = verify_ledger(uow=platform.uow(), actor=Actor(role=Role.MACHINE, job="ledger-verify"))
    finally:
        platform.close()
    problem = report.first_problem
    if as_json:
        print(
            json.dumps(
                {
                    "ok": report.ok,
                    "entries": report.entries,
                    "head": report.head_hash,
                    "first_bad_entry": None if problem is None else problem.seq,
                    "reason": None if problem is None else problem.reason,
                }
            )
        )
    elif report.ok:
        console.print(f"[bold green]ledger verified[/]: {report.entries} entries, head {report.head_hash}")
    else:
        console.print(
            f"[bold red]ledger verification failed[/]: entry {problem.seq if problem else '?'}: "
            f"{problem.reason if problem else ''}"
        )
    if not report.ok:
        raise typer.Exit(1)
