"""The README runs: its first set-up command's `ledger demo`, then every shell block of the tour,
in order, in one `bash -e` shell, each command exiting 0.

The set-up command's install part (venv, pip) is skipped: the `ledger` console script of the
package installed for this interpreter stands in for it (it is first on `PATH`). `TMPDIR` points
into the test's folder so the tour's `mktemp -d` makes its temporary `LEDGER_DB` there.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")
BIN = Path(sys.executable).parent

_SH_BLOCK = re.compile(r"^```sh\n(.*?)^```$", re.S | re.M)


def section(title: str) -> str:
    """The text of the `## title` section, up to the next `## ` heading."""
    start = README.index(f"\n## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start:] if end < 0 else README[start:end]


def shell_blocks(text: str) -> list[str]:
    return _SH_BLOCK.findall(text)


def commands(block: str) -> list[str]:
    """The block's commands, one per logical line (backslash continuations joined)."""
    joined = re.sub(r"\\\n", " ", block)
    return [line.strip() for line in joined.splitlines() if line.strip()]


INSTALL = "python3 -m venv .venv && .venv/bin/pip install -q . && "


def session_part(first: str) -> str:
    """The first set-up command without its install: `ledger demo`, run from the console script."""
    assert first.startswith(INSTALL), first
    return first[len(INSTALL):].replace(".venv/bin/ledger", "ledger", 1)


def script() -> tuple[str, list[str]]:
    """The bash script and the README commands it runs, in order."""
    [first, _tests] = shell_blocks(section("Two commands"))
    session = session_part(first.strip())
    tour = [c for block in shell_blocks(section("A tour")) for c in commands(block)]
    lines = [
        "set -o pipefail; shopt -s inherit_errexit",
        "trap 'echo \"README command failed: $BASH_COMMAND\" >&2' ERR",
    ]
    for command in [session, *tour]:
        # `bash -e` does not stop inside `a && b` when `a` fails: check each command's status too.
        lines += [command, f"rc=$?; [ $rc -eq 0 ] || {{ echo \"exit $rc: \"{shlex.quote(command)} >&2; exit 1; }}"]
    lines.append('echo "LEDGER_DB=$LEDGER_DB"; echo "LEDGER=$(command -v ledger)"')
    return "\n".join(lines) + "\n", [session, *tour]


def test_readme_holds_two_setup_commands_and_a_tour() -> None:
    blocks = shell_blocks(section("Two commands"))
    assert len(blocks) == 2
    assert all(len(commands(b)) == 1 for b in blocks)
    assert blocks[0].strip() == INSTALL + ".venv/bin/ledger demo"
    assert blocks[1].strip() == "python3 -m venv .venv && .venv/bin/pip install -q -e '.[dev]' && .venv/bin/pytest -q"
    assert "reports/demo/report.html" in section("Two commands")  # which file to open
    tour = shell_blocks(section("A tour"))
    assert len(tour) >= 3
    assert commands(tour[0])[0].startswith('export PATH="$PWD/.venv/bin:$PATH" LEDGER_DB="$(mktemp -d)/ledger.db"')


def test_the_session_and_the_tour_run_top_to_bottom(tmp_path: Path) -> None:
    assert (BIN / "ledger").exists(), f"no ledger console script beside {sys.executable}"
    work = tmp_path / "work"
    work.mkdir()
    text, ran = script()
    (tmp_path / "readme.sh").write_text(text, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGER_")}
    env.update(PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}", TMPDIR=str(tmp_path), LC_ALL="C.UTF-8")
    done = subprocess.run(["bash", "-e", str(tmp_path / "readme.sh")], cwd=work, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr}"

    assert len(ran) >= 20  # the demo, then the tour's commands
    out = done.stdout
    assert "report: reports/demo/report.html" in out and (work / "reports/demo/report.html").exists()
    assert f"LEDGER=" + str(BIN / "ledger") in out.splitlines()
    [db] = [line[len("LEDGER_DB="):] for line in out.splitlines() if line.startswith("LEDGER_DB=")]
    assert Path(db).parent.parent == tmp_path  # made by `mktemp -d` under TMPDIR
    # A few lines the tour's prose quotes or relies on.
    assert "recorded 70% (likely) on #1 (forecast 3)" in out
    assert "added choice question #2 aes-joint-force" in out
    assert "corrected #1 us-mali-minerals-deal: no" in out
    assert "same bytes" in out
    assert "matches the quoted head" in done.stderr
    assert re.search(r"^ok: \d+ entries, head \d+:[0-9a-f]{64}$", out, re.M)
