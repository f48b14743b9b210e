"""Pacing that keeps a real account safe: jittered delays and a daily cap that outlives runs."""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import logging
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

# Defaults for a real account: tens of seconds apart and well under LinkedIn's commercial-use limits.
DEFAULT_MIN_DELAY_S = 20.0
DEFAULT_MAX_DELAY_S = 45.0
DEFAULT_DAILY_CAP = 80


@dataclass
class Pacer:
    min_delay_s: float = DEFAULT_MIN_DELAY_S
    max_delay_s: float = DEFAULT_MAX_DELAY_S
    rng: random.Random | None = None
    sleep: Callable[[float], None] = time.sleep

    def __post_init__(self) -> None:
        if self.min_delay_s < 0 or self.max_delay_s < self.min_delay_s:
            raise ValueError(
                f"delays must satisfy 0 <= min <= max, got {self.min_delay_s}, {self.max_delay_s}"
            )

    def next_delay(self) -> float:
        rng = self.rng or random
        return rng.uniform(self.min_delay_s, self.max_delay_s)

    def wait(self) -> float:
        delay = self.next_delay()
        if delay > 0:
            self.sleep(delay)
        return delay


class DailyCap:
    """Profiles visited per UTC day, counted in `<state_dir>/daily-cap.json` under a file lock so that
    several shards (and several runs) share one count."""

    def __init__(self, state_dir: Path, cap: int, today: Callable[[], dt.date] | None = None) -> None:
        self.path = state_dir / "daily-cap.json"
        self.cap = cap
        self._today = today or (lambda: dt.datetime.now(dt.UTC).date())
        state_dir.mkdir(parents=True, exist_ok=True)

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
