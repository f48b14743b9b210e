"""The project's exception hierarchy. Each carries the context an operator needs in one line."""

from __future__ import annotations

# Exit codes of the CLI (DESIGN.md §3), documented in README and docs/cli.md.
EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_BAD_INPUT = 2
EXIT_BLOCKED = 3


class ScraperError(Exception):
    """Base class; `exit_code` is what the CLI returns when this ends a command."""

    exit_code = EXIT_FAILURE


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
    def status(self) -> str:
        """The record status given to the profiles this barrier keeps us from."""
        return "rate_limited" if self.kind in RATE_LIMIT_KINDS else "auth_required"


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


class PageLoadError(ScraperError):
    """A single profile page could not be loaded (timeout, server error)."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


class UploadError(ScraperError):
    """S3 refused or could not be reached."""


class AirbyteError(ScraperError):
    """The Airbyte API answered with an error we cannot recover from."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status
