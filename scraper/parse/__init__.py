"""`parse(html, url=None) -> Profile`: a pure function over one saved LinkedIn page.

It never raises: a field that cannot be read stays empty and a line is added to `Profile.errors`.
The parser is organised by layout generation (`scraper.parse.layouts`): each layout recognises its
pages and reads them; the shared core is `document` (the page, the guarded fill of a record), `dom`
(visible lines, sections), `text` (dates, counts, badges, interface labels), `fields` (readers several
layouts use) and `sections` (entries into typed experiences, educations, skills). `classify` (in
`scraper.parse.classify`) says whether a page is a profile at all; `parse` reads whatever a page shows.
"""

from __future__ import annotations

from scraper.models import Profile
from scraper.parse.document import Document, Reading, read_fields
from scraper.parse.dom import soup_of
from scraper.parse.layouts import recognise

__all__ = ["PARSER_VERSION", "parse", "read_document"]

# The version of the parser's output, carried by every record (`parser_version`); records written
# before it existed carry none, which the warehouse reads as 0. Bump it by one in each change that
# lands on main and changes what any layout reads from any page: a field's value, a page's class,
# `dom_generation` or an error line, on any fixture or real saved page (a changed expected JSON under
# tests/fixtures/ is the sign). Refactors with byte-identical output, and new fixtures that pass
# unchanged, keep it. It lets the warehouse prefer the newest parser's record of a (profile,
# scraped_at) (docs/architecture.md). 1: the first that landed (with certifications, languages,
# projects, volunteering and honors read in every layout).
PARSER_VERSION = 1


def read_document(html: str | bytes, url: str | None = None) -> Reading:
    """The tree of one page, recognised by its layout (raises on a document that cannot be parsed)."""
    return recognise(Document(soup_of(html), url))


def parse(html: str | bytes, url: str | None = None) -> Profile:
    """Parse one saved profile or `/details/<section>/` page. Never raises; problems go to `errors`."""
    profile = Profile()
    try:
        if not isinstance(html, str | bytes):
            raise TypeError(f"expected str or bytes, got {type(html).__name__}")
        reading = read_document(html, url)
    except Exception as exc:  # noqa: BLE001 - the contract is "never raises"; the error is recorded
        profile.errors.append(f"document: {type(exc).__name__}: {exc}")
        return profile
    read_fields(reading, profile)
    return profile
