"""Getting a logged-in browser: the `li_at` cookie first, else email + password. Never solves challenges."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from urllib.parse import urlparse

from scraper.browser import Browser, PageSnapshot
from scraper.errors import BadInput, BarrierHit, LoginFailed, PageLoadError
from scraper.parse.classify import classify

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Credentials:
    li_at: str | None = None
    email: str | None = None
    password: str | None = None

    def __repr__(self) -> str:  # never print a credential, even by accident in a traceback
        return f"Credentials(li_at={'set' if self.li_at else None}, email={'set' if self.email else None})"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Credentials:
        env = dict(os.environ) if env is None else env
        creds = cls(
            env.get("LINKEDIN_LI_AT") or None,
            env.get("LINKEDIN_EMAIL") or None,
            env.get("LINKEDIN_PASSWORD") or None,
        )
        if not creds.li_at and not (creds.email and creds.password):
            raise BadInput(
                "no LinkedIn credentials: set LINKEDIN_LI_AT, or LINKEDIN_EMAIL and LINKEDIN_PASSWORD "
                "(in the cluster they come from the account's Secret, linkedin-credentials-<account> unless the chart names another)"
            )
        return creds


# Why a session is not logged in, when the answer is "sign in again" (not "stop": a checkpoint, a
# rate limit). An expired `li_at` lands on one of these.
_SIGNED_OUT = frozenset({"login", "authwall", "uas", "sign_in_page", "logged_out"})


def not_logged_in_reason(page: PageSnapshot) -> str | None:
    """None when `page` (the feed) shows a logged-in session, else why not: the session check.

    Logged in means the feed itself opened: LinkedIn sends a signed-out visitor of /feed/ to its guest
    home page or the sign-in form (HTTP 200 either way), which must never pass for a session."""
    verdict = classify(page.html, page.url, page.title, page.status, page.text)
    if verdict.stops_run:
        return verdict.reason
    if not urlparse(page.url).path.startswith("/feed"):
        return "logged_out"
    return None


def _logged_in(browser: Browser, base_url: str) -> str | None:
    """None when the feed opens logged in; else the reason it did not. One cheap page, no scrolling.

    A feed answering an HTTP error is no session at all: a --base-url that is not LinkedIn would
    otherwise pass, and every profile there would be a final `not_found`."""
    page = browser.open(f"{base_url}/feed/", scroll=False)
    reason = not_logged_in_reason(page)
    if reason is None and page.status >= 400:
        raise PageLoadError(page.url, f"HTTP {page.status} for the feed, so this is no LinkedIn session")
    return reason


def login(browser: Browser, base_url: str, creds: Credentials) -> str:
    """Log the browser in; returns the method used ('cookie' or 'password')."""
    base_url = base_url.rstrip("/")
    if creds.li_at:
        browser.open(f"{base_url}/login", scroll=False)  # cookies can only be set on the site's origin
        browser.set_cookie(f"{base_url}/login", "li_at", creds.li_at, secure=base_url.startswith("https"))
        barrier = _logged_in(browser, base_url)
        if barrier is None:
            log.info("logged in with the li_at cookie at %s", base_url)
            return "cookie"
        if barrier not in _SIGNED_OUT:
            raise BarrierHit(f"{base_url}/feed/", barrier)
        log.warning("li_at cookie rejected at %s (%s)", base_url, barrier)
    if not (creds.email and creds.password):
        raise LoginFailed("the li_at cookie was rejected and no LINKEDIN_EMAIL/LINKEDIN_PASSWORD is set")
    page = browser.open(f"{base_url}/login", scroll=False)
    if 400 <= page.status < 600 and page.status != 429:  # a 429 (or 999) says "slow down", not "wrong site"
        raise PageLoadError(page.url, f"HTTP {page.status} for the sign-in page")
    if "welcome back" in page.text.lower():
        # LinkedIn's remembered-account chooser: go to the plain form for our own account.
        log.info("login page shows the account chooser; using another account")
        if not browser.click_link_text("Sign in using another account"):
            browser.open(f"{base_url}/login?fresh=1", scroll=False)
    result = browser.fill_login_form(creds.email, creds.password)
    barrier = not_logged_in_reason(result)
    if barrier == "logged_out":  # landed somewhere other than the feed: look at the feed itself
        barrier = _logged_in(browser, base_url)
    if barrier in _SIGNED_OUT:
        raise LoginFailed(f"login at {base_url} was refused ({barrier}): wrong email or password?")
    if barrier is not None:
        raise BarrierHit(result.url, barrier)
    log.info("logged in with email and password at %s", base_url)
    return "password"
