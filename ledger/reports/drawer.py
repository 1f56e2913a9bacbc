"""Draws a report's figures on the machine's other core (`ledger.core.child`): a child process,
forked before the ledger is read, imports matplotlib while the parent reads and builds the report,
then draws the figures (`figures.draw`) while the parent renders the page around them. The page is
rendered with a placeholder for each figure, filled in once the drawings are back, so the bytes
are the same as drawing in-process (tested). Where no child can be had, or it fails, the figures
are drawn in-process, as they always could be.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Callable, Iterator

from ledger.core.child import Child, ChildFailed
from ledger.reports.figures import FigureJob, draw


def _draw_when_told(receive: Callable[[], Any]) -> dict[str, bytes]:  # pragma: no cover - in the child
    from ledger.reports import plots

    plots.prepare()
    return draw(receive())


class Drawer:
    """Where a report's figures get drawn: `submit` a job, later take its `result`."""

    def __init__(self, child: Child | None = None) -> None:
        self._child = child
        self._job: FigureJob | None = None

    @classmethod
    @contextmanager
    def started(cls, *, fork: bool = True) -> Iterator["Drawer"]:
        """A drawer with its child process started (when `fork` and the platform allow), ended
        and reaped on the way out, whatever happened in between."""
        drawer = cls(Child.start(_draw_when_told) if fork else None)
        try:
            yield drawer
        finally:
            if drawer._child is not None:
                drawer._child.end()

    @property
    def forked(self) -> bool:
        """Whether a child process is drawing (or ready to)."""
        return self._child is not None

    @property
    def submitted(self) -> bool:
        """Whether a job was handed over (the builder does as soon as it has the figures' data)."""
        return self._job is not None

    def submit(self, job: FigureJob) -> None:
        """Hand `job` over: to the child if there is one, else kept to draw in `result`."""
        if self._job is not None:
            raise RuntimeError("a figure job was submitted already")
        self._job = job
        if self._child is not None and not self._child.send(job):
            self._child.end()
            self._child = None

    def result(self) -> dict[str, bytes]:
        """Name -> SVG of the submitted job's figures."""
        if self._job is None:
            raise RuntimeError("no figure job was submitted")
        if self._child is not None:
            child, self._child = self._child, None
            try:
                return child.result()
            except ChildFailed:
                pass
        return draw(self._job)  # in-process: also how a failure in the child is told, with its traceback
