"""LinkedIn's 2022-2025 profile layouts, which share one reader.

Every visible string sits in an `aria-hidden` span with a `visually-hidden` twin (read once); the top card
is `section.pv-top-card` (2022) or `section[data-member-id]` (2024, 2025) around an `<h1>`; a section is
known by its anchor id (`#experience`), its `data-view-name` or its heading; its entries are entities
(`div.pvs-entity` in 2022, `[data-view-name="profile-component-entity"]` from 2024), a company group's
roles nested inside their group's entity; "Show all N …" links lead to `/details/<section>/`. The three
generations differ only in these marks (2024 keeps `h1.text-heading-xlarge`, 2025 drops it), never in
where a field is, so they are one reader that names the generation it saw.

A page no layout recognises is read by this reader too (`read_any`), as generation `unknown`: `parse`
reads whatever a page shows, by headings, anchors and its title.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

from bs4 import NavigableString, Tag

from scraper.models import Profile
from scraper.parse import sections as sec
from scraper.parse.document import Document, Guard
from scraper.parse.dom import (
    MORE_SECTIONS,
    ancestors_until,
    find_sections,
    first_line,
    first_tag,
    has_class,
    iter_tags,
    lines,
)
from scraper.parse.fields import activity_followers, current_company_of, is_current_company_label
from scraper.parse.text import (
    SHOW_ALL_RE,
    clean,
    counts_in,
    is_badge,
    is_count_line,
    is_interface_text,
    parse_count,
    strip_name_badge,
    strip_title_suffix,
)

_ENTITY_VIEW = "profile-component-entity"
_CONTACT_INFO = "Contact info"
_DETAILS_LINK_RE = re.compile(
    r"/details/(?:experience|education|skills|certifications|languages|projects|volunteering-experiences"
    r"|honors)/?$"
)
_NUMBER_RE = re.compile(r"\d[\d,.]*")


def recognise(doc: Document) -> LegacyPage | None:
    """A 2022, 2024 or 2025 page, by its top card section or its entities."""
    page = LegacyPage(doc)
    return page if page.generation != "unknown" else None


def read_any(doc: Document) -> LegacyPage:
    """The reading of a page no layout recognises (generation `unknown`)."""
    return LegacyPage(doc)


class LegacyPage:
    """The parts of one 2022-2025 document the field readers share, located in one walk."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        *_, root = doc.card_roots()
        sections: list[Tag] = []
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
            if tag.get("data-view-name") == _ENTITY_VIEW:
                self.has_component_entity = True
            if self.current_company is None and is_current_company_label(tag):
                self.current_company = tag
        self.sections = find_sections(sections)
        self.top_card: Tag | None = self.member_section or (
            self.h1.find_parent("section") if self.h1 is not None else None
        )
        self._top_lines: list[str] | None = None
        self.generation = self._generation()

    def _generation(self) -> str:
        member = self.member_section
        if self.has_pvs_entity or (member is not None and has_class(member, "pv-top-card")):
            return "2022"
        if self.has_component_entity or member is not None:
            return "2024" if self.has_heading_xlarge else "2025"
        return "unknown"

    def is_profile(self) -> bool:
        top, h1 = self.top_card, self.h1
        if self.generation == "unknown" or top is None or h1 is None:
            return False
        return any(parent is top for parent in h1.parents) and bool(first_line(h1))

    def is_details(self) -> bool:
        return self.generation != "unknown" and (self.has_pvs_entity or self.has_component_entity)

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
        for tag in iter_tags(self.doc.soup):
            if has_class(tag, f"artdeco-entity-lockup__{part}") and tag.find_parent(
                class_="pv-profile-sticky-header-v2__container"
            ):
                return first_line(tag)
        return None

    def items(self, key: str) -> list[sec.Item]:
        section = self.sections.get(key)
        if section is None:
            return []
        return _items(section)

    def read(self, profile: Profile, guard: Guard) -> None:
        def identity() -> None:
            profile.name = _name(self)
            profile.headline = _headline(self, profile.name)
            profile.location = _location(self, profile.name, profile.headline)

        def set_company() -> None:
            profile.current_company = current_company_of(self.current_company)

        def set_about() -> None:
            profile.about = _about(self)

        guard("name", identity)
        guard("current_company", set_company)
        guard("counts", lambda: _counts(self, profile))
        guard("about", set_about)
        guard("lists", lambda: _lists(self, profile))


def _name(page: LegacyPage) -> str | None:
    if page.top_card is not None and page.h1 is not None:
        return strip_name_badge(first_line(page.h1))
    name = page.sticky_header("title")
    if name:
        return name
    title_tag = first_tag(page.doc.soup, "title")
    if title_tag is not None and title_tag.string:
        return strip_title_suffix(title_tag.string)
    return None


