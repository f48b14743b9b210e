"""`parse(html, url=None) -> Profile`: a pure function over one saved LinkedIn page.

It never raises: a field that cannot be read stays empty and a line is added to `Profile.errors`.
Supported layouts: 2022 (`pv-top-card`, `div.pvs-entity`), 2024/2025 (`section[data-member-id]`,
`profile-component-entity`), 2026 SDUI (cards keyed by `componentkey` suffix, see `sdui`), and
`/details/<section>/` pages of each. `classify` (in `scraper.parse.classify`) says whether a page is a
profile at all; `parse` reads whatever a page shows.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from urllib.parse import urlparse

from bs4 import BeautifulSoup, Tag

from scraper.models import Profile
from scraper.parse import sdui
from scraper.parse import sections as sec
from scraper.parse.dom import (
    find_sections,
    first_line,
    first_tag,
    has_class,
    iter_tags,
    lines,
    section_title_kind,
    soup_of,
)
from scraper.parse.text import (
    clean,
    counts_in,
    followers_in,
    is_badge,
    is_count_line,
    is_interface_text,
    strip_name_badge,
    strip_title_suffix,
)

__all__ = ["parse"]

log = logging.getLogger(__name__)

# The version of what the parser reads from a page, written into every record (`parser_version`).
# Bump it whenever any layout's output changes; the warehouse keeps, for each (profile, scraped_at),
# the record of the newest version. Records written before it existed count as 0.
PARSER_VERSION = 1
_CURRENT_COMPANY_RE = re.compile(r"^Current company:?\s*(?P<name>.*?)(?:\.\s*Click.*)?$", re.IGNORECASE)
_CONTACT_INFO = "Contact info"
# The top card's "Current company" button, by its label's start on English and localized accounts.
_CURRENT_COMPANY_LABEL_RE = re.compile(
    r"^(?:current company|aktuelles unternehmen|empresa actual|empresa atual|entreprise actuelle"
    r"|azienda attuale|huidig bedrijf)\b",
    re.IGNORECASE,
)


class _Page:
    """The parts of one document the field readers share, located in one walk over `<main>`."""

    def __init__(self, soup: BeautifulSoup, url: str | None = None) -> None:
        self.soup = soup
        self.url = url
        self.main: Tag = first_tag(soup, "main") or soup
        self._walk(self.main)
        if self.main is not soup and not self.sdui and not self.has_sections and self.h1 is None:
            self._walk(soup)  # a `<main>` without any card: the 2026 cards may sit outside it
        self._unkeyed_cards()
        title_tag = first_tag(soup, "title")
        self.title = clean(title_tag.get_text()) if title_tag is not None else None
        self.top_card: Tag | None = (
            self.sdui_cards.get("top")
            or self.member_section
            or (self.h1.find_parent("section") if self.h1 is not None else None)
        )
        self._top_lines: list[str] | None = None

    def _walk(self, root: Tag) -> None:
        sections: list[Tag] = []
        self.sdui_cards: dict[str, Tag] = {}
        self.skill_tags: list[Tag] = []
        self.has_sdui_items = False
        self.sdui_markers: list[tuple[str, Tag]] = []
        self.top_component: Tag | None = None
        self.name_triggers: list[Tag] = []
        self.details_keyed = False
        self.member_section: Tag | None = None
        self.h1: Tag | None = None
        self.current_company: Tag | None = None
        self.has_pvs_entity = self.has_component_entity = self.has_heading_xlarge = False
        for tag in iter_tags(root):
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
            key = tag.get("componentkey") or tag.get("id")
            if key and isinstance(key, str):
                if key.startswith(sdui.CARD_PREFIX):
                    self.details_keyed = self.details_keyed or key.lower().endswith(
                        ("details", "detailssection")
                    )
                    kind = sdui.card_kind(key)
                    if kind and kind not in self.sdui_cards and not sdui.is_inert(tag):
                        self.sdui_cards[kind] = tag
                elif key.startswith(sdui.ITEM_PREFIX):
                    self.has_sdui_items = True
                elif key.startswith(sdui.SKILL_PREFIX):
                    self.skill_tags.append(tag)
            if (marker := sdui.marker_kind(tag)) is not None:
                self.sdui_markers.append((marker, tag))
            elif self.top_component is None and sdui.is_top_component(tag) and not sdui.is_inert(tag):
                self.top_component = tag
            elif sdui.is_name_trigger(tag):
                self.name_triggers.append(tag)
            if tag.get("data-view-name") == "profile-component-entity":
                self.has_component_entity = True
            label = tag.get("aria-label")
            if label and self.current_company is None and _CURRENT_COMPANY_LABEL_RE.match(label.strip()):
                self.current_company = tag
        self.has_sections = bool(sections)
        self.sections = find_sections(sections)
        if (
            "top" not in self.sdui_cards
            and self.top_component is not None
            and self.h1 is None
            and self.member_section is None
        ):  # a top card known only by its lazy component, on a page of no older layout
            self.sdui_cards["top"] = self.top_component
        if (
            "top" not in self.sdui_cards
            and self.h1 is None
            and self.member_section is None
            and not self.details_keyed
            and "/details/" not in urlparse(self.url or "").path
        ):  # a details page's header names the member too; it has no top card
            keyless = sdui.keyless_top(self.name_triggers, self.url) or sdui.contact_top(root, self.url)
            if keyless is not None:
                self.sdui_cards["top"] = keyless
        self.sdui = bool(self.sdui_cards) or (
            self.h1 is None and self.member_section is None and (self.has_sdui_items or bool(self.skill_tags))
        )

    def _unkeyed_cards(self) -> None:
        """2026 cards that carry no card key (lazy cards rendered later): found by their section marker,
        else by their title, never as a wrapper around the top card or inside an aside."""
        top = self.sdui_cards.get("top")
        if top is None:
            return
        vanity = sdui.card_vanity(top) or sdui.url_vanity(self.url)
        stale = [m for _, m in self.sdui_markers if vanity and sdui.marker_subject(m) not in (None, vanity)]
        for kind, marker in self.sdui_markers:
            if any(marker is m for m in stale):
                continue  # a card of the profile shown before this one
            if kind not in self.sdui_cards and not sdui.is_inert(marker):
                card = sdui.marked_card(marker, top)
                if card is not None:
                    self.sdui_cards[kind] = card
        for kind in ("about", "experience", "education", "skills"):
            section = self.sections.get(kind)
            if (
                kind not in self.sdui_cards
                and section is not None
                and not sdui.within(top, section)
                and not sdui.is_inert(section)
                and section.find_parent("aside") is None
                and not any(m is section or sdui.within(m, section) for m in stale)
            ):
                self.sdui_cards[kind] = section
        for heading in iter_tags(self.main):
            kind = section_title_kind(first_line(heading) or "") if heading.name in ("h2", "h3") else None
            if kind is None or kind == "activity" or kind in self.sdui_cards or sdui.is_inert(heading):
                continue
            card = sdui.titled_card(heading, top) if heading.find_parent("aside") is None else None
            if card is not None and not any(m is card or sdui.within(m, card) for m in stale):
                self.sdui_cards[kind] = card

    @property
    def contact_label(self) -> str:
        """The text of the top card's link to the contact-info overlay ("Contact info", "Kontaktinfo")."""
        link = (
            next(
                (
                    t
                    for t in iter_tags(self.top_card)
                    if t.name == "a" and "/overlay/contact-info" in (t.get("href") or "")
                ),
                None,
            )
            if self.top_card is not None
            else None
        )
        return (first_line(link) if link is not None else None) or _CONTACT_INFO

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
        return sec.legacy_items(section)


