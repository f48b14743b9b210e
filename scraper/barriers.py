"""Recognise LinkedIn's barriers from what a page shows: URL, title and the start of the body text.

Pure functions over strings, shared by the browser session and the scrape loop.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

from scraper.errors import SiteUnrecognised

# Order matters: the first match names the barrier.
_URL_RULES = (
    ("checkpoint", re.compile(r"/checkpoint/")),
    ("challenge", re.compile(r"/challenge")),
    ("authwall", re.compile(r"/authwall")),
    ("uas", re.compile(r"/uas/")),
    ("login", re.compile(r"^/login")),
)
_TEXT_RULES = (
    ("http_999", re.compile(r"\brequest denied\b", re.IGNORECASE)),
    ("rate_limit", re.compile(r"\btoo many requests\b", re.IGNORECASE)),
    ("checkpoint", re.compile(r"\bsecurity (?:check|verification)\b", re.IGNORECASE)),
)
_NOT_FOUND_RE = re.compile(r"this page doesn.t exist|page not found", re.IGNORECASE)
_PRIVATE_RE = re.compile(r"profile is not available|profile .{0,20}is private", re.IGNORECASE)


def detect_barrier(url: str, title: str, text: str, status: int = 0) -> str | None:
    """The kind of barrier this page is (`checkpoint`, `authwall`, `http_999`, ...), or None."""
    if status == 999:
        return "http_999"
    if status == 429:
        return "rate_limit"
    path = urlparse(url).path
    for kind, pattern in _URL_RULES:
        if pattern.search(path):
            return kind
    head = f"{title}\n{text[:2000]}"
    for kind, pattern in _TEXT_RULES:
        if pattern.search(head):
            return kind
    return None


def profile_status(title: str, text: str) -> str | None:
    """`not_found` or `private` when the page says so, else None (a normal profile page)."""
    head = f"{title}\n{text[:2000]}"
    if _NOT_FOUND_RE.search(head):
        return "not_found"
    if _PRIVATE_RE.search(head):
        return "private"
    return None


# Unrecognised pages in a row that stop a run. One can be a one-off (a profile LinkedIn shows oddly);
# several in a row mean the site changed or the session broke, and going on only writes errors.
UNRECOGNISED_STREAK_LIMIT = 3


class UnrecognisedStreak:
    """Counts unrecognised pages in a row; `observe` raises `SiteUnrecognised` when the limit is hit."""

    def __init__(self, limit: int = UNRECOGNISED_STREAK_LIMIT) -> None:
        self.limit = limit
        self.count = 0

    def observe(self, kind: str, url: str) -> None:
        if kind != "unrecognised":
            self.count = 0
            return
        self.count += 1
        if self.count >= self.limit:
            raise SiteUnrecognised(url, self.count)
