"""``fairbid expert import`` and ``fairbid expert draw`` against the test's database."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fairbid.bootstrap import Platform
from fairbid.cli import app
from fairbid.clock import SimulatedClock
from fairbid.settings import Settings
from tests.factories import MAIN_REGION, PARTNER_REGION, World, check_and_publish, credit_code, make_world

runner = CliRunner()


@pytest.fixture
def env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    monkeypatch.setenv("FAIRBID_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("FAIRBID_PLATFORM_KEY_PASSPHRASE", "test-passphrase")
    yield ["--data-dir", str(settings.data_dir)]


def test_import_then_draw_from_the_command_line(
    env: list[str], platform: Platform, clock: SimulatedClock, tmp_path: Path
) -> None:
    w: World = make_world(platform, clock, bidders=3)
    s = check_and_publish(w, w.section())
    w.jump(s.id)
    w.clock.advance(timedelta(days=6))
    for i, b in enumerate(w.bidders):
        w.submit(s.id, b, w.seal(s.id, b, f"{9000000 + i * 10000}.00"))
    w.jump(s.id)
    for b in w.bidders:
        w.decrypt(s.id, b)
    w.jump(s.id)
    from fairbid.domain.expert import VenueRole
    from fairbid.services.evaluation.pool import SaveVenue, save_venue

    for venue, role, region in (
        ("main", VenueRole.MAIN, MAIN_REGION),
        ("partner", VenueRole.SECONDARY, PARTNER_REGION),
    ):
        save_venue(SaveVenue(venue, venue, role, (region,)), uow=w.p.uow(), clock=w.clock, actor=w.operator.actor)
    rows = ["expert_id,name,specialties,region,employer,title,years"]
    rows += [f"C{i},专家{i},A01,{MAIN_REGION if i < 3 else PARTNER_REGION},{credit_code()},senior,9" for i in range(7)]
    good = tmp_path / "pool.csv"
    good.write_text("\n".join(rows) + "\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join([*rows, "C9,x,A01,1,nope,senior,9"]) + "\n", encoding="utf-8")
    refused = runner.invoke(app, ["expert", "import", str(bad), *env])
    assert refused.exit_code != 0 and "employer" in " ".join(refused.output.split())
    done = runner.invoke(app, ["expert", "import", str(good), *env])
    assert done.exit_code == 0, done.output
    assert "7 added" in done.output
    short = runner.invoke(app, ["expert", "draw", s.id, "--venue", "main=4", "--venue", "partner=1", *env])
    assert short.exit_code != 0 and "cannot be filled" in " ".join(short.output.split())
    drawn = runner.invoke(app, ["expert", "draw", s.id, "--venue", "main=2", "--venue", "partner=3", *env])
    assert drawn.exit_code == 0, drawn.output
    assert f"experts:{s.id}:round:0" in "".join(drawn.output.split()) and "invited" in drawn.output
    assert not any(f"C{i}" in drawn.output for i in range(7))  # names and IDs stay in the system