def _headline(page: LegacyPage, name: str | None) -> str | None:
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


def _location(page: LegacyPage, name: str | None, headline: str | None) -> str | None:
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


def _counts(page: LegacyPage, profile: Profile) -> None:
    connections, profile.followers = counts_in(page.top_lines)
    if connections is not None:
        profile.connections, profile.connections_capped = connections
    activity = page.sections.get("activity")
    if profile.followers is None and activity is not None:
        profile.followers = activity_followers(lines(activity, skip_lists=True))


def _about(page: LegacyPage) -> str | None:
    section = page.sections.get("about")
    if section is None:
        return None
    box = next((t for t in iter_tags(section) if t.get("data-testid") == "expandable-text-box"), None)
    body = lines(box) if box is not None else lines(section, skip_buttons=True)[1:]
    return clean(" ".join(line for line in body if not is_interface_text(line)))


def _lists(page: LegacyPage, profile: Profile) -> None:
    profile.experiences = sec.experiences(page.items("experience"))
    profile.educations = sec.educations(page.items("education"))
    profile.skills = sec.skills(page.items("skills"))
    for key, field_name in sec.LIST_FIELDS:
        if key in MORE_SECTIONS:
            section = page.sections.get(key)
            setattr(profile, key, sec.ENTRY_READERS[key](_items(section, notes=True) if section else []))
        section = page.sections.get(key)
        if section is not None:
            total, truncated = _show_all(section)
            profile.section_totals[field_name] = total
            profile.truncated[field_name] = truncated


# ------------------------------------------------------------------ entities


def _is_entity(tag: Tag) -> bool:
    if tag.get("data-view-name") == _ENTITY_VIEW:
        return True
    return tag.name == "div" and has_class(tag, "pvs-entity")


def _top_level_entities(section: Tag) -> list[tuple[Tag, list[Tag]]]:
    """Entities of a legacy (2022-2025) section, each with the entities nested inside it (group roles)."""
    entities = [t for t in iter_tags(section) if _is_entity(t)]
    ids = {id(e) for e in entities}
    tops: list[tuple[Tag, list[Tag]]] = []
    index: dict[int, list[Tag]] = {}
    for entity in entities:
        parent_entity = next((a for a in ancestors_until(entity, section) if id(a) in ids), None)
        if parent_entity is None:
            children: list[Tag] = []
            index[id(entity)] = children
            tops.append((entity, children))
        elif id(parent_entity) in index:
            index[id(parent_entity)].append(entity)
    return tops


def _values(found: list[str]) -> list[str]:
    """An entity's lines without button and link labels ("Show all 6 experiences" in a group)."""
    return [line for line in found if not is_interface_text(line)]


def _items(section: Tag, notes: bool = False) -> list[sec.Item]:
    """The section's entries; with `notes`, each with the lines of its sub-components (descriptions)."""
    return [
        sec.Item(
            _values(lines(entity, skip_lists=True)),
            [_values(lines(child, skip_lists=True)) for child in children],
            _values(_sub_component_lines(entity)) if notes else [],
        )
        for entity, children in _top_level_entities(section)
    ]


def _sub_component_lines(entity: Tag) -> list[str]:
    """The lines of an entity's nested lists: what `lines(entity, skip_lists=True)` leaves out."""
    found: list[str] = []
    for tag in iter_tags(entity):
        if tag.name == "ul" and not any(a.name == "ul" for a in ancestors_until(tag, entity)):
            found.extend(lines(tag))
    return found


def _show_all(section: Tag) -> tuple[int | None, bool]:
    """(section total, truncated). A "Show all N" inside a list item belongs to one company group:
    it marks the section truncated but is not the section's total."""
    total: int | None = None
    truncated = False
    # The section's own link to its details page says "Show all N …" in the account's language; an
    # icon-only link in the header (the owner's "edit" arrow) leads there too but hides nothing.
    for link in section.find_all("a"):
        path = urlparse(link.get("href") or "").path
        if not _DETAILS_LINK_RE.search(path) or not link.get_text(" ").strip():
            continue
        truncated = True
        in_item = any(a.name == "li" for a in ancestors_until(link, section))
        number = _NUMBER_RE.search(link.get_text(" "))
        if not in_item and total is None and number is not None:
            count = parse_count(number[0])
            total = count[0] if count else None
    for text in section.descendants:
        if not isinstance(text, NavigableString) or "Show all" not in text:
            continue
        match = SHOW_ALL_RE.search(text)
        if match is None:
            continue
        truncated = True
        in_item = any(a.name == "li" for a in ancestors_until(text, section))
        if not in_item and total is None:
            count = parse_count(match["count"])
            total = count[0] if count else None
    return total, truncated
