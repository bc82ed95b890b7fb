"""``fairbid bidder`` commands end to end against the fake platform; exit codes 0, 1 and 2."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fake_platform import FakePlatform
from typer.testing import CliRunner

import fairbid.cli.bidder as cli
from fairbid.bidder import PlatformClient, load_private_key, load_public_key

runner = CliRunner()
PASS = "secret passphrase"
FORM = {
    "price": "100.00",
    "duration_days": 30,
    "quality": "合格",
    "project_manager_id": "P",
    "bid_security_ref": "G",
}


def _run(*args: str, input: str | None = None) -> Any:
    return runner.invoke(cli.app, list(args), input=input)


@pytest.fixture
def sealed(tmp_path: Path) -> tuple[Path, Path]:
    key = tmp_path / "key.json"
    result = _run("keygen", "--out", str(key), "--format", "json", input=f"{PASS}\n{PASS}\n")
    assert result.exit_code == 0, result.output
    form = tmp_path / "form.json"
    form.write_text(json.dumps(FORM), encoding="utf-8")
    attachment = tmp_path / "a.txt"
    attachment.write_text("attachment")
    envelope = tmp_path / "bid.fbe"
    result = _run(
        "seal", str(form), str(attachment), "--section", "S-1", "--bidder", "alice",
        "--key", str(key), "--out", str(envelope), "--format", "json", input=f"{PASS}\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return key, envelope


@pytest.fixture
def platform(sealed: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> FakePlatform:
    fake = FakePlatform({"alice": load_public_key(sealed[0])})
    monkeypatch.setattr(cli, "PlatformClient", lambda url: PlatformClient(url, transport=fake.transport()))
    return fake


def _auth() -> list[str]:
    return ["--server", "http://platform", "--username", "alice", "--password", "pw"]


def test_submit_then_verify_receipt_then_decrypt(sealed: tuple[Path, Path], platform: FakePlatform) -> None:
    key, envelope = sealed
    result = _run("submit", str(envelope), "--section", "S-1", *_auth(), "--format", "json")
    assert result.exit_code == 0, result.output
    receipt_file = Path(json.loads(result.output)["receipt_file"])
    platform_key = platform.platform_key.public.to_text()
    result = _run("verify-receipt", str(receipt_file), "--platform-key", platform_key, "--envelope", str(envelope))
    assert result.exit_code == 0, result.output
    result = _run("status", "--section", "S-1", *_auth(), "--format", "json")
    assert json.loads(result.output)["status"] == "submitted"
    result = _run("decrypt", str(envelope), "--section", "S-1", "--key", str(key), *_auth(), input=f"{PASS}\n")
    assert result.exit_code == 0, result.output
    assert "100.00" in result.output


def test_verify_receipt_exits_1_on_edited_receipt(sealed: tuple[Path, Path], platform: FakePlatform) -> None:
    _, envelope = sealed
    assert _run("submit", str(envelope), "--section", "S-1", *_auth()).exit_code == 0
    receipt_file = envelope.with_name(envelope.name + ".receipt.json")
    value = json.loads(receipt_file.read_text())
    value["receipt"]["server_time"] = "2026-11-27T06:00:00.001Z"
    receipt_file.write_text(json.dumps(value))
    result = _run("verify-receipt", str(receipt_file), "--platform-key", platform.platform_key.public.to_text())
    assert result.exit_code == 1


def test_submit_exits_1_when_platform_refuses(sealed: tuple[Path, Path], platform: FakePlatform) -> None:
    _, envelope = sealed
    result = _run("submit", str(envelope), "--section", "S-2", *_auth(), "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.output)["error"] == "The platform refused the request"


def test_seal_exits_2_on_invalid_form(sealed: tuple[Path, Path], tmp_path: Path) -> None:
    key, _ = sealed
    form = tmp_path / "bad.json"
    form.write_text(json.dumps({**FORM, "price": "cheap"}))
    result = _run(
        "seal", str(form), "--section", "S-1", "--bidder", "alice", "--key", str(key),
        "--out", str(tmp_path / "x.fbe"), input=f"{PASS}\n",
    )  # fmt: skip
    assert result.exit_code == 2


def test_seal_exits_1_on_wrong_passphrase(sealed: tuple[Path, Path], tmp_path: Path) -> None:
    key, _ = sealed
    form = tmp_path / "form.json"
    result = _run(
        "seal", str(form), "--section", "S-1", "--bidder", "alice", "--key", str(key),
        "--out", str(tmp_path / "y.fbe"), input="wrong passphrase\n",
    )  # fmt: skip
    assert result.exit_code == 1


def test_keygen_takes_passphrase_from_environment(tmp_path: Path) -> None:
    key = tmp_path / "env.key"
    result = runner.invoke(cli.app, ["keygen", "--out", str(key)], env={"FAIRBID_PASSPHRASE": PASS})
    assert result.exit_code == 0, result.output
    assert load_private_key(key, PASS).public == load_public_key(key)


def test_register_key_binds_the_key_file(sealed: tuple[Path, Path], platform: FakePlatform) -> None:
    key, _ = sealed
    platform.bidder_keys.clear()
    result = _run("register-key", "--key", str(key), *_auth(), "--format", "json")
    assert result.exit_code == 0, result.output
    assert platform.bidder_keys["alice"] == load_public_key(key)
    assert json.loads(result.output)["key_id"] == load_public_key(key).key_id


def test_withdraw_then_status_exits_1(sealed: tuple[Path, Path], platform: FakePlatform) -> None:
    _, envelope = sealed
    assert _run("submit", str(envelope), "--section", "S-1", *_auth()).exit_code == 0
    assert _run("withdraw", "--section", "S-1", *_auth()).exit_code == 0
    assert _run("status", "--section", "S-1", *_auth()).exit_code == 1
