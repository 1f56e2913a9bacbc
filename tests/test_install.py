"""The non-editable install path (SPEC section 2): a wheel built from this checkout carries the
Alembic scripts as `ledger/migrations`, and `ledger init` works from that copy in an unrelated
folder, with nothing read from the checkout."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from ledger.store.revisions import SCHEMA_REVISION

REPO = Path(__file__).resolve().parent.parent
NO_NETWORK_HINTS = (
    "could not find a version that satisfies the requirement",
    "no matching distribution found",
    "failed to establish a new connection",
    "temporary failure in name resolution",
    "name or service not known",
    "network is unreachable",
    "connection refused",
    "read timed out",
    "max retries exceeded",
)


def _pip_wheel(out: Path, *extra: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INPUT": "1"}
    return subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", *extra, "-w", str(out), str(REPO)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from the checkout, as `pip install .` would build it."""
    out = tmp_path_factory.mktemp("wheelhouse")
    done = _pip_wheel(out)
    if done.returncode != 0:
        log = (done.stdout + done.stderr).lower()
        offline = any(hint in log for hint in NO_NETWORK_HINTS)
        if not offline:
            pytest.fail(f"pip wheel failed:\n{done.stdout}\n{done.stderr}")
        # No network for the isolated build environment: use the build backend already here.
        if importlib.util.find_spec("hatchling") is None:
            pytest.skip("cannot build the wheel: no network to fetch the build backend (hatchling) "
                        "and it is not installed here")
        done = _pip_wheel(out, "--no-build-isolation")
        if done.returncode != 0:
            pytest.fail(f"pip wheel --no-build-isolation failed:\n{done.stdout}\n{done.stderr}")
    [built] = sorted(out.glob("ledger-*.whl"))
    return built


@pytest.fixture(scope="module")
def unpacked(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel's contents: what `pip install .` would put in site-packages."""
    target = tmp_path_factory.mktemp("site")
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(target)
    return target


def run_installed(unpacked: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    """`python -m ledger ARGS` importing ledger from the unpacked wheel (dependencies from this venv)."""
    env = {k: v for k, v in os.environ.items() if k not in ("LEDGER_DB", "LEDGER_ANALYST")}
    env["PYTHONPATH"] = str(unpacked)
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=120)


def test_wheel_ships_the_migrations(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    assert "ledger/__init__.py" in names
    assert "ledger/__main__.py" in names
    assert "ledger/migrations/env.py" in names
    assert "ledger/migrations/versions/0001_initial_schema.py" in names
    for script in (REPO / "migrations" / "versions").glob("*.py"):
        assert f"ledger/migrations/versions/{script.name}" in names, f"{script.name} is not in the wheel"
    assert not any(n.startswith("migrations/") for n in names), "migrations must live inside the package"


def test_init_and_info_from_the_installed_copy(unpacked: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    data = tmp_path / "data"
    data.mkdir()
    db = str(data / "x.db")

    init = run_installed(unpacked, elsewhere, "-m", "ledger", "--db", db, "init")
    assert init.returncode == 0, init.stderr
    assert "created ledger" in init.stdout
    assert "Traceback" not in init.stderr

    where = run_installed(
        unpacked,
        elsewhere,
        "-c",
        "import json, ledger; from ledger.store.migrate import migrations_dir; "
        "print(json.dumps([ledger.__file__, str(migrations_dir())]))",
    )
    assert where.returncode == 0, where.stderr
    package_file, scripts = (Path(p).resolve() for p in json.loads(where.stdout))
    assert package_file == (unpacked / "ledger" / "__init__.py").resolve()
    assert scripts == (unpacked / "ledger" / "migrations").resolve()
    assert REPO not in package_file.parents

    info = run_installed(unpacked, elsewhere, "-m", "ledger", "--db", db, "info", "--json")
    assert info.returncode == 0, info.stderr
    shown = json.loads(info.stdout)
    assert shown["revision"] == SCHEMA_REVISION
    assert set(shown["counts"].values()) == {0}
    assert shown["head"]["seq"] == 0

    again = run_installed(unpacked, elsewhere, "-m", "ledger", "--db", db, "init")
    assert again.returncode == 0, again.stderr
    assert "up to date" in again.stdout
    assert sorted(p.name for p in elsewhere.iterdir()) == []  # nothing written where it ran


def test_the_installed_copy_writes_an_html_report(wheel: Path, unpacked: Path, tmp_path: Path) -> None:
    """The report's Jinja2 templates ship inside the package and load from the installed copy."""
    with zipfile.ZipFile(wheel) as zf:
        assert "ledger/reports/templates/report.html.j2" in zf.namelist()
    db = str(tmp_path / "x.db")
    assert run_installed(unpacked, tmp_path, "-m", "ledger", "--db", db, "init").returncode == 0
    done = run_installed(unpacked, tmp_path, "-m", "ledger", "--db", db, "report", "--as-of", "2026-12-01")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "wrote reports/report-2026-11.html\n"
    assert (tmp_path / "reports" / "report-2026-11.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_the_installed_copy_ships_the_bundled_scenario(wheel: Path, unpacked: Path, tmp_path: Path) -> None:
    """`ledger demo` reads the bundled scenario through importlib.resources: it is in the wheel."""
    with zipfile.ZipFile(wheel) as zf:
        assert "ledger/scenarios/sahel-2026.yaml" in zf.namelist()
    done = run_installed(unpacked, tmp_path, "-c", "import hashlib; from ledger.io.scenarios import bundled_scenario; "
                                                   "print(hashlib.sha256(bundled_scenario()).hexdigest())")
    assert done.returncode == 0, done.stderr
    import hashlib

    assert done.stdout.strip() == hashlib.sha256((REPO / "ledger/scenarios/sahel-2026.yaml").read_bytes()).hexdigest()
