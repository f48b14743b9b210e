"""A profile from its pages: the main page, then each `/details/` page the main page hides items
behind ("Show all N"). The one walk a scrape (pages from the browser) and a re-parse (pages from the
archive) share, so that both read a profile the same way."""

from __future__ import annotations

from collections.abc import Callable

from scraper.models import DETAILS_PATHS, SECTIONS, Profile
from scraper.parse.classify import PageClass

MAIN_PAGE = "main"

# Opens one page of a profile: (url, page name, the section its list completes or None, the number of
# items the main page announced for it) -> the page's class and, for a profile or details page, what
# it shows. A barrier raises (BarrierHit), as it stops a scrape.
OpenPage = Callable[[str, str, str | None, int | None], tuple[PageClass, Profile | None]]


def details_page(section: str) -> str:
    """The page name of a section's `/details/` list (as archived)."""
    return f"details-{DETAILS_PATHS[section]}"


def read_profile(url: str, open_page: OpenPage) -> tuple[PageClass, Profile | None]:
    """The main page's class and, when it is a profile, the profile with every truncated section's
    full list from its details page (a details page that is not one is an error line, not a stop)."""
    verdict, profile = open_page(url, MAIN_PAGE, None, None)
    if verdict.kind != "profile" or profile is None:
        return verdict, None
    for section in SECTIONS:
        if profile.truncated[section]:  # type: ignore[literal-required] - the main page hides items behind "Show all"
            details_url = f"{url}details/{DETAILS_PATHS[section]}/"
            total = profile.section_totals[section]  # type: ignore[literal-required]
            details_verdict, details = open_page(details_url, details_page(section), section, total)
            if details is None:
                profile.errors.append(f"{section} details: {details_verdict.describe()}")
                continue
            setattr(profile, section, getattr(details, section))
            profile.errors.extend(f"{section} details: {e}" for e in details.errors)
    return verdict, profile


def not_a_profile(verdict: PageClass) -> list[str]:
    """The error lines of a record whose main page was not a profile."""
    return [f"not a profile: {verdict.describe()}"] if verdict.status == "error" else []
