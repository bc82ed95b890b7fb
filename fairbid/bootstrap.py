"""The one place that wires adapters: database, blob store, clock, randomness, platform key.

The API, the web pages, the CLI and the tests all get their dependencies from ``bootstrap``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from fairbid.arrival import ArrivalBoard
from fairbid.clock import AcceleratedClock, SystemClock, SystemRandom
from fairbid.crypto.key import PrivateKey, generate_key
from fairbid.crypto.keystore import lock_private_key, unlock_private_key
from fairbid.domain.errors import InvalidInput
from fairbid.notify import Notifier, OutboxNotifier, SmtpNotifier
from fairbid.ports import Clock, RandomSource
from fairbid.services.demonstration import allow_simulated_clock
from fairbid.settings import Settings
from fairbid.store.blob import LocalBlobStore
from fairbid.store.database import make_engine
from fairbid.store.migration import upgrade
from fairbid.store.uow import SqlUnitOfWork, UnitOfWorkFactory

__all__ = ["Platform", "bootstrap"]

log = logging.getLogger("fairbid.bootstrap")


@dataclass
class Platform:
    """Everything a use case may need, built once per process."""

    settings: Settings
    engine: Engine
    uows: UnitOfWorkFactory
    blobs: LocalBlobStore
    clock: Clock
    random: RandomSource
    platform_key: PrivateKey
    notifier: Notifier
    arrivals: ArrivalBoard

    def uow(self) -> SqlUnitOfWork:
        return self.uows()

    def close(self) -> None:
        self.engine.dispose()


def _platform_key(path: Path, passphrase: str) -> PrivateKey:
    """Load the platform's signing key, or create it on first start (stored encrypted)."""
    if path.exists():
        return unlock_private_key(path.read_bytes(), passphrase)
    key = generate_key()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(lock_private_key(key, passphrase))
    tmp.replace(path)
    return key


def _notifier(settings: Settings) -> Notifier:
    """SMTP when a host is configured; otherwise an outbox folder of .eml files (no server needed)."""
    if settings.smtp_host is None:
        return OutboxNotifier(settings.outbox_dir, sender=settings.mail_sender)
    return SmtpNotifier(
        settings.smtp_host,
        settings.smtp_port,
        sender=settings.mail_sender,
        starttls=settings.smtp_starttls,
        username=settings.smtp_username,
        password=None if settings.smtp_password is None else settings.smtp_password.get_secret_value(),
    )


def bootstrap(
    settings: Settings,
    *,
    clock: Clock | None = None,
    random: RandomSource | None = None,
    migrate: bool = True,
) -> Platform:
    """Build the platform. ``migrate`` brings the schema to the newest revision first."""
    if migrate:
        upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    blobs = LocalBlobStore(settings.blob_dir)
    swept = blobs.sweep_temp(older_than_seconds=settings.temp_sweep_age_seconds)
    if swept:
        log.warning(
            "swept %d leftover temp file(s) older than %g s from %s (uploads cut by a crash or kill)",
            swept,
            settings.temp_sweep_age_seconds,
            blobs.tmp_dir,
        )
    if clock is None:
        clock = AcceleratedClock(settings.clock_speed) if settings.clock_speed != 1.0 else SystemClock()
    uows = UnitOfWorkFactory(engine, blobs)
    if not isinstance(clock, SystemClock):
        try:
            allow_simulated_clock(uow=uows(), now=SystemClock().now())
        except InvalidInput:
            engine.dispose()
            raise
    key = _platform_key(settings.platform_key_path, settings.platform_key_passphrase.get_secret_value())
    return Platform(
        settings=settings,
        engine=engine,
        uows=uows,
        blobs=blobs,
        clock=clock,
        random=random or SystemRandom(),
        platform_key=key,
        notifier=_notifier(settings),
        arrivals=ArrivalBoard(),
    )
