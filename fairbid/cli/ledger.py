"""``fairbid ledger``: verify, publish a signed head, prove an entry, export for the standalone verifier."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from fairbid.cli.common import DatabaseOpt, DataDirOpt, console, settings_from

__all__ = ["app"]

app = typer.Typer(help="The tamper-evident ledger (全程留痕).", no_args_is_help=True)
_JOB = "ledger-cli"


def _held_heads(paths: list[Path]) -> list[Any]:
    from fairbid.ledger.head import SignedTreeHead

    heads = []
    for path in paths:
        value = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(value, dict) and "tree_head" in value:  # a receipt or a receipt proof
            value = value["tree_head"]
        if isinstance(value, dict) and isinstance(value.get("ledger"), dict):  # a whole receipt response
            value = value["ledger"].get("tree_head")
        if value is not None:
            heads.append(SignedTreeHead.from_json(value))
    return heads


@app.command("verify")
def ledger_verify(
    database: DatabaseOpt = None,
    data_dir: DataDirOpt = None,
    head: Annotated[list[Path] | None, typer.Option("--head", help="A head kept elsewhere (JSON or receipt)")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Check the chain, the Merkle log against every signed head, and every tracked row; name the first bad entry."""
    from fairbid.bootstrap import bootstrap
    from fairbid.domain.actor import Actor, Role
    from fairbid.ledger.head import KeyHeadVerifier
    from fairbid.services.ledger import verify_ledger

    platform = bootstrap(settings_from(database, data_dir), migrate=False)
    try:
        report = verify_ledger(
            uow=platform.uow(),
            actor=Actor(role=Role.MACHINE, job="ledger-verify"),
            verifier=KeyHeadVerifier(platform.platform_key.public),
            held_heads=_held_heads(head or []),
        )
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
                    "root": report.root,
                    "signed_heads": report.heads,
                    "first_bad_entry": None if problem is None else problem.seq,
                    "reason": None if problem is None else problem.reason,
                    "merkle": [{"seq": p.seq, "reason": p.reason} for p in report.merkle],
                }
            )
        )
    elif report.ok:
        console.print(
            f"[bold green]ledger verified[/]: {report.entries} entries, head {report.head_hash}; "
            f"Merkle root {report.root}; {report.heads} signed heads match and are consistent"
        )
    else:
        console.print(
            f"[bold red]ledger verification failed[/]: entry {problem.seq if problem else '?'}: "
            f"{problem.reason if problem else ''}"
        )
        others = sorted([*report.mismatches, *report.merkle], key=lambda p: p.seq)
        for other in [p for p in others if p is not problem][:20]:
            console.print(f"  also entry {other.seq}: {other.reason}")
    if not report.ok:
        raise typer.Exit(1)


@app.command("head")
def ledger_head(database: DatabaseOpt = None, data_dir: DataDirOpt = None) -> None:
    """Sign and publish a head of the ledger as it is now (on demand), and print the newest head."""
    from fairbid.bootstrap import bootstrap
    from fairbid.services.ledger import list_heads, publish_head

    platform = bootstrap(settings_from(database, data_dir), migrate=False)
    try:
        publish_head(uow=platform.uow(), clock=platform.clock, platform_key=platform.platform_key, force=True)
        heads = list_heads(uow=platform.uow())
    finally:
        platform.close()
    print(json.dumps(heads[-1][0].to_json() if heads else None))


@app.command("prove")
def ledger_prove(
    entry: Annotated[int | None, typer.Argument(help="The entry's seq")] = None,
    commitment: Annotated[
        str | None, typer.Option("--commitment", help="A bid receipt's entry_commitment (after the opening)")
    ] = None,
    database: DatabaseOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Print the inclusion proof of ENTRY (or of a receipt's commitment) against the newest signed head (JSON)."""
    from fairbid.bootstrap import bootstrap
    from fairbid.domain.errors import FairbidError
    from fairbid.services.ledger import prove_commitment, prove_entry

    if (entry is None) == (commitment is None):
        console.print("[red]Give either ENTRY or --commitment[/], not both.")
        raise typer.Exit(2)
    platform = bootstrap(settings_from(database, data_dir), migrate=False)
    try:
        if commitment is not None:
            proof = prove_commitment(commitment, uow=platform.uow())
        else:
            proof = prove_entry(entry or 0, uow=platform.uow())
    except FairbidError as e:
        console.print(f"[red]{e.title}[/]: {e.detail}")
        raise typer.Exit(1) from None
    finally:
        platform.close()
    print(json.dumps(proof, indent=2))


@app.command("export")
def ledger_export(
    out: Annotated[Path, typer.Option("--out", help="The export file (fairbid-ledger-export/1)")],
    database: DatabaseOpt = None,
    data_dir: DataDirOpt = None,
    prove: Annotated[list[int] | None, typer.Option("--prove", help="Add the inclusion proof of this entry")] = None,
) -> None:
    """Export every entry, every signed head and their proofs; publish a head first if the ledger grew."""
    from fairbid.bootstrap import bootstrap
    from fairbid.domain.actor import Actor, Role
    from fairbid.services.ledger import export_ledger, publish_head

    platform = bootstrap(settings_from(database, data_dir), migrate=False)
    try:
        publish_head(uow=platform.uow(), clock=platform.clock, platform_key=platform.platform_key, force=True)
        document = export_ledger(uow=platform.uow(), actor=Actor(role=Role.MACHINE, job=_JOB), inclusion=prove or [])
        public_key = platform.platform_key.public.to_text()
    finally:
        platform.close()
    out.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    console.print(
        f"[green]exported[/] {len(document['entries'])} entries and {len(document['heads'])} signed heads to {out}; "
        f"check it with: python -m fairbid.ledger.verifier {out} --public-key {public_key}"
    )
