"""Collusion warnings: screening too early or an unknown section is refused, and nothing is stored."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from fairbid.bootstrap import Platform
from fairbid.clock import SimulatedClock
from fairbid.domain.errors import Conflict, NotFound
from fairbid.services.oversight.collusion import list_section_warnings, screen_opened_section
from fairbid.store.rows import LedgerEntryRow, WarningRow
from tests.factories import make_world


def test_screening_before_the_opening_or_of_nothing_is_refused(platform: Platform, clock: SimulatedClock) -> None:
    w = make_world(platform, clock, bidders=0)
    draft = w.section()
    with platform.uow() as uow:
        before = uow.session.scalar(select(func.count()).select_from(LedgerEntryRow))
    with pytest.raises(Conflict, match="not opened yet"):
        screen_opened_section(draft.id, uow=platform.uow(), clock=clock)
    with pytest.raises(NotFound):
        screen_opened_section("no-such-section", uow=platform.uow(), clock=clock)
    for actor in (w.supervisor.actor, w.operator.actor):
        with pytest.raises(NotFound, match="No collusion warnings"):
            list_section_warnings(draft.id, uow=platform.uow(), actor=actor)
        with pytest.raises(NotFound, match="No collusion warnings"):
            list_section_warnings("no-such-section", uow=platform.uow(), actor=actor)
    with platform.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(WarningRow)) == 0
        assert uow.session.scalar(select(func.count()).select_from(LedgerEntryRow)) == before
