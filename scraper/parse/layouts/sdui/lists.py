"""The 2026 list cards (Experience, Education, Skills) and `/details/<section>/` lists: entries as
`entity-collection-item…` elements, else separated by `<hr>`, else one link or one box each; the
section total from the card's link to its details page."""

from __future__ import annotations

import re
from urllib.parse import urlparse

from bs4 import Tag

from scraper.parse.dom import MORE_SECTIONS, ancestors_until, first_line, is_hidden, iter_tags, leaves, within
from scraper.parse.layouts.sdui.markup import ITEM_PREFIX, is_control, skip_line, visible_texts
from scraper.parse.sections import Item
from scraper.parse.text import (
    clean,
    is_duration,
    is_employment_type,
    is_interface_text,
    parse_count,
    parse_date_range,
)

_TITLE_COUNT_RE = re.compile(r"\((?P<count>\d[\d,]*)\)\s*$")
_SHOW_ALL_COUNT_RE = re.compile(r"(?P<count>\d[\d,]*)")
_ENDORSEMENT_RE = re.compile(
    r"^\d[\d,]*\+?\s+endorsements?$|^endorsed by\b|\bexperiences? (?:across|at)\b|^passed linkedin skill",
    re.IGNORECASE,
)
_DETAILS_LINK_RE = re.compile(r"/details/[a-z-]+/?$")
_DETAILS_PATH_RE = re.compile(
    r"/details/(?P<section>experience|education|skills|certifications|languages|projects"
    r"|volunteering-experiences|honors)\b"
)
# The card each details path, title or list container names ("Licenses & certifications | Ada | LinkedIn").
_DETAILS_SECTIONS = {
    "experience": "experience",
    "education": "education",
    "skills": "skills",
    "certifications": "certifications",
    "licenses & certifications": "certifications",
    "licensesandcertifications": "certifications",
    "languages": "languages",
    "projects": "projects",
    "volunteering-experiences": "volunteering",
    "volunteering": "volunteering",
    "volunteeringexperience": "volunteering",
    "volunteerexperience": "volunteering",
    "honors": "honors",
    "honors & awards": "honors",
    "honorsandawards": "honors",
}


def top_items(root: Tag) -> list[Tag]:
    """`entity-collection-item…` elements of `root` that are not inside another one."""
    out: list[Tag] = []
    found: set[int] = set()
    for tag in iter_tags(root):
        key = tag.get("componentkey")
        if not (isinstance(key, str) and key.startswith(ITEM_PREFIX)):
            continue
        chain = list(ancestors_until(tag, root))
        if any(id(parent) in found for parent in chain):
            continue
        found.add(id(tag))
        # A hidden copy of a list (another breakpoint's) would repeat every entry; an aside ("People
        # also viewed") lists other people.
        if not is_hidden(tag) and not any(is_hidden(parent) or parent.name == "aside" for parent in chain):
            out.append(tag)
    return out


def item_of(element: Tag) -> Item:
    """One entry: its own lines, or for a company group its header and one line list per role.

    A role is the largest element holding exactly one date line, so nested links, lists or plain
    `<div>`s all work; an entry with a single date line is one role.
    """
    found = [e for e in leaves(element, skip_line) if e and not is_interface_text(e[0])]
    # When the entry's lines sit inside its company or school link, a line outside every link is a
    # description, never a location or a title.
    if found and _in_link(found[0][1], element):
        found = [e for e in found if _in_link(e[1], element)]
    # A line repeated at once is a twin (a copy for screen readers or another breakpoint), not a value.
    entries = [e for i, e in enumerate(found) if i == 0 or e[0] != found[i - 1][0]]
    texts = [text for text, _ in entries]
    dated = [i for i, text in enumerate(texts) if i > 0 and parse_date_range(text)]
    if len(dated) < 2:
        return Item(texts)
    chains = [list(ancestors_until(block, element.parent)) for _, block in entries]
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


