"""LinkedIn's 2026 server-driven ("SDUI") profile layout.

Cards are keyed by `componentkey` (or `id`) suffixes, entries are `entity-collection-item…` elements,
every line is a `<p>` leaf, and the member's name is an `<h2>`: `cards` finds the cards (with its
fallbacks for pages observed with fewer keys), `top`, `about` and `lists` read them. A page with an
`<h1>` or a `section[data-member-id]` is of an older layout: the fallbacks never claim it, only keyed
cards do.
"""

from __future__ import annotations

from urllib.parse import urlparse

from bs4 import Tag

from scraper.models import Profile
from scraper.parse import sections as sec
from scraper.parse.document import Document, Guard
from scraper.parse.dom import (
    MORE_SECTIONS,
    find_sections,
    first_line,
    iter_tags,
    lines,
    section_title_kind,
    within,
)
from scraper.parse.fields import activity_followers, current_company_of, is_current_company_label
from scraper.parse.layouts.sdui import cards
from scraper.parse.layouts.sdui.about import read_about
from scraper.parse.layouts.sdui.lists import details_list, details_section, list_items, show_all, skill_names
from scraper.parse.layouts.sdui.markup import CARD_PREFIX, ITEM_PREFIX, SKILL_PREFIX, is_inert
from scraper.parse.layouts.sdui.top import read_top
from scraper.parse.text import strip_title_suffix


def recognise(doc: Document) -> SduiPage | None:
    """A 2026 page: keyed cards, or (on a page without an `<h1>` or member section) entries, skill
    components or a top card found by the fallbacks; in `<main>`, else in the whole document."""
    for root in doc.card_roots():
        page = SduiPage(doc, root)
        if page.recognised:
            page.find_unkeyed_cards()
            return page
    return None


