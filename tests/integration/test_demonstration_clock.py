"""A simulated or accelerated clock runs only on demonstration data (issue #20): its heads never mix with real ones."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from fairbid.bootstrap import bootstrap
from fairbid.cli import app
from fairbid.clock import AcceleratedClock, SimulatedClock, SystemClock
from fairbid.domain.actor import Actor, Role
from fairbid.domain.errors import InvalidInput
from fairbid.services.party import RegisterOrganisation, register_organisation
from fairbid.settings import Settings
from tests.factories import credit_code

SETUP = Actor(role=Role.MACHINE, job="test-setup")


def _production_records(settings: Settings) -> None:
    """Records made by the real clock on a database that was never marked for demonstration."""
    p = bootstrap(settings, clock=SystemClock())
    try:
        register_organisation(RegisterOrganisation("某公司", credit_code()), uow=p.uow(), clock=p.clock, actor=SETUP)
    finally:
        p.close()


def test_an_accelerated_clock_is_refused_on_production_data(settings: Settings) -> None:
    _production_records(settings)
    with pytest.raises(InvalidInput, match="demonstration database"):
        bootstrap(settings, clock=AcceleratedClock(3600))
    result = CliRunner().invoke(
        app, ["serve", "--speed", "3600", "--database", settings.database_url, "--data-dir", str(settings.data_dir)]
    )
    assert result.exit_code == 2 and "demonstration database" in result.output


def test_an_empty_database_becomes_a_demonstration_one_and_stays_usable(settings: Settings) -> None:
    p = bootstrap(settings, clock=SimulatedClock(SystemClock().now()))
    try:
        register_organisation(RegisterOrganisation("某公司", credit_code()), uow=p.uow(), clock=p.clock, actor=SETUP)
    finally:
        p.close()
    bootstrap(settings, clock=AcceleratedClock(3600)).close()  # marked: a simulated clock may run again
    bootstrap(settings, clock=SystemClock()).close()  # and the real one, of course
