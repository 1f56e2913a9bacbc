"""Faults (issue 9): a process killed in the middle of a large import, a writer behind a held lock,
an unreachable or wrong database URL, a full disk, and a script that retries a forecast. Each ends
with exit 1 and one clear line (or, for the kill, no trace at all): the ledger is as it was and
still verifies. The in-process lock tests are in tests/store/test_clock_and_locks.py; these run
real `ledger` processes, and the new write paths (import, copy)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, text

from ledger.store.engine import ADVISORY_LOCK_KEY
from tests.conftest import PG_URL, LedgerCli


def child_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGER_")}
    env.update(extra)
    return env


def ledger_process(url: str, *args: str, **env: str) -> subprocess.Popen:
    """A real `ledger` process (`python -m ledger`), stdout and stderr piped."""
    return subprocess.Popen([sys.executable, "-m", "ledger", "--db", url, "--as", "ed", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=child_env(**env))


def write_csv(path: Path, questions: int, per_question: int = 10) -> Path:
    """A CSV in the public-dataset layout: `questions` resolved questions, `per_question` forecasts each."""
    with path.open("w", encoding="utf-8") as out:
        out.write("question_id,user_id,probability,timestamp,open_time,close_time,outcome,resolve_time\n")
        for q in range(questions):
            for k in range(per_question):
                out.write(f"big{q},analyst{(q * 7 + k) % 500},0.{(q + k) % 9 + 1},2021-01-{k + 2:02d} 10:00:00+00:00,"
                          f"2021-01-01 00:00:00+00:00,2021-06-01 00:00:00+00:00,{q % 2},2021-05-01 00:00:00+00:00\n")
    return path


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory) -> Path:
    """200,000 forecasts on 20,000 questions: an import that holds its write for a second or more."""
    return write_csv(tmp_path_factory.mktemp("big") / "big.csv", 20_000)


# -- SIGKILL in the middle of a large import ------------------------------------------------------


def _sqlite_writing(url: str) -> bool:
    """True while another connection holds the file's write lock (an import inside its transaction;
    with its 256 MiB page cache the rows reach the -wal only at the commit)."""
    probe = sqlite3.connect(url, isolation_level=None, timeout=0)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        probe.close()


def _postgres_written(url: str) -> int:
    """Bytes in the forecasts table's files: they grow as an import's COPY writes, before any commit."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT pg_relation_size('forecasts')")).scalar_one()
    finally:
        engine.dispose()


def _wait_until_writing(url: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    postgres = "://" in url
    while not (_postgres_written(url) > 1_000_000 if postgres else _sqlite_writing(url)):
        assert proc.poll() is None, f"the import ended before it wrote: {proc.communicate()}"
        assert time.monotonic() < deadline, "the import never started writing"
        time.sleep(0.01)
    if not postgres:
        time.sleep(0.3)  # well inside the write (about 1.3 s for this file here), before the commit


def test_sigkill_in_the_middle_of_a_large_import_leaves_the_ledger_as_it_was(sahel: LedgerCli, big_csv):
    before = sahel.state()
    proc = ledger_process(sahel.url, "import", str(big_csv))
    try:
        _wait_until_writing(sahel.url, proc)
        assert proc.poll() is None, "the import finished before it could be killed: make the file bigger"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    assert sahel.state() == before
    sahel("verify")
    sahel("forecast", "minerals", "70%", as_="amina")  # the lock went with the process
    assert sahel("verify").stdout.startswith(f"ok: {before[1]['seq'] + 1} entries")


# -- a writer behind a held lock ----------------------------------------------------------------------


@contextmanager
def lock_held(url: str):
    """Hold the ledger's append lock from this process: SQLite's write lock, or the advisory lock."""
    if "://" not in url:
        conn = sqlite3.connect(url, isolation_level=None)
        conn.execute("PRAGMA journal_mode = WAL")  # as every ledger file is
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            conn.execute("ROLLBACK")
            conn.close()
        return
    engine = create_engine(url)
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": ADVISORY_LOCK_KEY})
        conn.commit()
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_LOCK_KEY})
            conn.commit()
    engine.dispose()


