"""Shared fixtures: a migrated database per test (SQLite by default, PostgreSQL with FAIRBID_TEST_DATABASE_URL).

The schema is always built by the Alembic migrations (never ``create_all``): once per session into a
template, then copied per test (a file copy for SQLite, ``CREATE DATABASE … TEMPLATE`` for PostgreSQL).
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from fairbid.bootstrap import Platform, bootstrap
from fairbid.clock import SimulatedClock
from fairbid.crypto.key import generate_key
from fairbid.crypto.keystore import lock_private_key
from fairbid.settings import Settings
from fairbid.store.database import normalise_url
from fairbid.store.migration import upgrade

PG_URL = os.environ.get("FAIRBID_TEST_DATABASE_URL")
START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(autouse=True)
def cheap_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2id at its smallest cost for the test accounts; the server reads the cost from each hash.

    At the production cost (RFC 9106 defaults, about 0.25 s a hash here) each test world's nine accounts took
    over two seconds. The sign-in path is unchanged; ``tests/e2e/test_hardening_web.py`` checks that stored
    hashes are Argon2id.
    """
    monkeypatch.setattr("fairbid.services.parties.accounts.hash_password", FAST_HASHER.hash)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On PostgreSQL, run only the tests that use a database: the others do not depend on it and ran on SQLite."""
    if not PG_URL:
        return
    keep = [i for i in items if "database_url" in getattr(i, "fixturenames", ())]
    dropped = [i for i in items if "database_url" not in getattr(i, "fixturenames", ())]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated template database for this worker."""
    if PG_URL:
        base = make_url(normalise_url(PG_URL))
        name = f"fairbid_tmpl_{_worker()}_{uuid.uuid4().hex[:8]}"
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))
        url = base.set(database=name).render_as_string(hide_password=False)
        upgrade(url)
        yield url
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        path = tmp_path_factory.mktemp("template") / "template.db"
        upgrade(f"sqlite:///{path}")
        yield str(path)


@pytest.fixture
def database_url(template_db: str, tmp_path: Path) -> Iterator[str]:
    """A fresh copy of the migrated template for one test."""
    if PG_URL:
        base = make_url(normalise_url(PG_URL))
        name = f"fairbid_t_{_worker()}_{uuid.uuid4().hex[:10]}"
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        tmpl = make_url(template_db).database
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{tmpl}"'))
        yield base.set(database=name).render_as_string(hide_password=False)
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        target = tmp_path / "fairbid.db"
        shutil.copyfile(template_db, target)
        yield f"sqlite:///{target}"


@pytest.fixture(scope="session")
def platform_key_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One platform key per session: scrypt makes creating one slow on purpose."""
    path = tmp_path_factory.mktemp("key") / "platform-key.json"
    path.write_bytes(lock_private_key(generate_key(), "test-passphrase", scrypt_n=2**10))
    return path


@pytest.fixture
def settings(database_url: str, tmp_path: Path, platform_key_file: Path) -> Settings:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copyfile(platform_key_file, data / "platform-key.json")
    return Settings(
        environment="test",
        database_url=database_url,
        data_dir=data,
        platform_key_passphrase="test-passphrase",  # type: ignore[arg-type]
        max_envelope_bytes=8 * 1024 * 1024,
    )


@pytest.fixture
def clock() -> SimulatedClock:
    return SimulatedClock(START)


@pytest.fixture
def platform(settings: Settings, clock: SimulatedClock) -> Iterator[Platform]:
    p = bootstrap(settings, clock=clock, migrate=False)
    yield p
    p.close()
