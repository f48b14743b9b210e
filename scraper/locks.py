"""One holder at a time for a file on the shared volume: a run directory (`rundir.locked`) or an
account (`pacing.account_lease`).

The lock is the kernel's flock on the lock file, not the file's existence: it goes when its holder's
process ends, however it ends, so a killed pod never blocks the next run. On NFS (EFS) Linux turns
flock into a whole-file POSIX lock that the server arbitrates between nodes. The file's text only says
who holds the lock (command, pid, host, since), for the message of the process that is refused.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import logging
import os
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from scraper.errors import ScraperError, WriteFailed

log = logging.getLogger(__name__)


@contextmanager
def held(lock_file: Path, command: str, in_use: Callable[[str | None], ScraperError]) -> Iterator[None]:
    """Hold `lock_file` for `command`, or raise `in_use(holder)` at once (holder: who has it, if known)."""
    try:
        lock_file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise WriteFailed(lock_file, exc) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise in_use(_holder(fd)) from None
        holder = {
            "command": command,
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "since": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, (json.dumps(holder) + "\n").encode(), 0)
        except OSError as exc:  # the lock holds all the same; only the name of its holder is missing
            log.warning("could not write the holder into %s: %s", lock_file, exc.strerror)
        yield
    finally:
        os.close(fd)  # releases the lock


def _holder(fd: int) -> str | None:
    """Who holds the lock, as its holder wrote it (None if unreadable: it may be writing it now)."""
    try:
        holder = json.loads(os.pread(fd, 4096, 0))
        return f"{holder['command']} pid {holder['pid']} on {holder['host']} since {holder['since']}"
    except (OSError, ValueError, KeyError, TypeError):
        return None
