"""What a loaded page is, before anything is read from it: a member profile, a `/details/` page, or
one of the pages LinkedIn shows instead (sign-in, guest home, "Profile Not Found", interstitials).

A page is a profile only when it is positively recognised: one of the known layouts with a name in
its top card. Everything else is classified, never parsed into a record. Pure functions over the
page's HTML (plus what the browser reports: final URL, title, HTTP status, visible text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlparse

from scraper.barriers import detect_barrier, profile_status
from scraper.errors import BarrierHit
from scraper.models import Profile
from scraper.parse import read_document
from scraper.parse.document import Reading, read_fields
from scraper.parse.dom import iter_tags, lines
from scraper.parse.text import clean

PageKind = Literal[
    "profile", "details", "not_found", "private", "auth_required", "rate_limited", "unrecognised"
]

# The record status each page class gives the profile it stood for.
RECORD_STATUS: dict[str, str] = {
    "profile": "ok",
    "details": "ok",
    "not_found": "not_found",
    "private": "private",
    "auth_required": "auth_required",
    "rate_limited": "rate_limited",
    "unrecognised": "error",
}
_SIGN_IN_TITLE_RE = re.compile(
    r"log ?in or sign ?up|\bsign ?in\b|\bsign ?up\b|\blog ?in\b|join linkedin|welcome to your professional community",
    re.IGNORECASE,
)
_NOT_FOUND_RE = re.compile(
    r"profile not found|an exact match for .{0,200}could not be found|page not found|this page doesn.t exist",
    re.IGNORECASE,
)
_REFRESH_RE = re.compile(r"refresh", re.IGNORECASE)
_DETAILS_PATH_RE = re.compile(r"/details/[a-z-]+/?$")
_DETAILS_TITLE_RE = re.compile(
    r"^(?:\(\d+\+?\)\s*)?(experience|education|skills|licenses|projects)\s*\|", re.I
)
_GUEST_FORM_FIELDS = frozenset({"session_key", "session_password"})
_SHORT_PAGE_CHARS = 1200
_AUTH_PATHS = ("/login", "/signup", "/uas/", "/authwall", "/checkpoint/", "/start/join")


@dataclass(frozen=True, slots=True)
class PageClass:
    """One page's class. `reason` names the barrier or rule that decided it (for logs and errors)."""

    kind: PageKind
    reason: str
    url: str = ""
    title: str | None = None

    @property
    def status(self) -> str:
        return RECORD_STATUS[self.kind]

    @property
    def stops_run(self) -> bool:
        """Sign-in walls and rate limits end the run: going on would only look more like a bot."""
        return self.kind in ("auth_required", "rate_limited")

    def describe(self) -> str:
        return f"{self.kind} ({self.reason}): {self.title or 'untitled'!r} at {self.url or 'unknown URL'}"

    def raise_if_stop(self) -> None:
        if self.stops_run:
            raise BarrierHit(self.url, self.reason)


def classify(
    html: str | bytes, url: str = "", title: str | None = None, status: int = 0, text: str | None = None
) -> PageClass:
    """Classify one page. `title` and `text` (the start of the visible body text) default to what the
    HTML holds; pass the browser's when there is one."""
    return classify_page(read_document(html, url), url, title, status, text)


def read_page(
    html: str | bytes, url: str = "", title: str | None = None, status: int = 0, text: str | None = None
) -> tuple[PageClass, Profile | None]:
    """Classify a page and, only when it is a profile or details page, read its fields (one tree)."""
    try:
        page = read_document(html, url)
        verdict = classify_page(page, url, title, status, text)
    except Exception as exc:  # noqa: BLE001 - never raises: an unreadable document is an unrecognised page
        return PageClass("unrecognised", f"unreadable document: {type(exc).__name__}", url, title), None
    if verdict.kind not in ("profile", "details"):
        return verdict, None
    profile = Profile()
    read_fields(page, profile)
    return verdict, profile


