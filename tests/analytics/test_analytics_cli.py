"""``fairbid analytics generate`` and ``run``: synthetic data in, red flags and screens out, bad input exits 2."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from fairbid.cli import app


def test_generate_then_run_prints_flags_and_screens_as_json(tmp_path: Path) -> None:
    runner = CliRunner()
    made = runner.invoke(app, ["analytics", "generate", "--out", str(tmp_path), "--bids", "3000", "--seed", "9"])
    assert made.exit_code == 0, made.output
    assert (tmp_path / "bids.parquet").is_file() and (tmp_path / "tenders.parquet").is_file()
    result = runner.invoke(app, ["analytics", "run", "--data", str(tmp_path), "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["engine"] == "duckdb"
    assert payload["screens"] and {"tender", "n", "CV", "KSTEST"} <= set(payload["screens"][0])
    assert {f["code"] for f in payload["flags"]} >= {"R003", "R018"}
    table = runner.invoke(app, ["analytics", "run", "--data", str(tmp_path)])
    assert table.exit_code == 0 and "engine duckdb:" in table.output and "never proof" in table.output


def test_run_without_data_exits_2_with_a_readable_message(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["analytics", "run", "--data", str(tmp_path / "nothing")])
    assert result.exit_code == 2
    assert "no bids table" in result.output
