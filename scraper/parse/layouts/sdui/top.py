"""The 2026 top card: name, headline, location, current company and counts."""

from __future__ import annotations

import re
from urllib.parse import urlparse

from bs4 import Tag

from scraper.models import Profile
from scraper.parse.dom import ancestors_until, first_line, is_hidden, iter_tags, leaves, within
from scraper.parse.layouts.sdui.markup import CONTACT_INFO, PROFILE_PATH_RE
from scraper.parse.text import (
    clean,
    counts_in,
    is_badge,
    is_count_line,
    is_interface_text,
    is_mutual,
    parse_count,
    strip_name_badge,
)

# "500+" alone: the capped connection count whose noun the card left out (or put in an icon's label).
_CAPPED_COUNT_RE = re.compile(r"^\d[\d,]*\+$")


def _link_href(block: Tag, text: str, card: Tag) -> str | None:
    """The href of the link this line is (an `<a>` around the block, or one holding all its text).

    The member's own profile link is not one: it may wrap the name and the lines under it."""
    for parent in [block, *block.parents]:
        if parent is card or parent is None:
            break
        if parent.name == "a" and not _is_profile_link(parent):
            return parent.get("href") or ""
    for link in block.find_all("a"):
        if clean(link.get_text(" ")) == text and not _is_profile_link(link):
            return link.get("href") or ""
    return None


def _is_profile_link(link: Tag) -> bool:
    return PROFILE_PATH_RE.match(urlparse(link.get("href") or "").path) is not None


def _badges(card: Tag) -> list[str]:
    """Names on the top card's badge buttons (current company, then school): each shows the
    organisation's logo, which a promotional button ("Verify in 2 minutes") does not."""
    out = []
    for tag in iter_tags(card):
        if tag.get("role") != "button" or tag.name == "button" or is_hidden(tag):
            continue
        text = first_line(tag)
        if text and not is_interface_text(text) and tag.find("img") is not None:
            out.append(text)
    return out


def read_top(card: Tag, top: Profile) -> None:
    """Name, headline, location, current company and counts from the top card, into `top`."""
    heading = next((t for t in iter_tags(card) if t.name in ("h1", "h2") and not is_hidden(t)), None)
    top.name = strip_name_badge(first_line(heading)) if heading is not None else None
    entries = [e for e in leaves(card, lambda t: is_hidden(t) or t.name == "button") if e]
    texts = [text for text, _ in entries]
    connections, top.followers = counts_in(texts)
    if connections is None:
        connections = next((parse_count(t) for t in texts if _CAPPED_COUNT_RE.match(t)), None)
    if connections is not None:
        top.connections, top.connections_capped = connections
    if top.name is None:
        return
    badges = _badges(card)
    start = next(
        (i + 1 for i, (_, block) in enumerate(entries) if block is heading or within(block, heading)),
        0,
    )
    lines: list[tuple[str, Tag]] = []
    for text, block in entries[start:]:
        inner = next((a for a in block.find_all("a") if "contact-info" in (a.get("href") or "")), None)
        contact = inner is not None or "contact-info" in (_link_href(block, text, card) or "")
        # The label as plain text (its link dropped by a copy of the page): "City · Contact info".
        plain_label = not contact and text.lower().endswith(CONTACT_INFO.lower())
        if plain_label:
            rest = clean(text[: -len(CONTACT_INFO)].strip(" ·"))
            lines.extend([(rest, block)] if rest else [])
            lines.append((CONTACT_INFO, block))
            continue
        if not contact and (
            text == top.name
            or is_badge(text)
            or is_interface_text(text)
            or text in badges
            or any(t.get("role") == "button" for t in [block, *ancestors_until(block, card)])
        ):
            continue  # badges, labels and whatever sits on a button are never the headline or place
        if contact:  # the link's text may be localized; a location can share its line
            rest = clean(text.replace(clean(inner.get_text(" ")) or "", "").strip(" ·")) if inner else None
            lines.extend([(rest, block)] if rest else [])
            text = CONTACT_INFO
        lines.append((text, block))
    badge_line = " · ".join(badges)

    def plain(index: int) -> bool:  # could be the headline: not a count, a link or the badges line
        text, block = lines[index]
        return not _is_counter(text) and _link_href(block, text, card) is None and text != badge_line

    def place(index: int) -> bool:  # could be the location: a plain line that is not "A · B"
        return plain(index) and " · " not in lines[index][0]

    contact_at = next((i for i, (text, _) in enumerate(lines) if text == CONTACT_INFO), None)
    location_at: int | None = None
    if contact_at is not None and (places := [i for i in range(contact_at) if place(i)]):
        last = places[-1]
        # The only plain line before "Contact info" is the headline when nothing but the whole
        # card holds both it and the link (the location sits in a small box with the link).
        contact = next(
            (t for t in iter_tags(card) if t.name == "a" and "contact-info" in (t.get("href") or "")),
            None,
        )
        if any(plain(i) for i in range(last)) or not _near_name(lines[last][1], contact, heading):
            location_at = last
            top.location = lines[last][0]
    end = contact_at if contact_at is not None else len(lines)
    headline_at = next((i for i in range(end) if i != location_at and plain(i)), None)
    if headline_at is not None:
        top.headline = lines[headline_at][0]
    if contact_at is None and headline_at is not None:
        top.location = next((lines[i][0] for i in range(headline_at + 1, len(lines)) if place(i)), None)
    top.current_company = badges[0] if badges else _badge_line_company(lines, top, card)


def _near_name(block: Tag, contact: Tag | None, heading: Tag) -> bool:
    """Whether the smallest element holding both `block` and the contact link also holds the name."""
    if contact is None:
        return True
    around_block = {id(p) for p in block.parents}
    common = next((p for p in contact.parents if id(p) in around_block), None)
    return common is not None and within(heading, common)


def _is_counter(text: str) -> bool:
    return is_count_line(text) or is_mutual(text) or _CAPPED_COUNT_RE.match(text) is not None


def _badge_line_company(lines: list[tuple[str, Tag]], top: Profile, card: Tag) -> str | None:
    """Without badge buttons, the "Company · School" line after the headline names the company."""
    seen_headline = False
    for text, block in lines:
        if text == top.headline:
            seen_headline = True
        elif text == top.location or text.endswith(CONTACT_INFO):
            break
        elif (
            seen_headline
            and " · " in text
            and not _is_counter(text)
            and _link_href(block, text, card) is None
        ):
            return clean(text.split(" · ")[0])
    return None
