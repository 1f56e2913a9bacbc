"""The report's figures drawn in a forked child (`ledger.reports.drawer`): the same bytes as drawn
in-process, for HTML and Markdown; a child that fails, dies or is never given a job leaves the
drawing to the parent and no process behind."""

from __future__ import annotations

import os
import signal
import threading

import pytest

from ledger.reports import drawer as drawer_module
from ledger.reports.drawer import Drawer
from ledger.reports.figures import draw, job_of
from ledger.reports.html import render_html
from ledger.reports.markdown import render_markdown


def _gone(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_the_figures_drawn_in_the_child_are_the_bytes_drawn_here(small_report):
    job = job_of(small_report)
    assert {"calibration", "discrimination"} <= set(job.names)  # the job has figures to draw
    here_html, here_md = render_html(small_report), render_markdown(small_report)
    with Drawer.started() as drawer:
        assert drawer.forked
        pid = drawer._child.pid
        child_html = render_html(small_report, drawer)
    assert _gone(pid)
    with Drawer.started() as drawer:
        child_md = render_markdown(small_report, drawer)
    assert child_html == here_html
    assert child_md == here_md
    assert b"ledger-figure-" not in child_html  # every placeholder was filled
    assert child_html.count(b"data:image/svg+xml;base64,") == len(job.names)


def test_a_child_that_fails_to_draw_leaves_it_to_the_parent(small_report, monkeypatch):
    parent = os.getpid()

    def draw_only_in_the_parent(job):
        if os.getpid() != parent:
            raise RuntimeError("no drawing in the child")
        return draw(job)

    monkeypatch.setattr(drawer_module, "draw", draw_only_in_the_parent)  # the child has it too: forked
    with Drawer.started() as drawer:
        assert drawer.forked
        html = render_html(small_report, drawer)
    assert html == render_html(small_report)


def test_a_child_whose_pipe_breaks_leaves_it_to_the_parent(small_report):
    with Drawer.started() as drawer:
        pid = drawer._child.pid
        os.kill(pid, signal.SIGKILL)
        html = render_html(small_report, drawer)  # the job cannot be sent, or no answer comes
    assert html == render_html(small_report)
    assert _gone(pid)


def test_a_report_that_fails_before_its_figures_leaves_no_child():
    with pytest.raises(ValueError):
        with Drawer.started() as drawer:
            pid = drawer._child.pid
            raise ValueError("the ledger could not be read")
    assert pid is not None and _gone(pid)


def test_no_child_while_other_threads_run(small_report):
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        with Drawer.started() as drawer:
            assert not drawer.forked
            html = render_html(small_report, drawer)
    finally:
        stop.set()
        other.join()
    assert html == render_html(small_report)