def _name(page: _Page) -> str | None:
    if page.top_card is not None and page.h1 is not None:
        return strip_name_badge(first_line(page.h1))
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
        if is_badge(line) or is_interface_text(line):
            continue
        if line.endswith(page.contact_label) or is_count_line(line):
            return None
        return line
    return None


def _location(page: _Page, name: str | None, headline: str | None) -> str | None:
    """The top-card line just before the "Contact info" link (inline with it on 2025 pages)."""
    top, label = page.top_lines, page.contact_label
    for index, line in enumerate(top):
        if not line.endswith(label):
            continue
        candidate = clean(line.removesuffix(label)) or (top[index - 1] if index > 0 else None)
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
    connections, profile.followers = counts_in(page.top_lines)
    if connections is not None:
        profile.connections, profile.connections_capped = connections
    activity = page.sections.get("activity")
    if profile.followers is None and activity is not None:
        profile.followers = _activity_followers(lines(activity, skip_lists=True))


def _activity_followers(activity_lines: list[str]) -> int | None:
    """The profile's followers from the Activity card's header, when the top card has none. Only a
    line that is just the count: a post's "Company · 2,606,334 followers" is someone else's."""
    return next(
        (f for line in activity_lines if is_count_line(line) and (f := followers_in(line)) is not None),
        None,
    )


