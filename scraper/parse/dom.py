"""Tree helpers over a BeautifulSoup document: visible lines, sections, ancestry.

LinkedIn renders every visible string twice (an `aria-hidden` copy and a `visually-hidden` twin for
screen readers); these helpers read the visible copy once and never key on hashed class names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from bs4 import BeautifulSoup, Tag
from bs4.element import NavigableString, PreformattedString

from scraper.parse.text import clean

_SKIP_TAGS = frozenset({"script", "style", "code", "template", "svg", "noscript", "head", "img"})
_SKIP_CLASSES = frozenset({"visually-hidden", "a11y-text"})
# Elements that do not break a line: their text continues the surrounding text.
_INLINE_TAGS = frozenset(
    {"a", "strong", "em", "b", "i", "span", "time", "abbr", "bdi", "small", "sup", "sub"}
)
SECTION_KEYS = ("about", "experience", "education", "skills", "activity")
# The sections the record reads since schema 2, by key (= the record's field name).
MORE_SECTIONS = ("certifications", "languages", "projects", "volunteering", "honors")
_HEADINGS = {key: key for key in SECTION_KEYS + MORE_SECTIONS} | {
    "licenses & certifications": "certifications",
    "licenses and certifications": "certifications",
    "volunteer experience": "volunteering",
    "honors & awards": "honors",
    "honors and awards": "honors",
}
# `data-view-name="profile-card-<name>"` for the sections whose name is not their key.
_VIEW_NAMES = {
    "licenses-and-certifications": "certifications",
    "volunteering-experience": "volunteering",
    "volunteer-experiences": "volunteering",
    "honors-and-awards": "honors",
}
_ANCHOR_IDS = {
    "about": "about",
    "experience": "experience",
    "education": "education",
    "skills": "skills",
    "content_collections": "activity",
    "licenses_and_certifications": "certifications",
    "languages": "languages",
    "projects": "projects",
    "volunteering_experience": "volunteering",
    "honors_and_awards": "honors",
}


def _skipped(tag: Tag) -> bool:
    if tag.name in _SKIP_TAGS:
        return True
    classes = tag.get("class")
    return bool(classes) and not _SKIP_CLASSES.isdisjoint(classes)


def lines(root: Tag, *, skip_lists: bool = False, skip_buttons: bool = False) -> list[str]:
    """Visible text of `root` as lines: one per block element or `aria-hidden` span.

    `skip_lists` leaves out nested `<ul>`s (sub-components: descriptions, grouped roles, endorsements),
    so an entity yields only its own header lines.
    """
    out: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        if buf:
            text = clean("".join(buf))
            if text:
                out.append(text)
            buf.clear()

    def walk(node: Tag) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if not isinstance(child, PreformattedString):  # comments, CDATA, doctype
                    buf.append(str(child))
                continue
            if not isinstance(child, Tag) or _skipped(child):
                continue
            name = child.name
            if name == "br":
                buf.append(" ")
                continue
            if (skip_lists and name == "ul") or (skip_buttons and name == "button"):
                continue
            inline = name in _INLINE_TAGS and child.get("aria-hidden") != "true"
            if not inline:
                flush()
            walk(child)
            if not inline:
                flush()

    walk(root)
    flush()
    return out


SEPARATOR = None  # what `leaves` yields for an `<hr>` between items


def is_hidden(tag: Tag) -> bool:
    """Hidden by attribute or inline style (the 2026 layout keeps hidden duplicates of some lines).

    Not `aria-hidden`: older layouts put the visible copy of every string in an `aria-hidden` span,
    and the 2026 cards have no such twins, so it says nothing about what a reader sees."""
    if tag.has_attr("hidden"):
        return True
    style = (tag.get("style") or "").replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


def leaves(root: Tag, skip: Callable[[Tag], bool] | None = None) -> list[tuple[str, Tag] | None]:
    """Visible lines of `root`, each with the block element it belongs to; `SEPARATOR` for an `<hr>`.

    The block element tells callers where a line sits (inside a link, a button, one grouped role).
    `skip(tag)` leaves out a subtree.
    """
    out: list[tuple[str, Tag] | None] = []
    buf: list[str] = []
    owner: list[Tag] = [root]

    def flush() -> None:
        if buf:
            text = clean("".join(buf))
            if text:
                out.append((text, owner[0]))
            buf.clear()

    def walk(node: Tag, block: Tag) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if not isinstance(child, PreformattedString):
                    if not buf:
                        owner[0] = block
                    buf.append(str(child))
                continue
            if not isinstance(child, Tag) or _skipped(child) or (skip is not None and skip(child)):
                continue
            name = child.name
            if name == "br":
                buf.append(" ")
                continue
            if name == "hr":
                flush()
                out.append(SEPARATOR)
                continue
            inline = name in _INLINE_TAGS
            if not inline:
                flush()
            walk(child, block if inline else child)
            if not inline:
                flush()

    walk(root, root)
    flush()
    return out


def first_line(root: Tag | None, **kwargs: bool) -> str | None:
    if root is None:
        return None
    found = lines(root, **kwargs)
    return found[0] if found else None


def ancestors_until(tag: Tag, stop: Tag) -> Iterator[Tag]:
    parent = tag.parent
    while parent is not None and parent is not stop:
        yield parent
        parent = parent.parent


def within(tag: Tag, ancestor: Tag) -> bool:
    """Whether `ancestor` is one of `tag`'s ancestors (by identity: bs4's `==` compares markup)."""
    return any(parent is ancestor for parent in tag.parents)


def iter_tags(root: Tag) -> Iterator[Tag]:
    """Every element below `root`, in document order.

    A plain walk is several times faster than bs4's `find_all` with attribute filters, which
    matters because the parser's budget is 20% of the tree build (see `make bench`).
    """
    for node in root.descendants:
        if isinstance(node, Tag):
            yield node


def first_tag(root: Tag, name: str) -> Tag | None:
    return next((t for t in iter_tags(root) if t.name == name), None)


def has_class(tag: Tag, name: str) -> bool:
    classes = tag.get("class")
    return bool(classes) and name in classes


def section_key(section: Tag) -> str | None:
    """Which profile section a `<section>` is: by SDUI view name, anchor id, or heading text."""
    view = section.get("data-view-name") or ""
    if view.startswith("profile-card-"):
        key = view.removeprefix("profile-card-")
        key = _VIEW_NAMES.get(key, key)
        return key if key in SECTION_KEYS + MORE_SECTIONS else None
    heading = None
    for tag in iter_tags(section):
        if tag.name == "div" and tag.get("id") in _ANCHOR_IDS:
            return _ANCHOR_IDS[tag["id"]]
        if heading is None and tag.name in ("h1", "h2"):
            heading = tag
    if heading is not None:
        return section_title_kind(first_line(heading) or "")
    return None


def section_title_kind(title: str) -> str | None:
    """'about' for a card title "About"; None for any other line."""
    return _HEADINGS.get(title.lower())


def find_sections(sections: list[Tag]) -> dict[str, Tag]:
    """The first section of each known kind."""
    found: dict[str, Tag] = {}
    for section in sections:
        key = section_key(section)
        if key and key not in found:
            found[key] = section
    return found


def soup_of(html: str | bytes) -> BeautifulSoup:
    return BeautifulSoup(html, "lxml")
