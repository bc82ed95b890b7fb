"""The bidder's own tool (`fairbid bidder …`) against a real server: keygen, seal, submit, status, decrypt."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from typer.testing import CliRunner

from fairbid.bootstrap import Platform
from fairbid.cli import bidder
from fairbid.clock import SimulatedClock
from fairbid.crypto.keystore import unlock_private_key
from fairbid.services.bidding.bid import RegisterKey, register_bidder_key
from tests.factories import PASSWORD, check_and_publish, make_world

runner = CliRunner()


def test_bidder_tool_round_trip_against_the_server(
    served: str, platform: Platform, clock: SimulatedClock, tmp_path: Path
) -> None:
    w = make_world(platform, clock, bidders=3)
    s = check_and_publish(w, w.section())
    w.jump(s.id)
    me = w.party(w.bidders[0].actor.role, "自带工具的投标人有限公司")
    env = {"FAIRBID_PASSWORD": PASSWORD}
    phrase = "bidder passphrase\n"
    key_file = tmp_path / "me.key"
    r = runner.invoke(bidder.app, ["keygen", "--out", str(key_file)], env=env, input=phrase * 2)
    assert r.exit_code == 0, r.output
    key = unlock_private_key(key_file.read_bytes(), "bidder passphrase")
    register_bidder_key(RegisterKey(key.public.to_text()), uow=platform.uow(), clock=clock, actor=me.actor)

    form = tmp_path / "bid.json"
    form.write_text(
        json.dumps(
            {
                "price": "9123456.78",
                "duration_days": 330,
                "quality": "合格",
                "project_manager_id": "PM-1",
                "bid_security_ref": "EG-1",
            }
        ),
        "utf-8",
    )
    attachment = tmp_path / "proposal.txt"
    attachment.write_text("施工组织设计" * 100, "utf-8")
    envelope = tmp_path / "bid.fbe"
    r = runner.invoke(
        bidder.app,
        [
            "seal",
            str(form),
            str(attachment),
            "--key",
            str(key_file),
            "--section",
            s.id,
            "--bidder",
            me.organisation_id or "",
            "--out",
            str(envelope),
        ],
        env=env,
        input=phrase,
    )
    assert r.exit_code == 0, r.output
    common = ["--server", served, "--username", me.username, "--section", s.id]
    r = runner.invoke(bidder.app, ["submit", str(envelope), *common, "--format", "json"], env=env)
    assert r.exit_code == 0, r.output
    r = runner.invoke(bidder.app, ["status", *common, "--format", "json"], env=env)
    assert r.exit_code == 0 and '"sealed"' in r.output, r.output

    for b in w.bidders:
        w.submit(s.id, b, w.seal(s.id, b, "9500000.00"))
    w.clock.set(s.schedule.bid_deadline)
    w.jump(s.id)
    w.clock.advance(timedelta(minutes=3))
    r = runner.invoke(
        bidder.app,
        ["decrypt", str(envelope), "--key", str(key_file), *common, "--format", "json"],
        env=env,
        input=phrase,
    )
    assert r.exit_code == 0, r.output
    assert "9123456.78" in r.output
