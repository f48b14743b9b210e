"""Pacing that keeps a real account safe: jittered delays and a daily cap that outlives runs."""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import logging
import math
import os
import random
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from scraper.errors import AccountInUse
from scraper.models import DEFAULT_ACCOUNT

log = logging.getLogger(__name__)

# Defaults for a real account: tens of seconds apart and well under LinkedIn's commercial-use limits.
DEFAULT_MIN_DELAY_S = 20.0
DEFAULT_MAX_DELAY_S = 45.0
DEFAULT_DAILY_CAP = 80


@dataclass
class Pacer:
    """Jittered waits between profiles, each announced with the position and an ETA for the run."""

    min_delay_s: float = DEFAULT_MIN_DELAY_S
    max_delay_s: float = DEFAULT_MAX_DELAY_S
    rng: random.Random | None = None
    sleep: Callable[[float], None] = time.sleep
    _work_s: list[float] = field(default_factory=list, init=False, repr=False)

    def __post_init__(self) -> None:
        # `inf` or `nan` would silently switch pacing off (a nan comparison is always False).
        finite = math.isfinite(self.min_delay_s) and math.isfinite(self.max_delay_s)
        if not finite or self.min_delay_s < 0 or self.max_delay_s < self.min_delay_s:
            raise ValueError(
                f"delays must be finite and satisfy 0 <= min <= max, got {self.min_delay_s}, {self.max_delay_s}"
            )

    def next_delay(self) -> float:
        rng = self.rng or random
        return rng.uniform(self.min_delay_s, self.max_delay_s)

    def eta_s(self, done: int, total: int, delay: float) -> float | None:
        """Seconds until the last profile is done: this wait, then the rest at the pace seen so far."""
        if not self._work_s:
            return None
        left = total - done
        per_profile = sum(self._work_s) / len(self._work_s)
        mean_delay = (self.min_delay_s + self.max_delay_s) / 2
        return delay + left * per_profile + max(left - 1, 0) * mean_delay

    def wait(self, done: int | None = None, total: int | None = None, work_s: float | None = None) -> float:
        """Sleep before the next profile. Given the position (`done` of `total`) and what the last
        profile took (`work_s`), log a line first with an ETA for the run."""
        if work_s is not None:
            self._work_s.append(work_s)
        delay = self.next_delay()
        if delay > 0 and done is not None and total is not None:
            eta = self.eta_s(done, total, delay)
            finish = ""
            if eta is not None:
                end = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=eta)
                finish = f"; about {_duration(eta)} left, done near {end:%H:%M} UTC"
            log.info(
                "profile %d/%d done; waiting %.0fs before the next%s",
                done,
                total,
                delay,
                finish,
                extra={"fields": {"position": done, "total": total, "wait_s": round(delay, 1)}},
            )
        if delay > 0:
            self.sleep(delay)
        return delay


def _duration(seconds: float) -> str:
    minutes, secs = divmod(int(seconds + 0.5), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours}h{minutes:02d}m"
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


def account_state_dir(state_dir: Path, account: str) -> Path:
    """What outlives runs for one account: its daily count and its lease."""
    return state_dir / "accounts" / account


class DailyCap:
    """Profiles visited per UTC day by one account, counted in
    `<state_dir>/accounts/<account>/daily-cap.json` under a file lock so that every run of the account
    shares one count."""

    def __init__(
        self,
        state_dir: Path,
        cap: int,
        today: Callable[[], dt.date] | None = None,
        account: str = DEFAULT_ACCOUNT,
    ) -> None:
        directory = account_state_dir(state_dir, account)
        self.path = directory / "daily-cap.json"
        self.cap = cap
        self.account = account
        self._today = today or (lambda: dt.datetime.now(dt.UTC).date())
        directory.mkdir(parents=True, exist_ok=True)

    def _update(self, take: bool) -> tuple[int, bool]:
        """Read today's count and, if `take` and the cap allows, add one, all under one exclusive
        lock: no other process can read between our read and our write. Returns (count, taken)."""
        with open(self.path, "a+", encoding="utf-8") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)  # released when the file is closed
            fh.seek(0)
            day = self._today().isoformat()
            try:
                data = json.loads(fh.read() or "{}")
                count = int(data.get(day, 0))
            except (json.JSONDecodeError, AttributeError, TypeError, ValueError):
                log.warning("daily cap file %s was corrupt; starting a new count", self.path)
                count = 0
            if not take or count >= self.cap:
                return count, False
            count += 1
            fh.seek(0)
            fh.truncate()
            json.dump({day: count}, fh)
            fh.flush()
            os.fsync(fh.fileno())
            return count, True

    def used(self) -> int:
        return self._update(take=False)[0]

    def try_take(self) -> bool:
        """Count one visit if the cap allows it; the check and the take are one locked step."""
        return self._update(take=True)[1]


class AccountLease:
    """One scrape per account at a time, wherever it runs: an exclusive lock on
    `<state_dir>/accounts/<account>/lease.lock` on the shared volume, held for the whole run. The
    kernel drops it when the process dies, so a killed pod never blocks the next run. (On NFS v4, as
    EFS serves it, Linux turns `flock` into a lock the server holds, so it holds across nodes.)"""

    def __init__(self, state_dir: Path, account: str) -> None:
        self.path = self.lease_path(state_dir, account)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.account = account
        self._fh: IO[str] | None = None

    @staticmethod
    def lease_path(state_dir: Path, account: str) -> Path:
        return account_state_dir(state_dir, account) / "lease.lock"

    def __enter__(self) -> AccountLease:
        fh = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held until __exit__
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "another process"
            fh.close()
            raise AccountInUse(
                f"account {self.account} is in use by another scrape ({holder}; lock {self.path}): "
                "one account browses from one place at a time"
            ) from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()} on {socket.gethostname()}\n")
        fh.flush()
        self._fh = fh
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fh is not None:
            self._fh.close()  # releases the lock
            self._fh = None
