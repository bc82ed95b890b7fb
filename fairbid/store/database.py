"""Engines and sessions for SQLite (embedded default) and PostgreSQL (production)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from fairbid.domain.errors import Conflict

__all__ = ["READ_ONLY", "VersionedSession", "make_engine", "make_session_factory", "normalise_url"]


def normalise_url(url: str) -> str:
    """Accept ``postgresql://`` and ``postgres://`` and route them to psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers run beside the writer; a busy timeout waits instead of failing at once.
    # synchronous=FULL syncs the WAL at every commit: a receipted bid survives a power loss, not only a
    # process kill (NORMAL may lose the last commits on power loss). Cost measured in docs/uploads.md.
    dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (see _sqlite_begin)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


READ_ONLY = "fairbid_read_only"
"""Execution option of a unit of work that only reads: on SQLite it begins without the write lock."""


def _sqlite_begin(conn: Any) -> None:
    # BEGIN IMMEDIATE takes the write lock up front, so two writers never deadlock on upgrade. A unit of work
    # that only reads begins deferred instead: under WAL it reads its snapshot and never waits on a writer.
    conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get(READ_ONLY) else "BEGIN IMMEDIATE")


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; for SQLite, make the folder, enable WAL and foreign keys."""
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


class VersionedSession(Session):
    """A session whose flush turns a lost race on a versioned row (another request wrote it since it was read:
    SQLAlchemy's ``StaleDataError``) into the domain's ``Conflict``, wherever the flush happens, so a use case
    can be retried (``services.shared.retry``) and the API answers 409, never 500."""

    def flush(self, objects: Sequence[Any] | None = None) -> None:
        try:
            super().flush(objects)
        except StaleDataError as e:
            raise Conflict("The record was changed by another request meanwhile; reload and try again.") from e


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, class_=VersionedSession, expire_on_commit=False)
