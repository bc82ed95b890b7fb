"""Runs ``fairbid demo --seed S`` for many seeds, each into its own fresh database, and checks every run the way
an outsider would: ``fairbid beacon verify`` (seed commitment, beacon, K from the pinned set, every committee
draw incl. the replacement round), ``fairbid evaluation recompute`` (the result from the pinned terms) and
``fairbid ledger verify``. Prints a table and exits 1 if any seed fails.

    .venv/bin/python scripts/check_demo_seeds.py --seeds 20
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

FAIRBID = str(Path(sys.executable).with_name("fairbid"))


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([FAIRBID, *args], capture_output=True, text=True, check=False)


def _json(*args: str) -> dict[str, Any]:
    """A ``--format json`` command's object, or a failed one carrying what it printed instead."""
    done = _run(*args)
    try:
        body: dict[str, Any] = json.loads(done.stdout)
    except json.JSONDecodeError:
        return {"ok": False, "checks": [], "detail": (done.stdout + done.stderr)[-400:]}
    return body


def check(seed: int, folder: Path) -> dict[str, object]:
    """One demo run and its three verifications."""
    db = folder / "fairbid.db"
    where = ["--database", f"sqlite:///{db}", "--data-dir", str(folder / "data")]
    started = time.perf_counter()
    demo = _run("demo", "--seed", str(seed), *where)
    seconds = time.perf_counter() - started
    if demo.returncode != 0:
        return {"seed": seed, "demo": False, "detail": demo.stdout[-400:] + demo.stderr[-400:]}
    with sqlite3.connect(db) as conn:
        section_id = conn.execute("SELECT id FROM sections").fetchone()[0]
    beacon = _json("beacon", "verify", section_id, "--format", "json", *where)
    recompute = _json("evaluation", "recompute", section_id, "--format", "json", *where)
    ledger = _run("ledger", "verify", *where)
    draws = sum(1 for c in beacon["checks"] if c["name"].startswith("beacon of committee"))
    return {
        "seed": seed,
        "demo": True,
        "seconds": round(seconds, 1),
        "beacon": beacon["ok"],
        "draws": draws,
        "k": next((c["recomputed"] for c in beacon["checks"] if c["name"] == "K (revealed)"), "?"),
        "recompute": recompute["ok"],
        "ledger": ledger.returncode == 0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--first", type=int, default=1)
    args = parser.parse_args()
    console = Console()
    results = []
    with Progress(console=console) as progress:
        task = progress.add_task("demo runs", total=args.seeds)
        for seed in range(args.first, args.first + args.seeds):
            with tempfile.TemporaryDirectory() as tmp:
                results.append(check(seed, Path(tmp)))
            progress.advance(task)
    table = Table(title="fairbid demo, verified from outside")
    for column in ("seed", "demo s", "K", "committee draws", "beacon verify", "recompute", "ledger verify"):
        table.add_column(column)
    failed = 0
    for r in results:
        good = bool(r["demo"] and r.get("beacon") and r.get("recompute") and r.get("ledger"))
        failed += not good
        mark = {True: "[green]ok[/]", False: "[red]FAILED[/]"}
        table.add_row(
            str(r["seed"]),
            str(r.get("seconds", "—")),
            str(r.get("k", "—")),
            str(r.get("draws", "—")),
            mark[bool(r.get("beacon"))],
            mark[bool(r.get("recompute"))],
            mark[bool(r.get("ledger"))],
        )
    console.print(table)
    console.print(f"{len(results) - failed} of {len(results)} seeds verified")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