class SduiPage:
    """The cards of one 2026 document, located in one walk over `root`."""

    generation = "sdui"

    def __init__(self, doc: Document, root: Tag) -> None:
        self.doc = doc
        sections: list[Tag] = []
        self.cards: dict[str, Tag] = {}
        self.skill_tags: list[Tag] = []
        self.markers: list[tuple[str, Tag]] = []
        self.current_company: Tag | None = None
        has_items = details_keyed = has_h1 = has_member_section = False
        top_component: Tag | None = None
        name_triggers: list[Tag] = []
        for tag in iter_tags(root):
            name = tag.name
            if name == "section":
                sections.append(tag)
                has_member_section = has_member_section or bool(tag.get("data-member-id"))
            elif name == "h1":
                has_h1 = True
            key = tag.get("componentkey") or tag.get("id")
            if key and isinstance(key, str):
                if key.startswith(CARD_PREFIX):
                    details_keyed = details_keyed or key.lower().endswith(("details", "detailssection"))
                    kind = cards.card_kind(key)
                    if kind and kind not in self.cards and not is_inert(tag):
                        self.cards[kind] = tag
                elif key.startswith(ITEM_PREFIX):
                    has_items = True
                elif key.startswith(SKILL_PREFIX):
                    self.skill_tags.append(tag)
            if (marker := cards.marker_kind(tag)) is not None:
                self.markers.append((marker, tag))
            elif top_component is None and cards.is_top_component(tag) and not is_inert(tag):
                top_component = tag
            elif cards.is_name_trigger(tag):
                name_triggers.append(tag)
            if self.current_company is None and is_current_company_label(tag):
                self.current_company = tag
        self.sections = find_sections(sections)
        older = has_h1 or has_member_section  # an older layout's top card: no fallback claims the page
        if "top" not in self.cards and top_component is not None and not older:
            self.cards["top"] = top_component  # a top card known only by its lazy component
        if (
            "top" not in self.cards
            and not older
            and not details_keyed
            and "/details/" not in urlparse(doc.url or "").path
        ):  # a details page's header names the member too; it has no top card
            keyless = cards.keyless_top(name_triggers, doc.url) or cards.contact_top(root, doc.url)
            if keyless is not None:
                self.cards["top"] = keyless
        self.recognised = bool(self.cards) or (not older and (has_items or bool(self.skill_tags)))

    def find_unkeyed_cards(self) -> None:
        """2026 cards that carry no card key (lazy cards rendered later): found by their section marker,
        else by their title, never as a wrapper around the top card or inside an aside."""
        top = self.cards.get("top")
        if top is None:
            return
        vanity = cards.card_vanity(top) or cards.url_vanity(self.doc.url)
        stale = [m for _, m in self.markers if vanity and cards.marker_subject(m) not in (None, vanity)]
        for kind, marker in self.markers:
            if any(marker is m for m in stale):
                continue  # a card of the profile shown before this one
            if kind not in self.cards and not is_inert(marker):
                card = cards.marked_card(marker, top)
                if card is not None:
                    self.cards[kind] = card
        for kind in ("about", "experience", "education", "skills", *MORE_SECTIONS):
            section = self.sections.get(kind)
            if (
                kind not in self.cards
                and section is not None
                and not within(top, section)
                and not is_inert(section)
                and section.find_parent("aside") is None
                and not any(m is section or within(m, section) for m in stale)
            ):
                self.cards[kind] = section
        for heading in iter_tags(self.doc.main):
            kind = section_title_kind(first_line(heading) or "") if heading.name in ("h2", "h3") else None
            if kind is None or kind == "activity" or kind in self.cards or is_inert(heading):
                continue
            card = cards.titled_card(heading, top) if heading.find_parent("aside") is None else None
            if card is not None and not any(m is card or within(m, card) for m in stale):
                self.cards[kind] = card

    def is_profile(self) -> bool:
        card = self.cards.get("top")
        heading = next((t for t in iter_tags(card) if t.name in ("h1", "h2")), None) if card else None
        return heading is not None and bool(first_line(heading))

    def is_details(self) -> bool:
        return True

    def read(self, profile: Profile, guard: Guard) -> None:
        guard("name", lambda: self._identity(profile))
        about = self.cards.get("about")
        if about is not None:

            def set_about() -> None:
                profile.about = read_about(about)

            guard("about", set_about)
        guard("lists", lambda: self._lists(profile))

    def _identity(self, profile: Profile) -> None:
        card = self.cards.get("top")
        if card is None:  # a /details/<section>/ page: the person is named only in the title
            profile.name = strip_title_suffix(self.doc.title) if self.doc.title else None
            return
        read_top(card, profile)
        # a "Current company:" label
        profile.current_company = profile.current_company or current_company_of(self.current_company)
        activity = self.cards.get("activity") or self.sections.get("activity")  # keyed, or by title
        if profile.followers is None and activity is not None:
            profile.followers = activity_followers(lines(activity))

    def _lists(self, profile: Profile) -> None:
        if "top" not in self.cards:
            section = details_section(self.cards, self.skill_tags, self.doc.url, self.doc.title)
            field_name = dict(sec.LIST_FIELDS).get(section or "")
            if field_name is None:
                return
            root = (
                self.cards.get(section or "") or details_list(self.doc.main, section or "") or self.doc.main
            )
            _set_list(profile, field_name, root, self.skill_tags)
            return
        for key, field_name in sec.LIST_FIELDS:
            card = self.cards.get(key)
            if card is not None:
                _set_list(profile, field_name, card, [t for t in self.skill_tags if within(t, card)])
                profile.section_totals[field_name], profile.truncated[field_name] = show_all(card)


def _set_list(profile: Profile, field_name: str, root: Tag, skill_tags: list[Tag]) -> None:
    if field_name == "skills":
        profile.skills = skill_names(root, skill_tags)
    elif field_name == "experiences":
        profile.experiences = sec.experiences(list_items(root, groups=True))
    elif field_name == "educations":
        profile.educations = sec.educations(list_items(root))
    else:
        setattr(profile, field_name, sec.ENTRY_READERS[field_name](list_items(root, notes=True)))
