"""The 2026 About card's text, without its "Top skills" footer."""

from __future__ import annotations

from bs4 import Tag

from scraper.parse.dom import first_line, iter_tags, leaves, section_title_kind
from scraper.parse.layouts.sdui.markup import is_control, visible_texts
from scraper.parse.text import clean

# The About card's "Top skills" label, as English and localized accounts show it.
_TOP_SKILLS_LABELS = frozenset(
    ("top skills", "aptitudes principales", "principais competências", "compétences principales")
    + ("top-kenntnisse", "competenze principali", "topvaardigheden")
)


def read_about(card: Tag) -> str | None:
    box = next((t for t in iter_tags(card) if t.get("data-testid") == "expandable-text-box"), None)
    if box is not None:  # its "…more" button can sit inside it
        return clean(" ".join(entry[0] for entry in leaves(box, is_control) if entry))
    heading = next((t for t in iter_tags(card) if t.name in ("h2", "h3")), None)
    title = first_line(heading) if heading is not None else None
    body = [text for text in visible_texts(card) if text != title]
    if heading is None and body and section_title_kind(body[0]) == "about":
        body = body[1:]  # the title as a plain line
    # "Top skills" and its "A • B • C" line close the card; the text itself may use bullets too.
    label = next((i for i, text in enumerate(body) if text.lower() in _TOP_SKILLS_LABELS), None)
    if label is not None:
        body = body[:label]
    elif len(body) > 1 and " • " in body[-1]:
        body = body[:-1]
    return clean(" ".join(body))
