"""The project's exception hierarchy. Each carries the context an operator needs in one line.

A `ScraperError` that reaches the scrape loop stops the run; it says why (`stopped_by`, written to
the summary), with which exit code, and which status the profiles it keeps the run from get.
"""

from __future__ import annotations

from typing import Any

# Exit codes of the CLI, documented in README and docs/cli.md.
EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_BAD_INPUT = 2
EXIT_BLOCKED = 3

_ONE_LINE_LIMIT = 300


def one_line(error: BaseException | str) -> str:
    """A message fit for a log line or a record's `errors`: the first line of it, without the
    driver's "Message: " prefix or stack trace, and never longer than a few hundred characters."""
    text = str(error).strip()
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    first = first.removeprefix("Message:").strip() or type(error).__name__
    return first if len(first) <= _ONE_LINE_LIMIT else first[: _ONE_LINE_LIMIT - 1] + "…"


class ScraperError(Exception):
    """Base class; `exit_code` is what the CLI returns when this ends a command."""

    exit_code = EXIT_FAILURE
    # Status of the line written for each profile this error keeps the run from (None: no line;
    # `--resume` picks those profiles up all the same).
    status: str | None = "error"

    def stopped_by(self) -> dict[str, Any]:
        """Why the run stopped, as written to `summary.json`."""
        return {"reason": "error", "message": one_line(self)}


class BadInput(ScraperError):
    """The user's input (profile list, run directory, config file) cannot be used."""

    exit_code = EXIT_BAD_INPUT


class BarrierHit(ScraperError):
    """LinkedIn (or the demo site) put an auth wall, checkpoint or rate limit in front of us."""

    exit_code = EXIT_BLOCKED

    def __init__(self, url: str, kind: str) -> None:
        super().__init__(f"{kind} barrier at {url}")
        self.url = url
        self.kind = kind

    @property
    def status(self) -> str:  # type: ignore[override]
        """The record status given to the profiles this barrier keeps us from."""
        return "rate_limited" if self.kind in RATE_LIMIT_KINDS else "auth_required"

    def stopped_by(self) -> dict[str, Any]:
        return {"reason": "barrier", "kind": self.kind, "url": self.url}


# Barrier kinds that mean "slow down" rather than "sign in" (an interstitial is LinkedIn's empty
# page that only sets a cookie and refreshes: it answers too many requests).
RATE_LIMIT_KINDS = ("rate_limit", "http_999", "interstitial")


class SiteUnrecognised(BarrierHit):
    """Several pages in a row were no known profile layout: a changed site or a broken session."""

    def __init__(self, url: str, count: int) -> None:
        super().__init__(url, "unrecognised_pages")
        self.args = (f"{count} unrecognised pages in a row, the last at {url}",)
        self.count = count

    @property
    def status(self) -> str:
        return "error"


class LoginFailed(ScraperError):
    """Credentials were rejected; retrying would only look more like an attack."""

    exit_code = EXIT_BLOCKED
    status = "auth_required"

    def stopped_by(self) -> dict[str, Any]:
        return {"reason": "login_failed", "message": one_line(self)}


class DailyCapReached(ScraperError):
    """The account's profile views for today are used up (shared by every run of the account).

    Our own budget, not a failure: the run ends normally (exit 0) and the profiles left are written
    as `deferred`, for a later day. The plan asks for no more than the budget left, so this happens
    only when another run of the same account used the day's views first."""

    exit_code = EXIT_OK
    status = "deferred"

    def __init__(self, cap: int, account: str) -> None:
        super().__init__(f"daily cap of {cap} profiles reached for account {account}")
        self.cap = cap
        self.account = account

    def stopped_by(self) -> dict[str, Any]:
        return {"reason": "daily_cap", "cap": self.cap, "account": self.account}


class Interrupted(ScraperError):
    """SIGTERM (pod eviction) or SIGINT (Ctrl-C): stop now, keep what was written."""

    status = None

    def __init__(self, signal_name: str) -> None:
        super().__init__(f"{signal_name} received")
        self.signal_name = signal_name

    def stopped_by(self) -> dict[str, Any]:
        return {"reason": self.signal_name.lower()}


class BrowserUnavailable(ScraperError):
    """Chromium or chromedriver cannot be started: no profile can be scraped."""

    def stopped_by(self) -> dict[str, Any]:
        return {"reason": "browser_unavailable", "message": one_line(self)}


class SiteUnreachable(ScraperError):
    """The site cannot be loaded: its login page (a wrong --base-url, a site that is down), or several
    profiles in a row (a site that went down mid-run; `run.FAILURES_BEFORE_UNREACHABLE`)."""

    def stopped_by(self) -> dict[str, Any]:
        return {"reason": "site_unreachable", "message": one_line(self)}


class AccountInUse(BadInput):
    """Another scrape holds the account: one account browses from one place at a time."""


class PageLoadError(ScraperError):
    """A single profile page could not be loaded (timeout, server error)."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


class UploadError(ScraperError):
    """S3 refused or could not be reached."""


class BadCredentials(UploadError):
    """S3 rejected or could not find credentials: a configuration problem, exit 2 like bad input."""

    exit_code = EXIT_BAD_INPUT


class MissingBucket(UploadError):
    """The bucket does not exist (and creating it was not asked for): a configuration problem."""

    exit_code = EXIT_BAD_INPUT


class AirbyteError(ScraperError):
    """The Airbyte API answered with an error we cannot recover from (`http_status`: its answer's
    HTTP status, when there was one; `status` stays the record status every ScraperError has)."""

    def __init__(self, message: str, http_status: int | None = None) -> None:
        super().__init__(message)
        self.http_status = http_status
