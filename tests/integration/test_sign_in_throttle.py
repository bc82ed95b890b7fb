"""The sign-in rate limit lives in the database: shared by processes, kept over a restart, gone after the window.

OWASP ASVS 2.2.1. Another server process is a real OS process (``python -c``) over the same database and data
folder, as several ``fairbid serve`` workers are; a restart is a new ``Platform`` and app in this one.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from fairbid.api.app import create_app
from fairbid.bootstrap import Platform, bootstrap
from fairbid.clock import SimulatedClock
from fairbid.domain.actor import Role
from fairbid.domain.errors import NotPermitted
from fairbid.services.parties.accounts import (
    MAX_FAILED_SIGN_INS,
    MAX_FAILED_SIGN_INS_PER_SOURCE,
    SIGN_IN_WINDOW,
    CreateUser,
    SignIn,
    TooManyAttempts,
    create_user,
    sign_in,
)
from fairbid.settings import Settings
from fairbid.store.rows import SignInFailureRow
from tests.factories import PASSWORD, SETUP

NAME = "Operator.Li"
# Another server process: `failures` wrong passwords, then the right one; prints the outcome's problem code.
_OTHER_PROCESS = """
import sys
from datetime import datetime
from fairbid.bootstrap import bootstrap
from fairbid.clock import SimulatedClock
from fairbid.domain.errors import FairbidError
from fairbid.services.parties.accounts import SignIn, sign_in
from fairbid.settings import Settings

url, data, name, password, failures, now = sys.argv[1:]
settings = Settings(environment="test", database_url=url, data_dir=data, platform_key_passphrase="test-passphrase")
p = bootstrap(settings, clock=SimulatedClock(datetime.fromisoformat(now)), migrate=False)
for password_tried in ["wrong password!"] * int(failures) + [password]:
    try:
        sign_in(SignIn(name, password_tried), uow=p.uow(), clock=p.clock, random=p.random)
        outcome = "signed-in"
    except FairbidError as e:
        outcome = e.code
p.close()
print(outcome)
"""


@pytest.fixture
def user(platform: Platform, clock: SimulatedClock) -> str:
    create_user(CreateUser(NAME, PASSWORD, Role.OPERATOR, "李"), uow=platform.uow(), clock=clock, actor=SETUP)
    return NAME


@contextmanager
def process(settings: Settings, clock: SimulatedClock) -> Iterator[TestClient]:
    """One more server process on the same database: its own platform, engine and app."""
    p = bootstrap(settings, clock=clock, migrate=False)
    try:
        with TestClient(create_app(platform=p)) as c:
            yield c
    finally:
        p.close()


def _other_process(settings: Settings, clock: SimulatedClock, name: str, *, failures: int) -> str:
    argv = [settings.database_url, str(settings.data_dir), name, PASSWORD, str(failures), clock.now().isoformat()]
    done = subprocess.run(
        [sys.executable, "-c", _OTHER_PROCESS, *argv], capture_output=True, text=True, timeout=120, check=True
    )
    return done.stdout.strip()


def _post(client: TestClient, username: str, password: str) -> int:
    return client.post("/api/auth/token", data={"username": username, "password": password}).status_code


def _failures(platform: Platform) -> int:
    with platform.uow() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(SignInFailureRow)) or 0)


def test_two_processes_share_the_limit(
    user: str, platform: Platform, settings: Settings, clock: SimulatedClock
) -> None:
    with process(settings, clock) as here:
        for _ in range(2):
            assert _post(here, user, "wrong password!") == 403
        # the other process sees these two: three more reach the limit there, and it refuses the right password
        assert _other_process(settings, clock, user.upper(), failures=MAX_FAILED_SIGN_INS - 2) == "too-many-attempts"
        assert _post(here, user, PASSWORD) == 429  # and this one sees the other's failures, after it exited


def test_a_restart_does_not_reset_the_limit(
    user: str, platform: Platform, settings: Settings, clock: SimulatedClock
) -> None:
    with process(settings, clock) as before:
        for _ in range(MAX_FAILED_SIGN_INS):
            assert _post(before, user, "wrong password!") == 403
    with process(settings, clock) as after:
        assert _post(after, user, PASSWORD) == 429


def test_the_limit_expires_after_the_window_and_old_rows_are_pruned(
    user: str, platform: Platform, settings: Settings, clock: SimulatedClock
) -> None:
    with process(settings, clock) as c:
        for _ in range(MAX_FAILED_SIGN_INS):
            _post(c, user, "wrong password!")
        clock.advance(SIGN_IN_WINDOW - timedelta(seconds=1))
        assert _post(c, user, PASSWORD) == 429
        clock.advance(timedelta(seconds=1))
        assert _post(c, "someone-else", "a guess at it") == 403  # a failure prunes everything past the window
        assert _failures(platform) == 2  # the name's row and the address's (sign-in passes the client address)
        assert _post(c, user, PASSWORD) == 200


def test_a_refused_sign_in_is_recorded_and_the_table_keeps_no_names(
    user: str, platform: Platform, clock: SimulatedClock
) -> None:
    with pytest.raises(NotPermitted) as e:
        sign_in(SignIn(user, "hunter2hunter2"), uow=platform.uow(), clock=clock, random=platform.random)
    assert not isinstance(e.value, TooManyAttempts)
    with platform.uow() as uow:
        stored = list(uow.session.scalars(select(SignInFailureRow)))
    assert len(stored) == 1  # committed although the service raised
    assert all(user.casefold() not in r.key_digest and len(r.key_digest) == 64 for r in stored)
    sign_in(SignIn(user, PASSWORD), uow=platform.uow(), clock=clock, random=platform.random)
    assert _failures(platform) == 0  # a success clears the name's failures


def test_a_source_guessing_many_names_is_limited(user: str, platform: Platform, clock: SimulatedClock) -> None:
    def attempt(name: str, password: str, source: str) -> None:
        sign_in(SignIn(name, password, source=source), uow=platform.uow(), clock=clock, random=platform.random)

    for i in range(MAX_FAILED_SIGN_INS_PER_SOURCE):
        with pytest.raises(NotPermitted):
            attempt(f"guess{i}", "a guessed password", "203.0.113.9")
    with pytest.raises(TooManyAttempts, match="from this address"):
        attempt(user, PASSWORD, "203.0.113.9")
    attempt(user, PASSWORD, "198.51.100.7")  # another address is not affected, nor is the name
