"""The HTML report opened in headless Chromium (Debian's `chromium`): no console message (a CSP
violation or a script error is one), no request for anything but the file itself, and a
screenshot that is not blank. In CI (`CI=true`) a missing browser fails; elsewhere it skips.

No DevTools protocol: Chromium's own verbose log names every console message (`CONSOLE`) and
every URL request (`NotifyBeforeURLRequest`). The browser's background services (updates,
accounts, dictionaries) also request things; they are told apart by host, and host resolution is
mapped to nothing so none of them leaves the machine."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import LedgerCli
from tests.reports.conftest import AS_OF
from tests.reports.test_report_output import HOSTILE, import_lines

#: Hosts Chromium's own background services contact at start-up, whatever the page.
BROWSER_SERVICES = ("google.com", "googleapis.com", "gvt1.com", "gstatic.com", "googleusercontent.com")


def chromium() -> str:
    found = shutil.which("chromium") or (os.path.exists("/usr/bin/chromium") and "/usr/bin/chromium")
    if not found:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is missing in CI: .ci/run installs it with apt-get")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return found


def open_in_browser(page: Path, shot: Path, profile: Path, height: int = 3000) -> str:
    """Screenshot `page` at 1200 px wide; Chromium's verbose log."""
    done = subprocess.run(
        [chromium(), "--headless", "--disable-gpu", "--no-sandbox", "--hide-scrollbars", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={profile}", "--host-resolver-rules=MAP * ~NOTFOUND", "--enable-logging=stderr",
         "--v=1", f"--screenshot={shot}", f"--window-size=1200,{height}", page.resolve().as_uri()],
        capture_output=True, text=True, timeout=120,
    )
    assert shot.exists(), done.stderr[-3000:]
    return done.stderr


def page_requests(log: str) -> list[str]:
    urls = re.findall(r"NotifyBeforeURLRequest: (\S+)", log)
    return [u for u in urls if not (urlsplit(u).hostname or "").endswith(BROWSER_SERVICES)]


def not_blank(shot: Path) -> None:
    from matplotlib.image import imread

    pixels = imread(str(shot))[..., :3]
    assert pixels.shape[1] == 1200
    assert pixels.std() > 0.05, "the screenshot is (nearly) one colour"
    assert (pixels.mean(axis=2) < 0.5).mean() > 0.01, "hardly any dark pixels: no text drawn"


@pytest.mark.parametrize("which", ["small", "hostile"])
def test_report_in_headless_chromium(run: LedgerCli, tmp_path, which):
    if which == "small":
        run("import", str(Path(__file__).parent / "small.jsonl"))
    else:
        import_lines(run, tmp_path, HOSTILE, "hostile.jsonl")
    page = tmp_path / "report.html"
    run("report", "--as-of", AS_OF, "--out", str(page))
    log = open_in_browser(page, tmp_path / "shot.png", tmp_path / "profile")
    assert [line for line in log.splitlines() if ":CONSOLE" in line] == []
    assert page_requests(log) == []
    not_blank(tmp_path / "shot.png")


def test_the_checks_see_a_request_and_a_console_message(tmp_path):
    """The same checks on a page that breaks both rules (no CSP, an image from elsewhere, a script)."""
    page = tmp_path / "bad.html"
    page.write_text('<!DOCTYPE html><p>hi</p><img src="http://tracker.example/x.png">'
                    '<script>console.error("boom")</script>', encoding="utf-8")
    log = open_in_browser(page, tmp_path / "shot.png", tmp_path / "profile", height=400)
    assert page_requests(log) == ["http://tracker.example/x.png"]
    assert any(":CONSOLE" in line and "boom" in line for line in log.splitlines())
