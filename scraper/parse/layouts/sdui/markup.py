"""What marks the 2026 markup: its key prefixes, and which elements are never a field's line.

Class names are hashed and change with each release, so nothing in this layout reads them: only
componentkey prefixes and suffixes, element roles, link targets and text patterns.
"""

from __future__ import annotations

import re

from bs4 import Tag

from scraper.parse.dom import is_hidden, leaves
from scraper.parse.text import is_interface_text

CARD_PREFIX = "com.linkedin.sdui.profile.card."
ITEM_PREFIX = "entity-collection-item"
SKILL_PREFIX = "com.linkedin.sdui.profile.skill("
CONTACT_INFO = "Contact info"
PROFILE_PATH_RE = re.compile(r"^/in/[^/]+/?$")
_OVERLAY_LINK_RE = re.compile(r"/overlay/|/skill-associations-details/")


def is_inert(tag: Tag) -> bool:
    """A copy nobody sees: hidden, or inside a `<template>`/`<noscript>` (a hydration or fallback copy)."""
    return is_hidden(tag) or any(p.name in ("template", "noscript") or is_hidden(p) for p in tag.parents)


def is_control(tag: Tag) -> bool:
    return is_hidden(tag) or tag.name == "button" or tag.get("role") == "button"


def skip_line(tag: Tag) -> bool:
    """Hidden duplicates, descriptions, buttons and overlay links are never a field's line.

    An entry's skill chip ("IFRS", "Budgeting and Forecasting") links to its skill-associations
    overlay; with one or two skills nothing in its text says it is not a location."""
    return (
        is_hidden(tag)
        or tag.name == "button"
        or tag.get("role") == "button"
        or tag.get("data-testid") in ("expandable-text-box", "expandable-text-button")
        or (tag.name == "a" and _OVERLAY_LINK_RE.search(tag.get("href") or "") is not None)
    )


def visible_texts(root: Tag) -> list[str]:
    return [entry[0] for entry in leaves(root, skip_line) if entry and not is_interface_text(entry[0])]
