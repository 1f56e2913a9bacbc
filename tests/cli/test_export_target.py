"""`ledger export --out` never leaves half a file: it writes a temporary file beside the target
and renames it into place when complete; targets that are not regular files are written directly."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from tests.conftest import LedgerCli


def test_a_failed_export_keeps_the_old_file_and_leaves_no_temporary(sahel: LedgerCli, tmp_path: Path, monkeypatch):
    target = tmp_path / "backup.jsonl"
    target.write_text("the previous backup\n")
    import ledger.io.jsonl as jsonl

    def half(lines, stream):
        stream.write(next(iter(lines)) + "\n")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(jsonl, "write_jsonl", half)
    result = sahel("export", "--out", str(target), code=1)
    assert "No space left on device" in result.stderr
    assert target.read_text() == "the previous backup\n"
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_an_export_replaces_the_file_whole_with_ordinary_permissions(sahel: LedgerCli, tmp_path: Path):
    target = tmp_path / "out" / "backup.jsonl"
    target.parent.mkdir()
    sahel("export", "--out", str(target))
    lines = target.read_text().splitlines()
    assert lines[0].startswith('{"type": "analyst"')
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask
    assert [p.name for p in target.parent.iterdir()] == ["backup.jsonl"]


def test_an_export_to_dev_null_is_written_directly(sahel: LedgerCli):
    assert "wrote" in sahel("export", "--out", os.devnull).stderr
