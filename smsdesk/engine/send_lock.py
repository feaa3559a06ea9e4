"""One sender per database at a time, so crash recovery never touches someone else's requests.

After a crash, messages left inflight are put in doubt.  That is only right when nobody is
sending: the window and a ``smsdesk send`` in a terminal could otherwise mark each other's
requests in flight as in doubt.  The lock is an OS file lock next to the database, released by
the operating system even when the process is killed.  Inside one process, several campaigns
may share it (the window's test send while a campaign runs); recovery only happens when the
process takes it first.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from smsdesk.errors import UserFacingError
from smsdesk.i18n import tr

_lock = threading.Lock()
_held: dict[str, tuple[int, int]] = {}
"""Lock file path -> (file descriptor, how many users in this process)."""


class SendingElsewhere(UserFacingError):
    """Another smsdesk process is sending from the same database."""


def lock_path(conn: sqlite3.Connection) -> Path:
    row = conn.execute("PRAGMA database_list").fetchone()
    return Path(row[2] + ".sending")


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _unlock(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_UN)


@contextmanager
def sending_lock(conn: sqlite3.Connection) -> Iterator[bool]:
    """Hold the database's send lock; yields True when this process had not held it already.

    Raises :class:`SendingElsewhere` when another process holds it.
    """
    key = str(lock_path(conn))
    with _lock:
        fd, users = _held.get(key, (-1, 0))
        first = users == 0
        if first:
            fd = os.open(key, os.O_RDWR | os.O_CREAT, 0o600)
            if not _try_lock(fd):
                os.close(fd)
                raise SendingElsewhere(
                    tr("Another smsdesk window or command is sending right now; wait for it to finish.")
                )
        _held[key] = (fd, users + 1)
    try:
        yield first
    finally:
        with _lock:
            fd, users = _held[key]
            if users == 1:
                del _held[key]
                _unlock(fd)
                os.close(fd)
            else:
                _held[key] = (fd, users - 1)
