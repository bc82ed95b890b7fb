"""Durability of what a receipt promises: the blob's name survives a power loss, the database commits are
synced, and temp files left by a crash are swept at start-up (never those of a live upload).

A power loss cannot be staged in a test; what can be checked is that the syncs POSIX asks for are made, in
order: the real ``os.fsync`` is wrapped to record which file or folder each call synced and what existed then.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from fairbid.bootstrap import bootstrap
from fairbid.clock import SimulatedClock
from fairbid.crypto.digest import sm3_hex
from fairbid.settings import Settings
from fairbid.store.blob import LocalBlobStore
from fairbid.store.database import make_engine


def _record_fsyncs(monkeypatch: pytest.MonkeyPatch, watch: Path) -> list[tuple[Path, bool]]:
    """Every fsync from now on, as (what was synced, whether ``watch`` existed at that moment)."""
    calls: list[tuple[Path, bool]] = []
    real = os.fsync

    def fsync(fd: int) -> None:
        calls.append((Path(os.readlink(f"/proc/self/fd/{fd}")), watch.exists()))
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    return calls


def test_put_syncs_the_file_then_each_new_folder_then_the_folder_after_the_rename(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = LocalBlobStore(tmp_path.resolve() / "blobs")
    data = b"sealed bid bytes"
    digest = sm3_hex(data)
    final = store.root / digest[:2] / digest[2:4] / digest
    calls = _record_fsyncs(monkeypatch, final)

    assert store.put_bytes(data) == digest
    synced = [p for p, _ in calls]
    temp = synced[0]
    assert temp.parent == store.tmp_dir  # the bytes, while still under the temp name
    # the two new fan-out folders' entries in their parents, then the rename in the blob's folder
    assert synced[1:] == [store.root, store.root / digest[:2], final.parent]
    assert calls[-1][1], "the folder was synced before the rename"
    assert final.read_bytes() == data


def test_adopt_syncs_the_folder_after_the_rename_even_when_it_already_exists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = LocalBlobStore(tmp_path.resolve() / "blobs")
    first = store.put_bytes(b"one")
    data = b"two"
    digest = sm3_hex(data)
    (store.root / digest[:2] / digest[2:4]).mkdir(parents=True, exist_ok=True)
    temp = store.tmp_dir / "upload-x"
    temp.write_bytes(data)
    final = store.root / digest[:2] / digest[2:4] / digest
    calls = _record_fsyncs(monkeypatch, final)

    store.adopt(temp, digest)
    assert calls and calls[-1] == (final.parent, True)
    assert not temp.exists() and store.read(digest) == data and store.read(first) == b"one"


def test_sqlite_commits_are_synced_in_full(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    try:
        with engine.connect() as c:
            assert c.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
            assert c.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    finally:
        engine.dispose()


def test_start_up_sweeps_old_temp_files_and_leaves_fresh_ones_and_blobs(
    settings: Settings, clock: SimulatedClock, caplog: pytest.LogCaptureFixture
) -> None:
    store = LocalBlobStore(settings.blob_dir)
    kept_blob = store.put_bytes(b"a stored envelope")
    an_hour_ago = time.time() - settings.temp_sweep_age_seconds - 60
    leftovers = [store.tmp_dir / "tmpabc123", store.tmp_dir / "upload-def456"]
    for leftover in leftovers:
        leftover.write_bytes(b"half an upload cut by kill -9")
        os.utime(leftover, (an_hour_ago, an_hour_ago))
    live = store.tmp_dir / "upload-live"  # another process's upload in progress: recently written
    live.write_bytes(b"still arriving")

    with caplog.at_level(logging.WARNING, logger="fairbid.bootstrap"):
        p = bootstrap(settings, clock=clock, migrate=False)
    try:
        assert sorted(p.blobs.tmp_dir.iterdir()) == [live]
        assert p.blobs.read(kept_blob) == b"a stored envelope"
        assert any("swept 2 leftover temp file(s)" in r.getMessage() for r in caplog.records), caplog.text
    finally:
        p.close()

    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="fairbid.bootstrap"):
        bootstrap(settings, clock=clock, migrate=False).close()
    assert live.exists() and not caplog.records  # nothing to sweep: nothing said
