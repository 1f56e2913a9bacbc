"""Draws a report's figures on the machine's other core: a child process, forked before the ledger
is read, imports matplotlib while the parent reads and builds the report, then draws the figures
(`figures.draw`) while the parent renders the page around them. The page is rendered with a
placeholder for each figure, filled in once the drawings are back, so the bytes are the same as
drawing in-process (tested). Where there is no `fork` (or other threads are running, or the child
fails), the figures are drawn in-process, as they always could be.
"""

from __future__ import annotations

import os
import pickle
import struct
import sys
import threading
from contextlib import contextmanager
from typing import Iterator

from ledger.reports.figures import FigureJob, draw

_LENGTH = struct.Struct("<Q")


class Drawer:
    """Where a report's figures get drawn: `submit` a job, later take its `result`."""

    def __init__(self) -> None:
        self._pid: int | None = None
        self._to_child: int | None = None
        self._from_child: int | None = None
        self._job: FigureJob | None = None

    @classmethod
    @contextmanager
    def started(cls, *, fork: bool = True) -> Iterator["Drawer"]:
        """A drawer with its child process started (when `fork` and the platform allow), ended
        and reaped on the way out, whatever happened in between."""
        drawer = cls()
        if fork and sys.platform.startswith("linux") and threading.active_count() == 1:
            drawer._fork()
        try:
            yield drawer
        finally:
            drawer._end()

    @property
    def forked(self) -> bool:
        """Whether a child process is drawing (or ready to)."""
        return self._pid is not None

    def submit(self, job: FigureJob) -> None:
        """Hand `job` over: to the child if there is one, else kept to draw in `result`."""
        self._job = job
        if self._pid is None:
            return
        try:
            _send(self._to_child, pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:  # the child is gone: draw here instead
            self._end()
        else:
            os.close(self._to_child)
            self._to_child = None

    def result(self) -> dict[str, bytes]:
        """Name -> SVG of the submitted job's figures."""
        if self._job is None:
            raise RuntimeError("no figure job was submitted")
        if self._pid is not None:
            try:
                status, value = pickle.loads(_receive(self._from_child))
            except (OSError, EOFError, pickle.UnpicklingError):
                status, value = "failed", None
            self._end()
            if status == "ok":
                return value
        return draw(self._job)  # in-process: also how a failure in the child is told, with its traceback

    def _fork(self) -> None:
        down_r, down_w = os.pipe()
        up_r, up_w = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            for fd in (down_r, down_w, up_r, up_w):
                os.close(fd)
            return
        if pid == 0:  # pragma: no cover - the child; its work is checked by the parent's result
            os.close(down_w)
            os.close(up_r)
            _child(down_r, up_w)
        os.close(down_r)
        os.close(up_w)
        self._pid, self._to_child, self._from_child = pid, down_w, up_r

    def _end(self) -> None:
        for name in ("_to_child", "_from_child"):
            fd = getattr(self, name)
            if fd is not None:
                os.close(fd)
                setattr(self, name, None)
        if self._pid is not None:
            try:
                os.waitpid(self._pid, 0)
            except ChildProcessError:  # pragma: no cover - reaped elsewhere
                pass
            self._pid = None


def _child(job_fd: int, out_fd: int) -> None:  # pragma: no cover - runs in the forked child
    """Import what drawing needs, wait for the job, draw it, send the SVGs back; never return."""
    code = 0
    try:
        from ledger.reports import plots

        plots.prepare()
        data = _receive(job_fd)
        if data:
            try:
                answer = ("ok", draw(pickle.loads(data)))
            except Exception as exc:  # noqa: BLE001 - the parent draws again and says what is wrong
                answer = ("failed", repr(exc))
            _send(out_fd, pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))
    except BaseException:  # noqa: BLE001 - Ctrl-C, a closed pipe: the parent draws in-process
        code = 1
    finally:
        os._exit(code)


def _send(fd: int, data: bytes) -> None:
    view = memoryview(_LENGTH.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view):]


def _receive(fd: int) -> bytes:
    """One message from `fd`: b'' if the other side closed it without sending one."""
    head = _read_exactly(fd, _LENGTH.size)
    if not head:
        return b""
    if len(head) != _LENGTH.size:
        raise EOFError("the message was cut short")
    (length,) = _LENGTH.unpack(head)
    body = _read_exactly(fd, length)
    if len(body) != length:
        raise EOFError("the message was cut short")
    return body


def _read_exactly(fd: int, n: int) -> bytes:
    parts, got = [], 0
    while got < n:
        chunk = os.read(fd, min(n - got, 1 << 20))
        if not chunk:
            break
        parts.append(chunk)
        got += len(chunk)
    return b"".join(parts)
