"""Field readers that more than one layout uses on its own parts of a page: the top card's "Current
company" label and the Activity card's follower count."""

from __future__ import annotations

import re

from bs4 import Tag

from scraper.parse.dom import first_line
from scraper.parse.text import clean, followers_in, is_count_line

_CURRENT_COMPANY_RE = re.compile(r"^Current company:?\s*(?P<name>.*?)(?:\.\s*Click.*)?$", re.IGNORECASE)
# The top card's "Current company" button, by its label's start on English and localized accounts.
_CURRENT_COMPANY_LABEL_RE = re.compile(
    r"^(?:current company|aktuelles unternehmen|empresa actual|empresa atual|entreprise actuelle"
    r"|azienda attuale|huidig bedrijf)\b",
    re.IGNORECASE,
)


def is_current_company_label(tag: Tag) -> bool:
    """The element labelled "Current company: …" (a button on 2024+ pages, a link's child on 2022's)."""
    label = tag.get("aria-label")
    return bool(label) and _CURRENT_COMPANY_LABEL_RE.match(label.strip()) is not None


def current_company_of(element: Tag | None) -> str | None:
    """The company a "Current company" element names: from its label, else its first line."""
    if element is None:
        return None
    match = _CURRENT_COMPANY_RE.match(element["aria-label"].strip())
    if match and match["name"]:
        return clean(match["name"])
    return first_line(element)


def activity_followers(activity_lines: list[str]) -> int | None:
    """The profile's followers from the Activity card's header, when the top card has none. Only a
    line that is just the count: a post's "Company · 2,606,334 followers" is someone else's."""
    return next(
        (f for line in activity_lines if is_count_line(line) and (f := followers_in(line)) is not None),
        None,
    )
