"""LinkedIn's 2026 server-driven ("SDUI") profile layout.

Cards are found by the suffix of their `componentkey` (or `id`):
`com.linkedin.sdui.profile.card.ref<member id><Card>`; entries are `entity-collection-item…` elements;
every line is a `<p>` leaf. Class names are hashed and change with each release, so nothing here reads
them: only componentkey prefixes and suffixes, element roles, link targets and text patterns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlparse

from bs4 import Tag

from scraper.parse.dom import first_line, is_hidden, iter_tags, leaves
from scraper.parse.sections import Item
from scraper.parse.text import (
    BARE_COUNT_RE,
    clean,
    connections_in,
    followers_in,
    is_badge,
    is_duration,
    is_employment_type,
    is_interface_text,
    parse_count,
    parse_date_range,
)

CARD_PREFIX = "com.linkedin.sdui.profile.card."
ITEM_PREFIX = "entity-collection-item"
SKILL_PREFIX = "com.linkedin.sdui.profile.skill("
# The card name ends the key; the member id before it is opaque. Both "Topcard" and "TopCard" occur.
_CARD_KIND_RE = re.compile(
    r"(topcard|about|experience|education|skills?|activity)"
    r"(?:toplevelsection|detailssection|details|section)?$",
    re.IGNORECASE,
)
_TITLE_COUNT_RE = re.compile(r"\((?P<count>\d[\d,]*)\)\s*$")
_SHOW_ALL_COUNT_RE = re.compile(r"(?P<count>\d[\d,]*)")
_ENDORSEMENT_RE = re.compile(
    r"^\d[\d,]*\+?\s+endorsements?$|^endorsed by\b|\bexperiences? (?:across|at)\b|^passed linkedin skill",
    re.IGNORECASE,
)
_DETAILS_LINK_RE = re.compile(r"/details/[a-z-]+/?$")
_DETAILS_PATH_RE = re.compile(r"/details/(?P<section>experience|education|skills)\b")
_DETAILS_TITLES = {"experience": "experience", "education": "education", "skills": "skills"}
_CONTACT_INFO = "Contact info"


def card_kind(key: str) -> str | None:
    """'com.linkedin.sdui.profile.card.refACoAA…Topcard' -> 'top'; None for a card we do not read."""
    m = _CARD_KIND_RE.search(key)
    if m is None:
        return None
    word = m[1].lower()
    return {"topcard": "top", "skill": "skills"}.get(word, word)


def component_key(tag: Tag) -> str:
    key = tag.get("componentkey") or tag.get("id") or ""
    return key if isinstance(key, str) else ""


def _skip_line(tag: Tag) -> bool:
    """Hidden duplicates, descriptions and buttons are never a field's line."""
    return (
        is_hidden(tag)
        or tag.name == "button"
        or tag.get("role") == "button"
        or tag.get("data-testid") in ("expandable-text-box", "expandable-text-button")
    )


def _texts(root: Tag) -> list[str]:
    return [entry[0] for entry in leaves(root, _skip_line) if entry and not is_interface_text(entry[0])]


# ------------------------------------------------------------------ top card


@dataclass(slots=True)
class TopCard:
    name: str | None = None
    headline: str | None = None
    location: str | None = None
    current_company: str | None = None
    connections: int | None = None
    connections_capped: bool = False
    followers: int | None = None


def _link_href(block: Tag, text: str, card: Tag) -> str | None:
    """The href of the link this line is (an `<a>` around the block, or one holding all its text)."""
    for parent in [block, *block.parents]:
        if parent is card or parent is None:
            break
        if parent.name == "a":
            return parent.get("href") or ""
    for link in block.find_all("a"):
        if clean(link.get_text(" ")) == text:
            return link.get("href") or ""
    return None


def _badges(card: Tag) -> list[str]:
    """Names on the top card's badge buttons (current company, then school)."""
    out = []
    for tag in iter_tags(card):
        if tag.get("role") != "button" or tag.name == "button" or is_hidden(tag):
            continue
        text = first_line(tag)
        if text and not is_interface_text(text) and (tag.find("p") or tag.find("img")):
            out.append(text)
    return out


