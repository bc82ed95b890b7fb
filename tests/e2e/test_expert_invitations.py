"""Invitations to drawn experts leave through the platform's notifier: SMTP when configured (a real local
server here), else .eml files in the outbox folder; a mail failure never undoes the draw."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes
from email.policy import default

import pytest
from fastapi.testclient import TestClient

from fairbid.api.app import create_app
from fairbid.bootstrap import Platform, bootstrap
from fairbid.clock import SimulatedClock
from fairbid.notify import OutboxNotifier, SmtpNotifier
from fairbid.settings import Settings
from tests.e2e.test_expert_api import token
from tests.factories import expert_pool, in_evaluation, make_world
from tests.notify.test_notifier import free_port, smtp_server

DRAW = {"venues": {"main": 2, "partner": 3}}


@contextmanager
def _platform(settings: Settings, clock: SimulatedClock, **mail: object) -> Iterator[Platform]:
    p = bootstrap(settings.model_copy(update=mail), clock=clock, migrate=False)
    try:
        yield p
    finally:
        p.close()


def _draw(p: Platform, clock: SimulatedClock) -> tuple[str, list[str]]:
    """A section in evaluation and a committee drawn over HTTP; the drawn experts' addresses."""
    w = make_world(p, clock, bidders=3)
    sid = in_evaluation(w)
    experts = expert_pool(w)
    with TestClient(create_app(platform=p)) as client:
        r = client.post(f"/api/sections/{sid}/committee", json=DRAW, headers=token(client, w.operator))
        assert r.status_code == 201, r.text
        drawn = [s["expert_id"] for s in r.json()["seats"]]
    assert set(drawn) <= set(experts)
    return sid, [f"{e}@experts.test" for e in drawn]


def test_invitations_go_through_a_configured_smtp_server(settings: Settings, clock: SimulatedClock) -> None:
    with (
        smtp_server() as (inbox, port),
        _platform(settings, clock, smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False) as p,
    ):
        assert isinstance(p.notifier, SmtpNotifier)
        _, addresses = _draw(p, clock)
    assert sorted(to for recipients, _ in inbox.messages for to in recipients) == sorted(addresses)
    _, first = inbox.messages[0]
    assert first["From"] == settings.mail_sender
    assert "评标" in first["Subject"] or "evaluation" in first["Subject"].lower()


def test_without_smtp_invitations_are_written_to_the_outbox(settings: Settings, clock: SimulatedClock) -> None:
    with _platform(settings, clock) as p:
        assert isinstance(p.notifier, OutboxNotifier)
        _, addresses = _draw(p, clock)
        files = p.notifier.messages()
    assert files and all(f.parent == settings.outbox_dir for f in files)
    sent = [message_from_bytes(f.read_bytes(), policy=default) for f in files]
    assert sorted(str(m["To"]) for m in sent) == sorted(addresses)
    assert not list(settings.outbox_dir.glob("*.tmp"))


def test_a_mail_server_that_is_down_does_not_undo_the_draw(
    settings: Settings, clock: SimulatedClock, caplog: pytest.LogCaptureFixture
) -> None:
    dead = free_port()  # nothing listens there
    with (
        caplog.at_level(logging.WARNING, logger="fairbid.committee"),
        _platform(settings, clock, smtp_host="127.0.0.1", smtp_port=dead, smtp_starttls=False) as p,
    ):
        sid, addresses = _draw(p, clock)
        with p.uow() as uow:
            drawn = [e for e in uow.ledger.for_subject("committee", sid) if e.action == "committee:drawn"]
    assert len(drawn) == 1
    failures = [r.getMessage() for r in caplog.records if "not delivered" in r.getMessage()]
    assert len(failures) == len(addresses)
    assert not any("@" in message for message in failures)  # no expert's address in the logs
