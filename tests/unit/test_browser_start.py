"""A browser that cannot start stops the run after a bounded, short attempt (no real Chromium needed:
what is checked is how many tries a failure gets and what the one line says)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from scraper.browser import Browser, BrowserConfig, BrowserCrashed
from scraper.errors import BrowserUnavailable


def _failing_start(browser: Browser, seconds: float) -> list[float]:
    tries: list[float] = []

    def start_once() -> None:
        tries.append(time.monotonic())
        time.sleep(seconds)
        raise BrowserCrashed("session not created: DevToolsActivePort file doesn't exist")

    browser._probe = lambda: None  # type: ignore[method-assign] - the binaries answer --version
    browser._start_once = start_once  # type: ignore[method-assign]
    return tries


def test_a_quick_crash_gets_a_second_try() -> None:
    browser = Browser(BrowserConfig(start_attempts=2, start_retry_within_s=20))
    tries = _failing_start(browser, 0)
    with pytest.raises(BrowserUnavailable, match=r"did not start \(2 tries\): session not created"):
        browser.start()
    assert len(tries) == 2


def test_a_start_that_hung_is_not_repeated() -> None:
    # chromedriver waits a fixed 60 s for a Chromium that hangs: a second try would double it.
    browser = Browser(BrowserConfig(start_attempts=2, start_retry_within_s=0.2))
    tries = _failing_start(browser, 0.3)
    with pytest.raises(BrowserUnavailable, match=r"did not start \(1 try\)"):
        browser.start()
    assert len(tries) == 1


def _running(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status")
    try:
        return "\nState:\tZ" not in status.read_text()
    except FileNotFoundError:
        return False


def test_a_binary_that_hangs_on_version_leaves_nothing_running(tmp_path: Path) -> None:
    # Debian's chromium is a shell script: killing only the script left what it started running.
    pidfile = tmp_path / "child.pid"
    binary = tmp_path / "chromium"
    binary.write_text(f"#!/bin/sh\nsleep 60 &\necho $! > {pidfile}\nwait\n")
    binary.chmod(0o755)
    browser = Browser(BrowserConfig(chromium=str(binary), probe_timeout_s=0.5))
    with pytest.raises(BrowserUnavailable, match=r"did not answer --version within 0.5 s"):
        browser._probe()
    child = int(pidfile.read_text())
    deadline = time.monotonic() + 5
    while _running(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _running(child)
