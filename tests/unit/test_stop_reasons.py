"""Every exception that stops a run says why in `summary.json`, with which exit code, and which status
the profiles it keeps the run from get (the scrape loop has one stop path that reads only these)."""

from __future__ import annotations

import pytest

from scraper.errors import (
    BarrierHit,
    BrowserUnavailable,
    DailyCapReached,
    Interrupted,
    LoginFailed,
    ScraperError,
    SiteUnreachable,
    SiteUnrecognised,
)

URL = "https://www.linkedin.com/checkpoint/challenge/x"


@pytest.mark.parametrize(
    ("stop", "stopped_by", "exit_code", "status"),
    [
        (
            BarrierHit(URL, "checkpoint"),
            {"reason": "barrier", "kind": "checkpoint", "url": URL},
            3,
            "auth_required",
        ),
        (
            BarrierHit(URL, "http_999"),
            {"reason": "barrier", "kind": "http_999", "url": URL},
            3,
            "rate_limited",
        ),
        (
            SiteUnrecognised(URL, 3),
            {"reason": "barrier", "kind": "unrecognised_pages", "url": URL},
            3,
            "error",
        ),
        (
            LoginFailed("wrong email or password"),
            {"reason": "login_failed", "message": "wrong email or password"},
            3,
            "auth_required",
        ),
        (DailyCapReached(80, "main"), {"reason": "daily_cap", "cap": 80, "account": "main"}, 0, "deferred"),
        (Interrupted("SIGINT"), {"reason": "sigint"}, 1, None),
        (Interrupted("SIGTERM"), {"reason": "sigterm"}, 1, None),
        (
            BrowserUnavailable("chromedriver /x not found"),
            {"reason": "browser_unavailable", "message": "chromedriver /x not found"},
            1,
            "error",
        ),
        (
            SiteUnreachable("cannot open http://h/login"),
            {"reason": "site_unreachable", "message": "cannot open http://h/login"},
            1,
            "error",
        ),
        (ScraperError("something\nwith a trace"), {"reason": "error", "message": "something"}, 1, "error"),
    ],
)
def test_each_stop_says_why(stop: ScraperError, stopped_by: dict, exit_code: int, status: str | None) -> None:
    assert stop.stopped_by() == stopped_by
    assert stop.exit_code == exit_code
    assert stop.status == status