def test_an_import_behind_a_held_lock_waits_the_timeout_then_exits_1(sahel: LedgerCli, tmp_path):
    small = write_csv(tmp_path / "small.csv", 3)
    before = sahel.state()
    with lock_held(sahel.url):
        started = time.monotonic()
        proc = ledger_process(sahel.url, "import", str(small), LEDGER_LOCK_TIMEOUT="3")
        out, err = proc.communicate(timeout=60)
        waited = time.monotonic() - started
    assert proc.returncode == 1, err
    assert "waiting for another writer to finish with" in err
    assert err.rstrip().endswith("gave up after 3 s (LEDGER_LOCK_TIMEOUT); nothing was written")
    assert "another writer holds the ledger at" in err and "Traceback" not in err and out == ""
    assert 3 <= waited < 15
    assert sahel.state() == before


def test_a_copy_into_a_sqlite_file_another_writer_holds_waits_then_exits_1(sahel: LedgerCli, tmp_path):
    dest = tmp_path / "dest.db"
    with lock_held(str(dest)):
        proc = ledger_process(sahel.url, "copy", str(dest), LEDGER_LOCK_TIMEOUT="2")
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1, err
    assert f"another writer holds the ledger at sqlite:///{dest}; gave up after 2 s" in err and "Traceback" not in err
    assert sqlite3.connect(dest).execute("SELECT count(*) FROM sqlite_master").fetchone() == (0,)


# -- an unreachable or wrong URL ------------------------------------------------------------------------

BAD_URLS = {
    "closed port": ("postgresql+psycopg://ed:s3cret@127.0.0.1:1/ledger",
                    "cannot use the database at postgresql+psycopg://ed:***@127.0.0.1:1/ledger: connection failed"),
    "no driver named": ("postgresql://ed:s3cret@127.0.0.1:1/ledger",
                        "cannot use the database at postgresql+psycopg://ed:***@127.0.0.1:1/ledger"),
    "unknown scheme": ("mysql://ed:s3cret@127.0.0.1/ledger", "cannot use database URL 'mysql://ed:***@127.0.0.1/ledger'"),
    "no such database": (None, 'database "no_such_ledger_db" does not exist'),
    "not a database file": ("{tmp}/notes.txt", "file is not a database"),
    "no such file": ("{tmp}/nowhere/ledger.db", "no ledger at {tmp}/nowhere/ledger.db; create one with `ledger init`"),
}
COMMANDS = {
    "info": ("info",),
    "verify": ("verify",),
    "forecast": ("forecast", "minerals", "70%"),
    "export": ("export", "--out", "{tmp}/out.jsonl"),
    "backup": ("backup", "{tmp}/backup.db"),
    "copy from it": ("copy", "{tmp}/copy.db"),
}


def _bad_url(name: str, tmp: Path) -> tuple[str, str]:
    url, message = BAD_URLS[name]
    if url is None:
        if not PG_URL:
            pytest.skip("LEDGER_TEST_POSTGRES_URL is not set")
        from sqlalchemy.engine import make_url

        url = make_url(PG_URL).set(drivername="postgresql+psycopg", password="s3cret", database="no_such_ledger_db")
        url = url.render_as_string(hide_password=False)
    (tmp / "notes.txt").write_text("some notes, not a ledger\n" * 200)
    return url.format(tmp=tmp), message.format(tmp=tmp)


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("name", BAD_URLS)
def test_an_unreachable_or_wrong_url_exits_1_naming_it_without_the_password(tmp_path, name, command):
    url, message = _bad_url(name, tmp_path)
    args = [a.format(tmp=tmp_path) for a in COMMANDS[command]]
    result = LedgerCli(url)(*args, code=1)
    assert result.stderr.startswith("error: ") and message in result.stderr, result.stderr
    assert len(result.stderr.splitlines()) == 1 and "s3cret" not in result.output
    assert not (tmp_path / "copy.db").exists() and not (tmp_path / "backup.db").exists()


@pytest.mark.parametrize("name", ["closed port", "unknown scheme", "no such database", "not a database file"])
def test_copying_into_an_unreachable_or_wrong_url_exits_1_naming_it(sahel: LedgerCli, tmp_path, name):
    url, message = _bad_url(name, tmp_path)
    before = sahel.state()
    result = sahel("copy", url, code=1)
    assert result.stderr.startswith("error: ") and message in result.stderr, result.stderr
    assert "s3cret" not in result.output and sahel.state() == before