def _in_link(block: Tag, stop: Tag) -> bool:
    return any(t.name == "a" for t in [block, *ancestors_until(block, stop)])


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
    for entry in leaves(card, skip_line):
        if entry is None:
            chunks.append([])
            continue
        text, block = entry
        if heading is not None and (block is heading or within(block, heading)):
            continue
        if not is_interface_text(text):
            chunks[-1].append(text)
    return [Item(chunk) for chunk in chunks if chunk]


def link_items(card: Tag, groups: bool) -> list[Item]:
    """Entries that are each one link holding the entry's lines (a card without entry components or
    separators). With `groups`, an entry without dates followed by dated ones is a company header."""
    heading = next((t for t in iter_tags(card) if t.name in ("h2", "h3")), None)
    linked: list[tuple[int, list[str]]] = []
    for entry in leaves(card, skip_line):
        if entry is None:
            continue
        text, block = entry
        if is_interface_text(text) or (heading is not None and (block is heading or within(block, heading))):
            continue
        link = next((t for t in [block, *ancestors_until(block, card)] if t.name == "a"), None)
        if link is None:
            continue  # text outside any entry link: a description
        if linked and linked[-1][0] == id(link):
            linked[-1][1].append(text)
        else:
            linked.append((id(link), [text]))
    items: list[Item] = []
    for _, texts in linked:
        if groups and _role_shaped(texts) and items and _is_header(items[-1]):
            items[-1].children.append(texts)
        else:
            items.append(Item(texts))
    return [i for i in items if i.children or not (groups and _is_header(i))] or items


def _is_header(item: Item) -> bool:
    return not any(parse_date_range(t) for t in item.header[1:])


def _role_shaped(texts: list[str]) -> bool:
    """A grouped role's lines: title, then its dates (or its employment type, then its dates); a
    standalone entry has "Company · type" before its dates."""
    if len(texts) > 1 and parse_date_range(texts[1]):
        return True
    return len(texts) > 2 and is_employment_type(texts[1]) and parse_date_range(texts[2]) is not None


def list_items(root: Tag, groups: bool = False, notes: bool = False) -> list[Item]:
    """The card's entries; with `notes`, each entry component's descriptions as its `notes`."""
    elements = top_items(root)
    if elements:
        items = [item_of(e) for e in elements]
        if notes:
            for item, element in zip(items, elements, strict=True):
                item.notes = _descriptions(element)
        return items
    chunks = chunk_items(root)
    if len(chunks) > 1:
        return chunks
    linked = link_items(root, groups)
    if len(linked) > 1:
        return linked
    boxed = boxed_items(root)
    return boxed if len(boxed) > 1 else chunks


def _descriptions(element: Tag) -> list[str]:
    """An entry's description texts (`expandable-text-box`, whose "…more" button is not text)."""
    return [
        text
        for box in iter_tags(element)
        if box.get("data-testid") == "expandable-text-box" and not is_hidden(box)
        if (text := clean(" ".join(e[0] for e in leaves(box, is_control) if e)))
    ]


def boxed_items(root: Tag) -> list[Item]:
    """Entries that are each one plain box of lines (no entry components, separators or links): the
    children of the smallest element holding every line, when each holds several lines."""
    groups: list[list[str]] = []
    last: int | None = None
    for child, text in _lines_by_child(root):
        if child is None:
            return []
        if id(child) != last:
            groups.append([])
        groups[-1].append(text)
        last = id(child)
    return [Item(g) for g in groups] if all(len(g) > 1 for g in groups) else []


