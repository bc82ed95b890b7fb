"""The bidder's tool as a library: key file, machine fingerprint, sealing from files, the HTTP client."""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fake_platform import FakePlatform

from fairbid.bidder import (
    PlatformClient,
    PlatformRefused,
    content_key_for,
    create_key_file,
    load_private_key,
    load_public_key,
    machine_fingerprint,
    machine_identifiers,
    seal_bid,
)
from fairbid.crypto import PrivateKey, Suite
from fairbid.domain.errors import InvalidInput, InvalidKey, InvalidSignature

FORM = {
    "price": "9876543.21",
    "duration_days": 365,
    "quality": "合格",
    "project_manager_id": "PM-42",
    "bid_security_ref": "EG-2026-77",
}
NOW = datetime(2026, 11, 27, 5, 0, tzinfo=UTC)


@pytest.fixture
def key(tmp_path: Path) -> PrivateKey:
    path = tmp_path / "key.json"
    create_key_file(path, "secret passphrase")
    return load_private_key(path, "secret passphrase")


def _bid_files(tmp_path: Path, form: dict[str, object] | None = None) -> tuple[Path, list[Path]]:
    form_path = tmp_path / "form.json"
    form_path.write_text(json.dumps(form or FORM, ensure_ascii=False), encoding="utf-8")
    attachment = tmp_path / "技术方案.pdf"
    attachment.write_bytes(b"%PDF-1.7 " + bytes(range(256)) * 64)
    return form_path, [attachment]


def _seal(tmp_path: Path, key: PrivateKey, *, section: str = "S-1", bidder: str = "alice") -> Path:
    form_path, attachments = _bid_files(tmp_path)
    out = tmp_path / f"{section}-{bidder}.fbe"
    seal_bid(form_path, attachments, out_path=out, section_id=section, bidder_id=bidder, private_key=key, now=NOW)
    return out


def test_key_file_is_private_and_refuses_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "key.json"
    public = create_key_file(path, "secret passphrase", suite=Suite.INTL)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_public_key(path) == public
    with pytest.raises(FileExistsError):
        create_key_file(path, "secret passphrase")
    with pytest.raises(InvalidKey):
        load_private_key(path, "not the passphrase")


def test_machine_fingerprint_is_same_for_every_bidder_on_one_machine(tmp_path: Path) -> None:
    machine_id = tmp_path / "machine-id"
    machine_id.write_text("0123456789abcdef\n")
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor : 0\nmodel name : Test CPU @ 2.0GHz\n")
    ids = machine_identifiers(machine_id_files=(machine_id,), cpuinfo=cpuinfo)
    assert ids["machine_id"] == "0123456789abcdef" and ids["cpu"] == "Test CPU @ 2.0GHz"
    assert machine_fingerprint(identifiers=ids) == machine_fingerprint(identifiers=dict(ids))
    assert machine_fingerprint(identifiers=ids) != machine_fingerprint(identifiers={**ids, "machine_id": "other"})
    assert machine_fingerprint(b"another salt", identifiers=ids) != machine_fingerprint(identifiers=ids)
    assert machine_fingerprint() == machine_fingerprint()


def test_seal_bid_writes_envelope_the_owner_can_open(tmp_path: Path, key: PrivateKey) -> None:
    platform = FakePlatform({"alice": key.public})
    envelope = _seal(tmp_path, key)
    assert not list(tmp_path.glob("*.partial"))
    with PlatformClient("http://platform", transport=platform.transport()) as client:
        client.login("alice", "pw")
        result = client.submit("S-1", envelope)
        assert result.receipt.fields.section_id == "S-1"
        assert client.status("S-1")["envelope_digest"] == result.envelope_sm3
        opened = client.decrypt("S-1", content_key_for(envelope, key))
    assert opened == {"form": {**FORM, "extra": {}}, "attachments": 1}


def test_seal_bid_refuses_invalid_form_and_leaves_no_file(tmp_path: Path, key: PrivateKey) -> None:
    form_path, attachments = _bid_files(tmp_path, {**FORM, "price": 9876543.21})
    out = tmp_path / "bid.fbe"
    with pytest.raises(InvalidInput, match="price"):
        seal_bid(form_path, attachments, out_path=out, section_id="S-1", bidder_id="a", private_key=key, now=NOW)
    assert not out.exists() and not list(tmp_path.glob("*.partial"))


def test_seal_bid_refuses_bad_section_id(tmp_path: Path, key: PrivateKey) -> None:
    form_path, attachments = _bid_files(tmp_path)
    with pytest.raises(InvalidInput, match="section"):
        seal_bid(
            form_path,
            attachments,
            out_path=tmp_path / "x.fbe",
            section_id="S 1/..",
            bidder_id="a",
            private_key=key,
            now=NOW,
        )
    assert not list(tmp_path.glob("*.partial"))


def test_submit_refuses_envelope_for_another_section(tmp_path: Path, key: PrivateKey) -> None:
    platform = FakePlatform({"alice": key.public})
    envelope = _seal(tmp_path, key, section="S-1")
    with PlatformClient("http://platform", transport=platform.transport()) as client:
        client.login("alice", "pw")
        with pytest.raises(PlatformRefused) as refused:
            client.submit("S-2", envelope)
    assert refused.value.status == 422 and refused.value.problem["code"] == "invalid-envelope"


def test_submit_refuses_receipt_that_does_not_verify(tmp_path: Path, key: PrivateKey) -> None:
    platform = FakePlatform({"alice": key.public}, tamper_receipts=True)
    envelope = _seal(tmp_path, key)
    with PlatformClient("http://platform", transport=platform.transport()) as client:
        client.login("alice", "pw")
        with pytest.raises(InvalidSignature):
            client.submit("S-1", envelope)


def test_login_refuses_wrong_password() -> None:
    with (
        PlatformClient("http://platform", transport=FakePlatform({}).transport()) as client,
        pytest.raises(PlatformRefused) as refused,
    ):
        client.login("alice", "wrong")
    assert refused.value.status == 401 and refused.value.detail == "Wrong password."


def test_withdraw_removes_the_bid(tmp_path: Path, key: PrivateKey) -> None:
    platform = FakePlatform({"alice": key.public})
    envelope = _seal(tmp_path, key)
    with PlatformClient("http://platform", transport=platform.transport()) as client:
        client.login("alice", "pw")
        client.submit("S-1", envelope)
        client.withdraw("S-1")
        with pytest.raises(PlatformRefused):
            client.status("S-1")