# -- a full disk ----------------------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path):
    """A 6 MiB tmpfs mounted for the test (skipped where mounting is not allowed)."""
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(mount)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip()}); the max_page_count test stands in")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(folder: Path) -> Path:
    """Fill the filesystem holding `folder` to the last byte (unbuffered, so nothing is left to flush)."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        for size in (1 << 16, 1):
            try:
                while os.write(fd, b"\0" * size):
                    pass
            except OSError:
                pass
    finally:
        os.close(fd)
    return filler


def test_a_full_disk_exits_1_and_loses_nothing(small_disk, tmp_path):
    run = LedgerCli(str(small_disk / "ledger.db"))
    run("init", as_=None)
    run("scenario", "add", "sahel-2026", "--title", "Sahel")
    run("question", "add", "--scenario", "sahel-2026", "--slug", "minerals", "--title", "Minerals deal?",
        "--criteria", "Both governments announce a signed agreement.", "--closes", "2099-12-31")
    run("forecast", "minerals", "70%")
    before = run.state()
    csv = write_csv(tmp_path / "medium.csv", 2_000)  # a few MiB of ledger: more than is left
    for args in (("import", str(csv)), ("forecast", "minerals", "65%")):
        filler = _fill(small_disk)
        error = run(*args, code=1).stderr
        assert error.startswith(f"error: the database at sqlite:///{run.url} is full (no space left on its disk, or at "
                                "its size limit): ") and error.endswith("; nothing was written\n")
        # While the disk stays full even reads fail the same way (SQLite needs room for the WAL index).
        filler.unlink()  # room again: nothing was lost
        assert run.state() == before
        run("verify")
    run("forecast", "minerals", "65%")
    run("import", str(csv))
    run("verify")


def test_a_ledger_at_its_size_limit_exits_1_and_loses_nothing(tmp_path, monkeypatch):
    """Where no filesystem can be mounted, SQLite's `max_page_count` makes the file "full" too."""
    import ledger.store.ledger as ledger_module

    run = LedgerCli(str(tmp_path / "ledger.db"))
    run("init", as_=None)
    run("scenario", "add", "sahel-2026", "--title", "Sahel")
    run("question", "add", "--scenario", "sahel-2026", "--slug", "minerals", "--title", "Minerals deal?",
        "--criteria", "Both governments announce a signed agreement.", "--closes", "2099-12-31")
    pages = sqlite3.connect(run.url).execute("PRAGMA page_count").fetchone()[0]
    real = ledger_module.make_engine

    def limited(url: str):
        engine = real(url)
        event.listen(engine, "connect", lambda dbapi, _: dbapi.execute(f"PRAGMA max_page_count = {pages + 8}"))
        return engine

    monkeypatch.setattr(ledger_module, "make_engine", limited)
    before = run.state()
    error = run("import", str(write_csv(tmp_path / "medium.csv", 2_000)), code=1).stderr
    assert error == "error: import failed while writing questions: database or disk is full\n"
    assert run.state() == before
    run("verify")
    monkeypatch.setattr(ledger_module, "make_engine", real)
    run("forecast", "minerals", "65%", as_="amina")
    run("verify")


# -- a retrying script ----------------------------------------------------------------------------------


def test_a_script_that_submits_the_same_forecast_twice_records_two_forecasts(sahel: LedgerCli):
    counts, head = sahel.state()
    first = sahel("forecast", "minerals", "70%", "--why", "retry", as_="amina").stdout
    second = sahel("forecast", "minerals", "70%", "--why", "retry", as_="amina").stdout
    assert first != second  # two forecast ids
    assert sahel.state()[0]["forecasts"] == counts["forecasts"] + 2
    assert sahel.state()[1]["seq"] == head["seq"] + 2  # each one its own journal entry
    shown = [f for f in sahel.json("question", "show", "minerals")["forecasts"] if f["rationale"] == "retry"]
    assert len(shown) == 2 and shown[0]["made_at"] <= shown[1]["made_at"]
    sahel("verify")
