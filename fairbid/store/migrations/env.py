"""Alembic environment: the URL comes from the config (set by ``fairbid db upgrade``) or FAIRBID_DATABASE_URL."""

from __future__ import annotations

import os

from alembic import context

from fairbid.store.database import make_engine
from fairbid.store.rows import Row

config = context.config
target_metadata = Row.metadata


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url") or os.environ.get("FAIRBID_DATABASE_URL")
    if not url:
        raise RuntimeError("no database URL: pass --database or set FAIRBID_DATABASE_URL")
    return url


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(_url())
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
