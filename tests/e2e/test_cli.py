"""The README's main job: `fairbid demo`, then `fairbid ledger verify` on the demo's data."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fairbid.cli import app

runner = CliRunner()


@pytest.fixture
def workdir(tmp_path: Path, database_url: str) -> Iterator[Path]:
    # Reuse the test's database (SQLite copy or PostgreSQL) so the demo runs on both backends.
    os.environ["FAIRBID_DATABASE_URL"] = database_url
    yield tmp_path
    del os.environ["FAIRBID_DATABASE_URL"]


def test_demo_runs_end_to_end_and_the_ledger_verifies(workdir: Path) -> None:
    data = str(workdir / "data")
    result = runner.invoke(app, ["demo", "--data-dir", data, "--seed", "7"])
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert "ledger verified" in out and "节资率" in out and "contract recorded" in out
    verify = runner.invoke(app, ["ledger", "verify", "--data-dir", data, "--json"])
    assert verify.exit_code == 0, verify.output
    assert '"ok": true' in verify.output


def test_ledger_verify_fails_and_names_the_entry_after_tampering(workdir: Path) -> None:
    from sqlalchemy import text

    data = str(workdir / "data")
    assert runner.invoke(app, ["demo", "--data-dir", data, "--bidders", "3", "--seed", "1"]).exit_code == 0
    from fairbid.store.database import make_engine

    engine = make_engine(os.environ["FAIRBID_DATABASE_URL"])
    with engine.begin() as conn:
        conn.execute(text("UPDATE bids SET price = '1.00' WHERE price IS NOT NULL"))
    engine.dispose()
    verify = runner.invoke(app, ["ledger", "verify", "--data-dir", data])
    assert verify.exit_code == 1
    assert "entry" in verify.output and "was changed after this entry recorded it" in " ".join(verify.output.split())


def test_tools_are_mounted() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for name in ("demo", "serve", "db", "ledger", "bidder", "tender"):
        assert name in result.output
