"""The shared core every layout reads through: one page as the layouts see it (`Document`), what a
layout's reading of a page offers (`Reading`), and the guarded fill of a record (`read_fields`)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Protocol

from bs4 import BeautifulSoup, Tag

from scraper.models import Profile
from scraper.parse.dom import first_tag, iter_tags
from scraper.parse.text import clean

log = logging.getLogger(__name__)

# `guard(field_group, read)`: runs `read`, and turns an exception into one line of `Profile.errors`.
Guard = Callable[[str, Callable[[], None]], None]


class Document:
    """One parsed page: its tree, its URL, its `<main>` (the whole tree when it has none) and title."""

    def __init__(self, soup: BeautifulSoup, url: str | None = None) -> None:
        self.soup = soup
        self.url = url
        self.main: Tag = first_tag(soup, "main") or soup
        title_tag = first_tag(soup, "title")
        self.title = clean(title_tag.get_text()) if title_tag is not None else None
        self._main_holds_cards: bool | None = None

    def card_roots(self) -> Iterator[Tag]:
        """Where a layout looks for its cards: `<main>`, then the whole document when `<main>` holds
        no `<section>` and no `<h1>` (the 2026 cards may sit outside it)."""
        yield self.main
        if self.main is self.soup:
            return
        if self._main_holds_cards is None:
            self._main_holds_cards = any(t.name in ("section", "h1") for t in iter_tags(self.main))
        if not self._main_holds_cards:
            yield self.soup


class Reading(Protocol):
    """One layout's reading of a page it recognised (or, for the fallback, of any page)."""

    doc: Document
    generation: str  # the record's `dom_generation`

    def is_profile(self) -> bool:
        """A member's main page: the layout's top card with a name in it."""
        ...

    def is_details(self) -> bool:
        """A `/details/<section>/` page's list, once its URL or title says it is one."""
        ...

    def read(self, profile: Profile, guard: Guard) -> None:
        """Fill `profile`, one field group per `guard` call."""
        ...


def read_fields(reading: Reading, profile: Profile) -> None:
    """Fill `profile` from `reading`, field group by field group; one unreadable group loses no other."""

    def guard(field_name: str, read: Callable[[], None]) -> None:
        try:
            read()
        except Exception as exc:  # noqa: BLE001 - one unreadable field must not lose the others
            log.debug("field %s unreadable on %s", field_name, reading.doc.url, exc_info=True)
            profile.errors.append(f"{field_name}: {type(exc).__name__}: {exc}")

    profile.dom_generation = reading.generation
    reading.read(profile, guard)