def _lines_by_child(root: Tag) -> list[tuple[Tag | None, str]]:
    """Each line of `root` (its title and buttons aside) with the child, of the smallest element
    holding every line, that holds it (None for a line directly in that element)."""
    heading = next((t for t in iter_tags(root) if t.name in ("h2", "h3")), None)

    def skip(tag: Tag) -> bool:  # and the card's own "Show all" link, whatever its language
        path = urlparse(tag.get("href") or "").path if tag.name == "a" else ""
        return skip_line(tag) or bool(path and _DETAILS_LINK_RE.search(path))

    entries: list[tuple[str, list[Tag]]] = []
    for entry in leaves(root, skip):
        if entry is None or is_interface_text(entry[0]):
            continue
        text, block = entry
        if heading is not None and (block is heading or within(block, heading)):
            continue
        entries.append((text, [block, *ancestors_until(block, root)]))
    if not entries:
        return []
    shared = {id(t) for t in entries[0][1]}
    for _, chain in entries[1:]:
        shared &= {id(t) for t in chain}
    common = next((t for t in entries[0][1] if id(t) in shared), root)
    out: list[tuple[Tag | None, str]] = []
    for text, chain in entries:
        below = [t for t in chain if within(t, common)]
        out.append((below[-1] if below else None, text))
    return out


def skill_names(root: Tag, skill_tags: list[Tag]) -> list[str]:
    """Skill names: one per skill component (each may appear twice), else the first line per entry."""
    names: list[str] = []
    if skill_tags:
        candidates = [next(iter(visible_texts(tag)), None) for tag in skill_tags]
    else:
        elements = top_items(root)
        if elements:
            candidates = [next(iter(visible_texts(e)), None) for e in elements]
        else:
            chunks = chunk_items(root)
            candidates = _first_line_per_entry(root) if len(chunks) == 1 else [c.header[0] for c in chunks]
    for name in candidates:
        if name and not _ENDORSEMENT_RE.search(name) and name not in names:
            names.append(name)
    return names


def _first_line_per_entry(root: Tag) -> list[str]:
    """Without separators or entry components, the entries are the children of the smallest element
    holding every line; each entry's first line is its name (the rest: endorsements, context)."""
    names: list[str] = []
    last: int | None = None
    for child, text in _lines_by_child(root):
        # A line directly in the common element has no entry structure to go by: it is a name.
        if child is None or id(child) != last:
            names.append(text)
        last = id(child) if child is not None else None
    return names


def show_all(card: Tag) -> tuple[int | None, bool]:
    """(section total, truncated) from the card's link to its details page, or a title "Skills (14)".

    A details link inside one entry (a company group's own "Show all 6 experiences") marks the card
    truncated but is not the section's total."""
    total: int | None = None
    truncated = False
    for link in iter_tags(card):
        text = clean(link.get_text(" ")) or ""
        show_all = text.lower().startswith("show all")
        # The label can also sit on a button or a plain line the page's script makes clickable.
        if link.name != "a" and not (show_all and link.find("a") is None and not is_hidden(link)):
            continue
        in_item = any(
            isinstance(p.get("componentkey"), str) and p["componentkey"].startswith(ITEM_PREFIX)
            for p in ancestors_until(link, card)
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


def details_list(main: Tag, section: str) -> Tag | None:
    """A `/details/<section>/` page's list container (`data-testid="profile_ExperienceDetailsSection_…"`)
    when its card carries no key: the rest of `<main>` may hold other people ("People also viewed")."""
    for tag in iter_tags(main):
        testid = tag.get("data-testid")
        if isinstance(testid, str) and testid.startswith("profile_"):
            kind = testid.split("_")[1].lower()
            named = kind.removesuffix("detailssection").removesuffix("details")
            if "details" in kind and (kind.startswith(section) or _DETAILS_SECTIONS.get(named) == section):
                return tag
    return None


def details_section(
    cards: dict[str, Tag], skill_tags: list[Tag], url: str | None, title: str | None
) -> str | None:
    """Which list a `/details/<section>/` page holds: its URL, its card's key, skill components, title."""
    if url and (m := _DETAILS_PATH_RE.search(url)):
        return _DETAILS_SECTIONS[m["section"]]
    for kind in ("experience", "education", "skills", *MORE_SECTIONS):
        if kind in cards:
            return kind
    if skill_tags:
        return "skills"
    first = (title or "").split("|")[0].strip().lower()
    first = re.sub(r"^\(\d+\+?\)\s*", "", first)
    return _DETAILS_SECTIONS.get(first)
