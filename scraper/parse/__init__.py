"""`parse(html, url=None) -> Profile`: a pure function over one saved LinkedIn page.

It never raises: a field that cannot be read stays empty and a line is added to `Profile.errors`.
Supported layouts: 2022 (`pv-top-card`, `div.pvs-entity`), 2024/2025 (`section[data-member-id]`,
`profile-component-entity`), 2026 SDUI (`profile-top-card`, `profile-card-*`, `<hr>`-separated items),
and `/details/<section>/` pages of each.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from bs4 import BeautifulSoup, Tag

from scraper.models import Profile
from scraper.parse import sections as sec
from scraper.parse.dom import find_sections, first_line, first_tag, has_class, iter_tags, lines, soup_of
from scraper.parse.text import (
    CONNECTIONS_RE,
    FOLLOWERS_RE,
    clean,
    is_badge,
    parse_count,
    strip_title_suffix,
)

__all__ = ["parse"]

log = logging.getLogger(__name__)
_CURRENT_COMPANY_RE = re.compile(r"^Current company:?\s*(?P<name>.*?)(?:\.\s*Click.*)?$", re.IGNORECASE)
_CONTACT_INFO = "Contact info"
_SEE_MORE = frozenset({"…see more", "...see more", "see more", "… more", "…more", "show more"})


class _Page:
    """The parts of one document the field readers share, located in one walk over `<main>`."""

    def __init__(self, soup: BeautifulSoup) -> None:
        self.soup = soup
        self.main: Tag = first_tag(soup, "main") or soup
        sections: list[Tag] = []
        self.sdui_top: Tag | None = None
        self.member_section: Tag | None = None
        self.h1: Tag | None = None
        self.current_company: Tag | None = None
        self.has_pvs_entity = self.has_component_entity = self.has_heading_xlarge = False
        for tag in iter_tags(self.main):
            name = tag.name
            if name == "section":
                sections.append(tag)
                if self.member_section is None and tag.get("data-member-id"):
                    self.member_section = tag
            elif name == "h1" and self.h1 is None:
                self.h1 = tag
                self.has_heading_xlarge = has_class(tag, "text-heading-xlarge")
            elif name == "div" and not self.has_pvs_entity and has_class(tag, "pvs-entity"):
                self.has_pvs_entity = True
            view = tag.get("data-view-name")
            if view == "profile-top-card" and self.sdui_top is None:
                self.sdui_top = tag
            elif view == "profile-component-entity":
                self.has_component_entity = True
            label = tag.get("aria-label")
            if label and self.current_company is None and label.lower().startswith("current company"):
                self.current_company = tag
        self.sections = find_sections(sections)
        self.sdui = self.sdui_top is not None or any(
            (s.get("data-view-name") or "").startswith("profile-card-") for s in self.sections.values()
        )
        self.top_card: Tag | None = (
            self.sdui_top
            or self.member_section
            or (self.h1.find_parent("section") if self.h1 is not None else None)
        )
        self._top_lines: list[str] | None = None

    @property
    def top_lines(self) -> list[str]:
        if self._top_lines is None:
            self._top_lines = lines(self.top_card, skip_buttons=True) if self.top_card else []
        return self._top_lines

    def sticky_header(self, part: str) -> str | None:
        """Name or headline from the mini header that `/details/` pages show instead of a top card."""
        for tag in iter_tags(self.soup):
            if has_class(tag, f"artdeco-entity-lockup__{part}") and tag.find_parent(
                class_="pv-profile-sticky-header-v2__container"
            ):
                return first_line(tag)
        return None

    def generation(self) -> str:
        if self.sdui:
            return "sdui"
        member = self.member_section
        if self.has_pvs_entity or (member is not None and has_class(member, "pv-top-card")):
            return "2022"
        if self.has_component_entity or member is not None:
            return "2024" if self.has_heading_xlarge else "2025"
        return "unknown"

    def items(self, key: str) -> list[sec.Item]:
        section = self.sections.get(key)
        if section is None:
            return []
        return sec.sdui_items(section) if self.sdui else sec.legacy_items(section)


def _name(page: _Page) -> str | None:
    if page.top_card is not None:
        if page.h1 is not None:
            return first_line(page.h1)
        if page.sdui:
            return next((line for line in page.top_lines if not is_badge(line)), None)
    name = page.sticky_header("title")
    if name:
        return name
    title_tag = first_tag(page.soup, "title")
    if title_tag is not None and title_tag.string:
        return strip_title_suffix(title_tag.string)
    return None


def _headline(page: _Page, name: str | None) -> str | None:
    if page.top_card is None:
        return page.sticky_header("subtitle")
    top = page.top_lines
    start = top.index(name) + 1 if name in top else 0
    for line in top[start:]:
        if is_badge(line):
            continue
        if line.endswith(_CONTACT_INFO) or CONNECTIONS_RE.match(line) or FOLLOWERS_RE.match(line):
            return None
        return line
    return None


def _location(page: _Page, name: str | None, headline: str | None) -> str | None:
    """The top-card line just before the "Contact info" link (inline with it on 2025 pages)."""
    top = page.top_lines
    for index, line in enumerate(top):
        if not line.endswith(_CONTACT_INFO):
            continue
        candidate = clean(line.removesuffix(_CONTACT_INFO)) or (top[index - 1] if index > 0 else None)
        if candidate in (None, name, headline) or is_badge(candidate or ""):
            return None
        return candidate
    return None


def _current_company(page: _Page) -> str | None:
    element = page.current_company
    if element is None:
        return None
    match = _CURRENT_COMPANY_RE.match(element["aria-label"].strip())
    if match and match["name"]:
        return clean(match["name"])
    return first_line(element)


def _counts(page: _Page, profile: Profile) -> None:
    for line in page.top_lines:
        if m := CONNECTIONS_RE.match(line):
            parsed = parse_count(m["count"])
            if parsed:
                profile.connections, profile.connections_capped = parsed
        elif (m := FOLLOWERS_RE.match(line)) and profile.followers is None:
            parsed = parse_count(m["count"])
            profile.followers = parsed[0] if parsed else None
    activity = page.sections.get("activity")
    if profile.followers is None and activity is not None:
        for line in lines(activity, skip_lists=True):
            if m := FOLLOWERS_RE.match(line):
                parsed = parse_count(m["count"])
                profile.followers = parsed[0] if parsed else None
                break


def _about(page: _Page) -> str | None:
    section = page.sections.get("about")
    if section is None:
        return None
    box = next((t for t in iter_tags(section) if t.get("data-testid") == "expandable-text-box"), None)
    body = lines(box) if box is not None else lines(section, skip_buttons=True)[1:]
    return clean(" ".join(line for line in body if line.lower() not in _SEE_MORE))


def _lists(page: _Page, profile: Profile) -> None:
    profile.experiences = sec.experiences(page.items("experience"))
    profile.educations = sec.educations(page.items("education"))
    profile.skills = sec.skills(page.items("skills"))
    for key, field_name in (("experience", "experiences"), ("education", "educations"), ("skills", "skills")):
        section = page.sections.get(key)
        if section is not None:
            total, truncated = sec.show_all(section)
            profile.section_totals[field_name] = total
            profile.truncated[field_name] = truncated


def parse(html: str | bytes, url: str | None = None) -> Profile:
    """Parse one saved profile or `/details/<section>/` page. Never raises; problems go to `errors`."""
    profile = Profile()
    try:
        if not isinstance(html, str | bytes):
            raise TypeError(f"expected str or bytes, got {type(html).__name__}")
        page = _Page(soup_of(html))
    except Exception as exc:  # noqa: BLE001 - the contract is "never raises"; the error is recorded
        profile.errors.append(f"document: {type(exc).__name__}: {exc}")
        return profile

    def guard(field_name: str, read: Callable[[], None]) -> None:
        try:
            read()
        except Exception as exc:  # noqa: BLE001 - one unreadable field must not lose the others
            log.debug("field %s unreadable on %s", field_name, url, exc_info=True)
            profile.errors.append(f"{field_name}: {type(exc).__name__}: {exc}")

    def identity() -> None:
        profile.name = _name(page)
        profile.headline = _headline(page, profile.name)
        profile.location = _location(page, profile.name, profile.headline)

    def set_company() -> None:
        profile.current_company = _current_company(page)

    def set_about() -> None:
        profile.about = _about(page)

    def set_generation() -> None:
        profile.dom_generation = page.generation()

    guard("dom_generation", set_generation)
    guard("name", identity)
    guard("current_company", set_company)
    guard("counts", lambda: _counts(page, profile))
    guard("about", set_about)
    guard("lists", lambda: _lists(page, profile))
    return profile
