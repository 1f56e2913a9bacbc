"""Work done on the machine's other core: a forked child process that runs one function and sends
back what it returns (pickled, over a pipe). The report's figures and the second half of a large
CSV are done this way. A child is started only where `fork` is safe (Linux, no other thread
running); a caller that gets no child, or a child that fails, does the work itself.
"""

from __future__ import annotations

import os
import pickle
import struct
import sys
import threading
from typing import Any, Callable

_LENGTH = struct.Struct("<Q")


class ChildFailed(Exception):
    """The child died, or its function raised (the caller does the work itself)."""


class Child:
    """A forked process running `work(receive)`, where `receive()` gives the next object `send`s."""

    def __init__(self, pid: int, to_child: int, from_child: int) -> None:
        self._pid: int | None = pid
        self._to_child: int | None = to_child
        self._from_child: int | None = from_child

    @classmethod
    def start(cls, work: Callable[[Callable[[], Any]], Any]) -> "Child | None":
        """Fork a child running `work`; None where that cannot be done safely."""
        if not sys.platform.startswith("linux") or threading.active_count() != 1:
            return None
        down_r, down_w = os.pipe()
        up_r, up_w = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            for fd in (down_r, down_w, up_r, up_w):
                os.close(fd)
            return None
        if pid == 0:  # pragma: no cover - the child; what it does is checked through its result
            os.close(down_w)
            os.close(up_r)
            _run(work, down_r, up_w)
        os.close(down_r)
        os.close(up_w)
        return cls(pid, down_w, up_r)

    @property
    def pid(self) -> int | None:
        return self._pid

    def send(self, value: Any) -> bool:
        """Give the child `value` (its next `receive()`); False if it is gone."""
        if self._to_child is None:
            return False
        try:
            _send(self._to_child, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
            return True
        except OSError:
            return False

    def result(self) -> Any:
        """What `work` returned; the child is then reaped.

        Raises:
            ChildFailed: it raised, died or said nothing.
        """
        if self._from_child is None:
            raise ChildFailed("the child has ended")
        if self._to_child is not None:  # nothing more to send: a receive() now sees the end
            os.close(self._to_child)
            self._to_child = None
        try:
            status, value = pickle.loads(_receive(self._from_child))
        except (OSError, EOFError, pickle.UnpicklingError) as exc:
            raise ChildFailed(f"the child said nothing usable ({exc})") from None
        finally:
            self.end()
        if status != "ok":
            raise ChildFailed(value)
        return value

    def end(self) -> None:
        """Close the pipes (a waiting child sees the end and exits) and reap the child."""
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


class _Ended(Exception):
    """The parent closed the pipe without sending (it needs nothing more)."""


def _run(work: Callable[[Callable[[], Any]], Any], inbox: int, outbox: int) -> None:  # pragma: no cover
    """The child's life: run `work`, send back what it returned or that it failed; never return."""
    code = 0

    def receive() -> Any:
        data = _receive(inbox)
        if not data:
            raise _Ended
        return pickle.loads(data)

    try:
        try:
            answer = ("ok", work(receive))
        except _Ended:
            answer = None
        except Exception as exc:  # noqa: BLE001 - the parent does the work itself and says what is wrong
            answer = ("failed", repr(exc))
        if answer is not None:
            _send(outbox, pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))
    except BaseException:  # noqa: BLE001 - Ctrl-C, a closed pipe: the parent does the work itself
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
