"""What reaches a record's `errors` or a log line is one line, never a driver's stack trace."""

from __future__ import annotations

import pytest
from selenium.common.exceptions import TimeoutException, WebDriverException

from scraper.browser import Browser, BrowserCrashed
from scraper.errors import PageLoadError, one_line

STACK = ["#0 0x55d0c0a1b2c3 <unknown>", "#1 0x55d0c0a1b2c4 <unknown>"]


def _raise(exc: Exception):  # noqa: ANN202 - test helper
    def fn() -> None:
        raise exc

    return fn


def test_one_line_drops_the_driver_prefix_and_stack_trace() -> None:
    exc = WebDriverException(
        "unknown error: net::ERR_NAME_NOT_RESOLVED\n  (Session info: chrome=156)", stacktrace=STACK
    )
    assert "Stacktrace" in str(exc)
    assert one_line(exc) == "unknown error: net::ERR_NAME_NOT_RESOLVED"
    assert len(one_line("x" * 5000)) <= 300
    assert one_line(KeyError()) == "KeyError"


@pytest.mark.parametrize(
    ("exc", "kind", "says"),
    [
        (
            WebDriverException("disconnected: not connected to DevTools", stacktrace=STACK),
            BrowserCrashed,
            "disconnected",
        ),
        (
            WebDriverException("unknown error: net::ERR_CONNECTION_REFUSED", stacktrace=STACK),
            PageLoadError,
            "ERR_CONNECTION_REFUSED",
        ),
        (
            TimeoutException("timeout: Timed out receiving message from renderer: -0.001", stacktrace=STACK),
            PageLoadError,
            "load timed out",
        ),
    ],
)
def test_browser_failures_become_one_line_errors(exc: Exception, kind: type, says: str) -> None:
    browser = Browser()
    browser._stop_loading = lambda: None  # type: ignore[method-assign] - no driver in this test
    with pytest.raises(kind) as info:
        browser._call("load", "http://127.0.0.1:9/in/a/", _raise(exc))
    message = str(info.value)
    assert says in message and "\n" not in message and "#0" not in message
