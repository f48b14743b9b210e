"""A browser that cannot start stops the run after a bounded, short attempt (no real Chromium needed:
what is checked is how many tries a failure gets and what the one line says)."""

from __future__ import annotations

import time

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
