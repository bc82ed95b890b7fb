"""`fairbid beacon verify`: the beacon and K recomputed from public data; a tampered payload fails."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from fairbid.bootstrap import Platform
from fairbid.cli import app
from fairbid.clock import SimulatedClock
from fairbid.domain.actor import ANONYMOUS_PUBLIC
from fairbid.domain.errors import NotFound
from fairbid.services.oversight.beacon import verify_beacon
from fairbid.settings import Settings
from fairbid.store.rows import LedgerEntryRow, OpeningRecordRow
from tests.factories import World, check_and_publish, make_world

runner = CliRunner()


@pytest.fixture
def world(platform: Platform, clock: SimulatedClock) -> World:
    return make_world(platform, clock, bidders=4)


def _opened(w: World) -> str:
    s = check_and_publish(w, w.section())
    assert w.jump(s.id) == "bidding"
    w.clock.advance(timedelta(days=6))
    for i, b in enumerate(w.bidders):
        w.submit(s.id, b, w.seal(s.id, b, f"{9_000_000 + i * 10_000}.00"))
    assert w.jump(s.id) == "opening"
    return s.id


def _cli(settings: Settings, *args: str) -> Any:
    return runner.invoke(
        app,
        ["beacon", "verify", *args, "--database", settings.database_url, "--data-dir", str(settings.data_dir)],
        env={"FAIRBID_PLATFORM_KEY_PASSPHRASE": "test-passphrase"},
    )


def _edit_revealed(p: Platform, section_id: str, change: Any) -> None:
    with p.uow() as uow:
        row = uow.session.scalars(
            select(LedgerEntryRow).where(
                LedgerEntryRow.subject_id == section_id, LedgerEntryRow.action == "beacon:revealed"
            )
        ).one()
        payload = dict(row.payload)
        change(payload)
        row.payload = payload
        uow.session.commit()


def test_beacon_and_k_recompute_from_public_data_after_the_opening(world: World) -> None:
    sid = _opened(world)
    result = verify_beacon(sid, uow=world.p.uow(), actor=ANONYMOUS_PUBLIC)
    assert result.ok, [c for c in result.checks if not c.ok]
    names = {c.name for c in result.checks}
    assert {"seed commitment SM3(seed)", "envelope digests = bids sealed at the deadline", "beacon (revealed)"} <= names
    assert "K (revealed)" in names and "K (opening record)" not in names  # the record comes at the window's close
    for b in world.bidders[:3]:
        world.decrypt(sid, b)
    assert world.jump(sid) == "evaluation"
    result = verify_beacon(sid, uow=world.p.uow(), actor=ANONYMOUS_PUBLIC)
    assert result.ok and {"beacon (opening record)", "K (opening record)"} <= {c.name for c in result.checks}


def test_cli_prints_a_table_or_json_and_exits_0(world: World, settings: Settings) -> None:
    sid = _opened(world)
    with world.p.uow() as uow:
        code = uow.sections.get(sid).code
    r = _cli(settings, code)
    assert r.exit_code == 0, r.output
    assert "beacon verified" in r.output and "MISMATCH" not in r.output
    r = _cli(settings, sid, "--format", "json")
    assert r.exit_code == 0, r.output
    body = json.loads(r.output)
    assert body["ok"] is True and body["section_id"] == sid and all(c["ok"] for c in body["checks"])


@pytest.mark.parametrize("damage", ["seed", "dropped_digest", "k", "k_set"])
def test_a_tampered_beacon_payload_fails_verification(world: World, settings: Settings, damage: str) -> None:
    sid = _opened(world)

    def change(payload: dict[str, Any]) -> None:
        if damage == "seed":
            payload["seed"] = "00" * 32
        elif damage == "dropped_digest":
            payload["envelope_digests"] = payload["envelope_digests"][1:]
        elif damage == "k":
            payload["k"] = "0.90"  # not even in the published set
        else:
            payload["k_values"] = ["0.95"]  # a set other than the pinned terms' (K then drawn from it)

    _edit_revealed(world.p, sid, change)
    result = verify_beacon(sid, uow=world.p.uow(), actor=ANONYMOUS_PUBLIC)
    failed = {c.name for c in result.checks if not c.ok}
    assert not result.ok
    assert any(name.startswith("ledger entry") for name in failed)  # the entry no longer matches its digest
    expected = {
        "seed": {"seed commitment SM3(seed)", "beacon (revealed)"},
        "dropped_digest": {"envelope digests = bids sealed at the deadline", "beacon (revealed)"},
        "k": {"K (revealed)"},
        "k_set": {"K set = the pinned terms' set"},
    }[damage]
    assert expected <= failed, failed
    r = _cli(settings, sid, "--format", "json")
    assert r.exit_code == 1 and json.loads(r.output)["ok"] is False


def test_an_edited_k_in_the_opening_record_fails_verification(world: World) -> None:
    sid = _opened(world)
    for b in world.bidders:
        world.decrypt(sid, b)
    world.jump(sid)
    with world.p.uow() as uow:
        row = uow.session.get(OpeningRecordRow, sid)
        assert row is not None
        row.content = {**row.content, "k": "0.99" if row.content["k"] != "0.99" else "0.98"}
        uow.session.commit()
    result = verify_beacon(sid, uow=world.p.uow(), actor=ANONYMOUS_PUBLIC)
    assert {c.name for c in result.checks if not c.ok} == {"K (opening record)"}


def test_before_the_opening_there_is_nothing_to_verify_and_the_answer_reveals_nothing(
    world: World, settings: Settings
) -> None:
    s = check_and_publish(world, world.section())
    world.jump(s.id)
    world.submit(s.id, world.bidders[0], world.seal(s.id, world.bidders[0], "9000000.00"))
    with pytest.raises(NotFound, match="has not been opened"):
        verify_beacon(s.id, uow=world.p.uow(), actor=ANONYMOUS_PUBLIC)
    with pytest.raises(NotFound, match="has not been opened"):
        verify_beacon("no-such-section", uow=world.p.uow(), actor=ANONYMOUS_PUBLIC)
    r = _cli(settings, s.id)
    assert r.exit_code == 1 and "has not been opened" in " ".join(r.output.split())
