"""`fairbid ledger` after `fairbid demo`: export, the standalone verifier, prove, and deletion caught."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from fairbid.cli import app
from fairbid.store.database import make_engine

runner = CliRunner()


@pytest.fixture
def demo_data(tmp_path: Path, database_url: str) -> Iterator[str]:
    os.environ["FAIRBID_DATABASE_URL"] = database_url
    data = str(tmp_path / "data")
    result = runner.invoke(app, ["demo", "--data-dir", data, "--bidders", "3", "--seed", "3"])
    assert result.exit_code == 0, result.output
    yield data
    del os.environ["FAIRBID_DATABASE_URL"]


def _public_key(data: str) -> str:
    from fairbid.cli.common import settings_from
    from fairbid.crypto.keystore import unlock_private_key

    settings = settings_from(None, Path(data))
    key = unlock_private_key(
        settings.platform_key_path.read_bytes(), settings.platform_key_passphrase.get_secret_value()
    )
    return key.public.to_text()


def test_the_standalone_verifier_checks_an_export_of_the_demo(demo_data: str, tmp_path: Path) -> None:
    out = tmp_path / "export.json"
    result = runner.invoke(app, ["ledger", "export", "--out", str(out), "--data-dir", demo_data, "--prove", "3"])
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["format"] == "fairbid-ledger-export/1" and document["heads"] and document["inclusion"]
    assert document["heads"][-1]["tree_size"] == len(document["entries"])
    # a separate process, as a court's expert would run it
    check = subprocess.run(
        [sys.executable, "-m", "fairbid.ledger.verifier", str(out), "--public-key", _public_key(demo_data)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.startswith("OK:")
    verify = runner.invoke(app, ["ledger", "verify", "--data-dir", demo_data, "--json"])
    assert verify.exit_code == 0 and json.loads(verify.output)["signed_heads"] >= 2  # the demo's and the export's


def test_prove_prints_a_receipt_proof_and_deleting_entries_fails_verify(demo_data: str, tmp_path: Path) -> None:
    assert runner.invoke(app, ["ledger", "head", "--data-dir", demo_data]).exit_code == 0
    proved = runner.invoke(app, ["ledger", "prove", "5", "--data-dir", demo_data])
    assert proved.exit_code == 0, proved.output
    proof = json.loads(proved.output)
    assert proof["seq"] == 5 and proof["inclusion"] and proof["tree_head"]["tree_size"] > 5
    held = tmp_path / "receipt-proof.json"
    held.write_text(proved.output, encoding="utf-8")
    size = proof["tree_head"]["tree_size"]
    engine = make_engine(os.environ["FAIRBID_DATABASE_URL"])
    with engine.begin() as conn:  # the platform deletes its last entries and every head it signed
        conn.execute(text("DELETE FROM ledger_entries WHERE seq >= :n"), {"n": size - 2})
        conn.execute(text("DELETE FROM ledger_heads"))
    engine.dispose()
    verify = runner.invoke(app, ["ledger", "verify", "--data-dir", demo_data, "--head", str(held)])
    assert verify.exit_code == 1
    assert f"entries {size - 2}..{size - 1} are missing" in " ".join(verify.output.split())