def read_top(card: Tag) -> TopCard:
    top = TopCard()
    heading = next((t for t in iter_tags(card) if t.name in ("h1", "h2") and not is_hidden(t)), None)
    top.name = first_line(heading) if heading is not None else None
    entries = [e for e in leaves(card, lambda t: is_hidden(t) or t.name == "button") if e]
    texts = [text for text, _ in entries]
    _read_counts(texts, top)
    if top.name is None:
        return top
    badges = _badges(card)
    start = next(
        (i + 1 for i, (_, block) in enumerate(entries) if block is heading or heading in block.parents),
        0,
    )
    lines: list[tuple[str, Tag]] = []
    for text, block in entries[start:]:
        if text == top.name or is_badge(text) or is_interface_text(text) or text in badges:
            continue
        lines.append((text, block))
    badge_line = " · ".join(badges)

    def plain(index: int) -> bool:  # could be the headline: not a count, a link or the badges line
        text, block = lines[index]
        return not _is_counter(text) and _link_href(block, text, card) is None and text != badge_line

    def place(index: int) -> bool:  # could be the location: a plain line that is not "A · B"
        return plain(index) and " · " not in lines[index][0]

    contact_at = next((i for i, (text, _) in enumerate(lines) if text.endswith(_CONTACT_INFO)), None)
    location_at: int | None = None
    if contact_at is not None:
        inline = clean(lines[contact_at][0].removesuffix(_CONTACT_INFO).rstrip(" ·"))
        if inline:
            top.location = inline
        elif places := [i for i in range(contact_at) if place(i)]:
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
    return top


def _near_name(block: Tag, contact: Tag | None, heading: Tag) -> bool:
    """Whether the smallest element holding both `block` and the contact link also holds the name."""
    if contact is None:
        return True
    around_block = {id(p) for p in block.parents}
    common = next((p for p in contact.parents if id(p) in around_block), None)
    return common is not None and common in heading.parents


def _is_counter(text: str) -> bool:
    return bool(
        connections_in(text) is not None
        or followers_in(text) is not None
        or BARE_COUNT_RE.match(text)
        or "mutual connection" in text.lower()
    )


def _badge_line_company(lines: list[tuple[str, Tag]], top: TopCard, card: Tag) -> str | None:
    """Without badge buttons, the "Company · School" line after the headline names the company."""
    seen_headline = False
    for text, block in lines:
        if text == top.headline:
            seen_headline = True
        elif text == top.location or text.endswith(_CONTACT_INFO):
            break
        elif (
            seen_headline
            and " · " in text
            and not _is_counter(text)
            and _link_href(block, text, card) is None
        ):
            return clean(text.split(" · ")[0])
    return None


def _read_counts(texts: list[str], top: TopCard) -> None:
    for index, text in enumerate(texts):
        following = texts[index + 1] if index + 1 < len(texts) else ""
        joined = f"{text} {following}" if BARE_COUNT_RE.match(text) else text  # "500+" / "connections"
        if top.connections is None and (count := connections_in(joined)) is not None:
            top.connections, top.connections_capped = count
        if top.followers is None and (followers := followers_in(joined)) is not None:
            top.followers = followers


# ------------------------------------------------------------------ about


def read_about(card: Tag) -> str | None:
    box = next((t for t in iter_tags(card) if t.get("data-testid") == "expandable-text-box"), None)
    if box is not None:
        return clean(" ".join(entry[0] for entry in leaves(box) if entry))
    heading = next((t for t in iter_tags(card) if t.name in ("h2", "h3")), None)
    body = [
        text
        for text in _texts(card)
        if text != (first_line(heading) if heading is not None else None)
        and text.lower() != "top skills"
        and " • " not in text
    ]
    return clean(" ".join(body))


# ------------------------------------------------------------------ list cards


def top_items(root: Tag) -> list[Tag]:
    """`entity-collection-item…` elements of `root` that are not inside another one."""
    out: list[Tag] = []
    for tag in iter_tags(root):
        key = tag.get("componentkey")
        inside = isinstance(key, str) and key.startswith(ITEM_PREFIX)
        if inside and not any(parent in out for parent in _parents_until(tag, root)):
            out.append(tag)
    return out


def _parents_until(tag: Tag, stop: Tag) -> list[Tag]:
    chain = []
    parent = tag.parent
    while parent is not None and parent is not stop:
        chain.append(parent)
        parent = parent.parent
    return chain


def item_of(element: Tag) -> Item:
    """One entry: its own lines, or for a company group its header and one line list per role.

    A role is the largest element holding exactly one date line, so nested links, lists or plain
    `<div>`s all work; an entry with a single date line is one role.
    """
    entries = [e for e in leaves(element, _skip_line) if e and not is_interface_text(e[0])]
    texts = [text for text, _ in entries]
    dated = [i for i, text in enumerate(texts) if i > 0 and parse_date_range(text)]
    if len(dated) < 2:
        return Item(texts)
    chains = [_parents_until(block, element.parent) for _, block in entries]
    chains = [[block, *chain] for (_, block), chain in zip(entries, chains, strict=True)]
    holding: dict[int, int] = {}
    for i in dated:
        for tag in chains[i]:
            holding[id(tag)] = holding.get(id(tag), 0) + 1
    roles: list[Tag] = []
    for i in dated:
        single = [tag for tag in chains[i] if holding[id(tag)] == 1 and tag is not element]
        if not single:
            return _split_by_dates(texts, dated)
        roles.append(single[-1])
    role_ids = {id(tag): n for n, tag in enumerate(roles)}
    header: list[str] = []
    children: list[list[str]] = [[] for _ in roles]
    for (text, _), chain in zip(entries, chains, strict=True):
        owner = next((role_ids[id(tag)] for tag in chain if id(tag) in role_ids), None)
        if owner is not None:
            children[owner].append(text)
        elif not any(children):
            header.append(text)
    if any(not role or parse_date_range(role[0]) for role in children) or not header:
        return _split_by_dates(texts, dated)  # a role without its title: the markup is flatter than that
    return Item(header, children)