def classify_page(
    page: Reading, url: str = "", title: str | None = None, status: int = 0, text: str | None = None
) -> PageClass:
    title = clean(title) if title is not None else page.doc.title

    def verdict(kind: PageKind, reason: str) -> PageClass:
        return PageClass(kind, reason, url, title)

    if status in (999, 429):  # before anything else: the body of these is never a profile
        return verdict("rate_limited", "http_999" if status == 999 else "rate_limit")
    path = urlparse(url).path
    barrier = detect_barrier(url, "", "", 0)  # URL rules only: a profile's text may say anything
    if barrier is not None:
        return verdict("auth_required", barrier)
    if page.is_profile():
        return verdict("profile", f"{page.generation} profile")
    if _is_details(page, path, title):
        return verdict("details", f"{page.generation} details page")
    if text is None:
        text = " ".join(lines(page.doc.soup.body or page.doc.soup))[:2000]
    head = f"{title or ''}\n{text[:2000]}"
    # Before sign-in: the guest "Profile Not Found" page carries the guest nav's sign-in links too.
    if (title and _NOT_FOUND_RE.search(title)) or _NOT_FOUND_RE.search(text[:2000]) or status == 404:
        return verdict("not_found", "not_found_page")
    if _is_sign_in(page, title, path):
        return verdict("auth_required", "sign_in_page")
    if not text.strip() and _is_interstitial(page):
        return verdict("rate_limited", "interstitial")
    # Barrier wording counts only on a short page: a feed post may well mention a "security check".
    barrier = detect_barrier(url, title or "", text if len(text.strip()) < _SHORT_PAGE_CHARS else "", status)
    if barrier is not None:
        return verdict("rate_limited" if barrier in ("http_999", "rate_limit") else "auth_required", barrier)
    if profile_status(title or "", text) == "private" or profile_status("", head) == "private":
        return verdict("private", "private_profile")
    return verdict("unrecognised", "no known profile layout")


def _is_details(page: Reading, path: str, title: str | None) -> bool:
    """A known layout's `/details/<section>/` page: its URL or title says so, and its layout sees the list."""
    if not (_DETAILS_PATH_RE.search(path) or (title and _DETAILS_TITLE_RE.search(title))):
        return False
    return page.is_details()


def _is_sign_in(page: Reading, title: str | None, path: str) -> bool:
    """LinkedIn's guest home, sign-in and join pages and its guest view of a member's profile: a guest
    sign-in form, a link to /login or /signup under a sign-in title, or links to both on any page.
    HTTP 200, so only their content gives them away."""
    if any(path.startswith(p) for p in _AUTH_PATHS):
        return True
    names = {t.get("name") for t in iter_tags(page.doc.soup) if t.name == "input"}
    if names >= _GUEST_FORM_FIELDS:
        return True
    hrefs = [urlparse(t.get("href") or "").path for t in iter_tags(page.doc.soup) if t.name == "a"]
    if not (title and _SIGN_IN_TITLE_RE.search(title)):
        # A guest's view of a member ("Name - Title | LinkedIn"): a logged-in page never offers both.
        return any(h.startswith("/login") for h in hrefs) and any(h.startswith("/signup") for h in hrefs)
    return "password" in {t.get("type") for t in iter_tags(page.doc.soup) if t.name == "input"} or any(
        h.startswith(("/login", "/signup")) for h in hrefs
    )


def _is_interstitial(page: Reading) -> bool:
    """An empty page that only refreshes itself (and sets a cookie by script): no element in its body
    but scripts, and a meta refresh. An app shell still waiting for its content has elements."""
    soup = page.doc.soup
    refresh = any(
        t.name == "meta" and _REFRESH_RE.fullmatch((t.get("http-equiv") or "").strip())
        for t in iter_tags(soup)
    )
    body = soup.body
    elements = [t for t in iter_tags(body) if t.name not in ("script", "noscript", "style")] if body else []
    return refresh and not elements
