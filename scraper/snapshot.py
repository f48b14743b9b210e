"""What one fetched page is to the rest of the scraper: the browser's report of it. The browser makes
them (scraper/browser.py), the parser reads them, and the page archive keeps them (scraper/rundir.py)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PageSnapshot:
    url: str
    title: str
    text: str  # the start of the body's visible text, for barrier and status checks
    html: str
    status: int = 0  # HTTP status of the document (0 when the browser does not say)
