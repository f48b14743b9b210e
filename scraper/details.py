"""When a `/details/<section>/` list is complete: the run keeps scrolling one (`Browser.open(more=...)`)
while it shows fewer items than the main page's "Show all N" announced."""

from __future__ import annotations

from collections.abc import Callable

from scraper.parse import parse
from scraper.snapshot import PageSnapshot


def missing_items(section: str, total: int | None) -> Callable[[PageSnapshot], bool]:
    """Whether a snapshot of `section`'s details page still lacks items. Without a number ("Show all"
    alone) the list may always hold more: only a scroll that brings nothing ends it."""

    def short(page: PageSnapshot) -> bool:
        return total is None or len(getattr(parse(page.html, url=page.url), section)) < total

    return short
