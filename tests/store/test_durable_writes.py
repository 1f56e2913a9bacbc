"""A SQLite write is on disk before it returns, yet the writers' queue is not held while the disk
works: the commit is made inside the queue, the write-ahead log synced just after letting it
go. A head about to be quoted is synced first; a sync the disk refuses is an error, not silence."""

from __future__ import annotations

import errno
import fcntl
import os
import sqlite3
from pathlib import Path

import pytest

from ledger.core.errors import Unavailable
from ledger.core.probability import read_forecast
from ledger.store.ledger import Ledger


@pytest.fixture
def ledger_file(sahel) -> Path:
    if sahel.url.startswith("postgresql"):
        pytest.skip("PostgreSQL makes each commit durable itself")
    return Path(sahel.url)


def _queue_free(path: Path) -> bool:
    fd = os.open(f"{path}-lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(fd)


def _forecasts_committed(path: Path) -> int:
    other = sqlite3.connect(path)
    try:
        return other.execute("SELECT count(*) FROM forecasts").fetchone()[0]
    finally:
        other.close()


class SyncSpy:
    """Stands in for `os.fdatasync`: what each sync was of, and what held at that moment."""

    def __init__(self, path: Path, fail: int | None = None) -> None:
        self.path, self.fail, self.seen = path, fail, []
        self.real = os.fdatasync

    def __call__(self, fd: int) -> None:
        wal = os.stat(f"{self.path}-wal")
        of_wal = (os.fstat(fd).st_dev, os.fstat(fd).st_ino) == (wal.st_dev, wal.st_ino)
        self.seen.append({"wal": of_wal, "queue_free": _queue_free(self.path),
                          "committed": _forecasts_committed(self.path)})
        if self.fail is not None:
            raise OSError(self.fail, os.strerror(self.fail))
        self.real(fd)


def test_a_forecast_is_synced_after_the_queue_is_let_go_and_before_it_returns(ledger_file, monkeypatch):
    ledger = Ledger(f"sqlite:///{ledger_file}")
    try:
        ledger.record_forecast("amina", "minerals", read_forecast(["70%"]))  # the connection made
        spy = SyncSpy(ledger_file)
        monkeypatch.setattr(os, "fdatasync", spy)
        ledger.record_forecast("amina", "minerals", read_forecast(["60%"]))
        assert spy.seen == [{"wal": True, "queue_free": True, "committed": 2}]
    finally:
        ledger.close()


def test_only_the_analysts_appends_leave_their_sync_for_after_the_lock(ledger_file):
    ledger = Ledger(f"sqlite:///{ledger_file}")
    try:
        levels = {}
        with ledger._appending("amina") as (conn, _, _, _):
            levels["append"] = conn.exec_driver_sql("PRAGMA synchronous").scalar()
        with ledger.engine.connect() as conn:
            conn.execution_options(ledger_write=True)
            with conn.begin():  # any other write (an import's, a copy's): the commit itself syncs
                levels["other"] = conn.exec_driver_sql("PRAGMA synchronous").scalar()
        assert levels == {"append": 1, "other": 2}  # NORMAL, then synced by hand; FULL
    finally:
        ledger.close()


def test_a_sync_the_disk_refuses_is_said_not_swallowed(ledger_file, monkeypatch):
    ledger = Ledger(f"sqlite:///{ledger_file}")
    try:
        ledger.record_forecast("amina", "minerals", read_forecast(["70%"]))
        monkeypatch.setattr(os, "fdatasync", SyncSpy(ledger_file, fail=errno.EIO))
        with pytest.raises(Unavailable, match=r"committed but could not be synced to disk .*-wal: "
                                              r"Input/output error\); check the disk"):
            ledger.record_forecast("amina", "minerals", read_forecast(["60%"]))
        monkeypatch.undo()
        ledger.record_forecast("amina", "minerals", read_forecast(["50%"]))  # the next write is as usual
    finally:
        ledger.close()
    assert _forecasts_committed(ledger_file) == 3


def test_a_head_is_synced_before_it_is_quoted(ledger_file, monkeypatch):
    writer = Ledger(f"sqlite:///{ledger_file}")
    reader = Ledger(f"sqlite:///{ledger_file}")
    try:
        writer.record_forecast("amina", "minerals", read_forecast(["70%"]))
        spy = SyncSpy(ledger_file)
        monkeypatch.setattr(os, "fdatasync", spy)
        head = reader.overview().head
        assert spy.seen == [{"wal": True, "queue_free": True, "committed": 1}]
        with reader.reading() as conn:
            from ledger.store.verify import verify

            assert verify(conn).head == head
        assert len(spy.seen) == 2 and spy.seen[1]["wal"]
    finally:
        writer.close()
        reader.close()
