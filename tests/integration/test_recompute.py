"""The evaluation recomputed from its committed inputs: equal after a real evaluation, different once a stored
result or a sheet is edited behind the platform's back; ``fairbid evaluation recompute`` exits 1 then."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from fairbid.bootstrap import Platform
from fairbid.cli import app
from fairbid.clock import SimulatedClock
from fairbid.domain.errors import NotFound, NotPermitted
from fairbid.services.oversight.ledger import verify_ledger
from fairbid.services.oversight.recompute import recompute_evaluation
from fairbid.settings import Settings
from tests.factories import SETUP, World, in_evaluation, make_world, run_evaluation

runner = CliRunner()


@pytest.fixture
def world(platform: Platform, clock: SimulatedClock) -> World:
    return make_world(platform, clock, bidders=5)


def _cli(settings: Settings, *args: str) -> Any:
    return runner.invoke(
        app,
        ["evaluation", "recompute", *args, "--database", settings.database_url, "--data-dir", str(settings.data_dir)],
        env={"FAIRBID_PLATFORM_KEY_PASSPHRASE": "test-passphrase"},
    )


def _json(w: World, sql: str, sid: str) -> dict[str, Any]:
    with w.p.engine.begin() as conn:
        value = conn.execute(text(sql), {"s": sid}).scalar_one()
    return json.loads(value) if isinstance(value, str) else dict(value)


def test_the_stored_result_is_what_the_pinned_terms_give(world: World, settings: Settings) -> None:
    w = world
    sid = in_evaluation(w)
    with pytest.raises(NotFound, match="no finished evaluation"):
        recompute_evaluation(sid, uow=w.p.uow(), actor=SETUP)
    run_evaluation(w, sid)
    result = recompute_evaluation(sid, uow=w.p.uow(), actor=SETUP)
    assert result.ok, [c for c in result.checks if not c.ok]
    names = {c.name for c in result.checks}
    assert {"pinned terms = the section's terms", "K (beacon entry)", "ranking (stored)", "ranking (ledger)"} <= names
    assert sum(n.startswith("total of bid") for n in names) == 5
    with pytest.raises(NotPermitted):
        recompute_evaluation(sid, uow=w.p.uow(), actor=w.tenderee.actor)
    r = _cli(settings, sid, "--format", "json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["ok"] is True


def test_an_edited_result_differs_from_the_recomputation_and_the_ledger_catches_it(
    world: World, settings: Settings
) -> None:
    w = world
    sid = in_evaluation(w)
    run_evaluation(w, sid)
    outcome = _json(w, "SELECT outcome FROM committees WHERE section_id = :s", sid)
    first, second = outcome["ranking"][0], outcome["ranking"][1]
    first["bid_id"], second["bid_id"] = second["bid_id"], first["bid_id"]  # the runner-up made the winner
    with w.p.engine.begin() as conn:
        conn.execute(
            text("UPDATE committees SET outcome = :o WHERE section_id = :s"), {"o": json.dumps(outcome), "s": sid}
        )
    result = recompute_evaluation(sid, uow=w.p.uow(), actor=SETUP)
    assert {c.name for c in result.checks if not c.ok} == {"ranking (stored)"}
    assert not verify_ledger(uow=w.p.uow(), actor=SETUP).ok
    r = _cli(settings, sid)
    assert r.exit_code == 1 and "DIFFERS" in r.output


def test_an_edited_sheet_changes_the_recomputed_totals(world: World) -> None:
    w = world
    sid = in_evaluation(w)
    run_evaluation(w, sid)
    with w.p.engine.begin() as conn:
        row_id, sheet = conn.execute(
            text("SELECT id, sheet FROM score_sheets WHERE section_id = :s"), {"s": sid}
        ).first()
        sheet = json.loads(sheet) if isinstance(sheet, str) else sheet
        for bid in sheet["bids"].values():
            bid["scores"] = {k: "0" for k in bid["scores"]}
        conn.execute(text("UPDATE score_sheets SET sheet = :x WHERE id = :i"), {"x": json.dumps(sheet), "i": row_id})
    result = recompute_evaluation(sid, uow=w.p.uow(), actor=SETUP)
    failed = {c.name for c in result.checks if not c.ok}
    assert failed and all(n.startswith("total of bid") or n.startswith("ranking") for n in failed)