def _about(page: _Page) -> str | None:
    section = page.sections.get("about")
    if section is None:
        return None
    box = next((t for t in iter_tags(section) if t.get("data-testid") == "expandable-text-box"), None)
    body = lines(box) if box is not None else lines(section, skip_buttons=True)[1:]
    return clean(" ".join(line for line in body if not is_interface_text(line)))


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


_LIST_FIELDS = (("experience", "experiences"), ("education", "educations"), ("skills", "skills"))


def _sdui_identity(page: _Page, profile: Profile) -> None:
    card = page.sdui_cards.get("top")
    if card is None:  # a /details/<section>/ page: the person is named only in the title
        profile.name = strip_title_suffix(page.title) if page.title else None
        return
    sdui.read_top(card, profile)
    profile.current_company = profile.current_company or _current_company(page)  # a "Current company:" label
    activity = page.sdui_cards.get("activity") or page.sections.get("activity")  # keyed, or by title
    if profile.followers is None and activity is not None:
        profile.followers = _activity_followers(lines(activity))


def _sdui_lists(page: _Page, profile: Profile) -> None:
    if "top" not in page.sdui_cards:
        section = sdui.details_section(page.sdui_cards, page.skill_tags, page.url, page.title)
        field_name = dict(_LIST_FIELDS).get(section or "")
        if field_name is None:
            return
        root = page.sdui_cards.get(section or "") or sdui.details_list(page.main, section or "") or page.main
        _set_list(profile, field_name, root, page.skill_tags)
        return
    for key, field_name in _LIST_FIELDS:
        card = page.sdui_cards.get(key)
        if card is not None:
            _set_list(profile, field_name, card, [t for t in page.skill_tags if sdui.within(t, card)])
            profile.section_totals[field_name], profile.truncated[field_name] = sdui.show_all(card)


def _set_list(profile: Profile, field_name: str, root: Tag, skill_tags: list[Tag]) -> None:
    if field_name == "skills":
        profile.skills = sdui.skill_names(root, skill_tags)
    elif field_name == "experiences":
        profile.experiences = sec.experiences(sdui.list_items(root, groups=True))
    else:
        profile.educations = sec.educations(sdui.list_items(root))


def parse(html: str | bytes, url: str | None = None) -> Profile:
    """Parse one saved profile or `/details/<section>/` page. Never raises; problems go to `errors`."""
    profile = Profile()
    try:
        if not isinstance(html, str | bytes):
            raise TypeError(f"expected str or bytes, got {type(html).__name__}")
        page = _Page(soup_of(html), url)
    except Exception as exc:  # noqa: BLE001 - the contract is "never raises"; the error is recorded
        profile.errors.append(f"document: {type(exc).__name__}: {exc}")
        return profile
    read_fields(page, profile)
    return profile


def read_fields(page: _Page, profile: Profile) -> None:
    """Fill `profile` from `page`, field group by field group; one unreadable group loses no other."""

    def guard(field_name: str, read: Callable[[], None]) -> None:
        try:
            read()
        except Exception as exc:  # noqa: BLE001 - one unreadable field must not lose the others
            log.debug("field %s unreadable on %s", field_name, page.url, exc_info=True)
            profile.errors.append(f"{field_name}: {type(exc).__name__}: {exc}")

    def set_generation() -> None:
        profile.dom_generation = page.generation()

    guard("dom_generation", set_generation)
    if page.sdui:
        guard("name", lambda: _sdui_identity(page, profile))
        about = page.sdui_cards.get("about")
        if about is not None:

            def set_sdui_about() -> None:
                profile.about = sdui.read_about(about)

            guard("about", set_sdui_about)
        guard("lists", lambda: _sdui_lists(page, profile))
        return

    def identity() -> None:
        profile.name = _name(page)
        profile.headline = _headline(page, profile.name)
        profile.location = _location(page, profile.name, profile.headline)

    def set_company() -> None:
        profile.current_company = _current_company(page)

    def set_about() -> None:
        profile.about = _about(page)

    guard("name", identity)
    guard("current_company", set_company)
    guard("counts", lambda: _counts(page, profile))
    guard("about", set_about)
    guard("lists", lambda: _lists(page, profile))