def _split_by_dates(texts: list[str], dated: list[int]) -> Item:
    """Flat markup: a group when the second line is the group's total ("Full-time · 8 yrs 3 mos")."""
    second = [part.strip() for part in texts[1].split(" · ")] if len(texts) > 1 else []
    if not second or not all(is_duration(p) or is_employment_type(p) for p in second):
        return Item(texts)
    starts = [d - 2 if d >= 2 and is_employment_type(texts[d - 1]) else d - 1 for d in dated]
    if starts[0] < 1:
        return Item(texts)
    bounds = [*starts, len(texts)]
    return Item(texts[: starts[0]], [texts[a:b] for a, b in zip(bounds, bounds[1:], strict=False)])


def chunk_items(card: Tag) -> list[Item]:
    """Entries separated only by `<hr>`: each chunk of lines is one entry (the title is not)."""
    heading = next((t for t in iter_tags(card) if t.name in ("h2", "h3")), None)
    chunks: list[list[str]] = [[]]
    for entry in leaves(card, _skip_line):
        if entry is None:
            chunks.append([])
            continue
        text, block = entry
        if heading is not None and (block is heading or heading in block.parents):
            continue
        if not is_interface_text(text):
            chunks[-1].append(text)
    return [Item(chunk) for chunk in chunks if chunk]


def list_items(root: Tag) -> list[Item]:
    elements = top_items(root)
    return [item_of(e) for e in elements] if elements else chunk_items(root)


def skill_names(root: Tag, skill_tags: list[Tag]) -> list[str]:
    """Skill names: one per skill component (each may appear twice), else the first line per entry."""
    names: list[str] = []
    if skill_tags:
        candidates = [next(iter(_texts(tag)), None) for tag in skill_tags]
    else:
        elements = top_items(root)
        if elements:
            candidates = [next(iter(_texts(e)), None) for e in elements]
        else:
            chunks = chunk_items(root)
            # Without separators every line that is not an endorsement is a skill.
            candidates = list(chunks[0].header) if len(chunks) == 1 else [c.header[0] for c in chunks]
    for name in candidates:
        if name and not _ENDORSEMENT_RE.search(name) and name not in names:
            names.append(name)
    return names


def show_all(card: Tag) -> tuple[int | None, bool]:
    """(section total, truncated) from the card's link to its details page, or a title "Skills (14)".

    A details link inside one entry (a company group's own "Show all 6 experiences") marks the card
    truncated but is not the section's total."""
    total: int | None = None
    truncated = False
    for link in iter_tags(card):
        if link.name != "a":
            continue
        text = clean(link.get_text(" ")) or ""
        show_all = text.lower().startswith("show all")
        in_item = any(
            isinstance(p.get("componentkey"), str) and p["componentkey"].startswith(ITEM_PREFIX)
            for p in _parents_until(link, card)
        )
        # The card's own link to its details page (localized text, same target); links inside an
        # entry (a role, a company) or to endorsers and edit forms are not it.
        to_details = bool(_DETAILS_LINK_RE.search(urlparse(link.get("href") or "").path))
        if not show_all and (in_item or not to_details):
            continue
        truncated = True
        if total is None and not in_item and (m := _SHOW_ALL_COUNT_RE.search(text)):
            count = parse_count(m["count"])
            total = count[0] if count else None
    if total is None:
        heading = next((t for t in iter_tags(card) if t.name in ("h2", "h3")), None)
        if heading is not None and (m := _TITLE_COUNT_RE.search(first_line(heading) or "")):
            count = parse_count(m["count"])
            total = count[0] if count else None
    return total, truncated


def details_section(
    cards: dict[str, Tag], skill_tags: list[Tag], url: str | None, title: str | None
) -> str | None:
    """Which list a `/details/<section>/` page holds: its URL, its card's key, skill components, title."""
    if url and (m := _DETAILS_PATH_RE.search(url)):
        return m["section"]
    for kind in ("experience", "education", "skills"):
        if kind in cards:
            return kind
    if skill_tags:
        return "skills"
    first = (title or "").split("|")[0].strip().lower()
    first = re.sub(r"^\(\d+\+?\)\s*", "", first)
    return _DETAILS_TITLES.get(first)
