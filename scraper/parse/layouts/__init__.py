"""The layouts the parser knows, in the one place that lists them.

Each layout module recognises its own pages and reads them (`recognise(doc) -> Reading | None`); it
imports only the shared core (`scraper.parse.document`, `dom`, `text`, `fields`, `sections`), never
another layout. The first layout in `LAYOUTS` that recognises a page reads it: the 2026 layout comes
first because its keyed cards win even on a page that also carries an older layout's marks. A page that
none recognises is read by the fallback (the 2022-2025 reader, by headings and title) as `unknown`.

Supporting a new layout: add its module (or package) here, in `LAYOUTS`, with its fixtures under
tests/fixtures/<layout>/ (docs/architecture.md, "Adding a layout").
"""

from __future__ import annotations

from collections.abc import Callable

from scraper.parse.document import Document, Reading
from scraper.parse.layouts import legacy, sdui

LAYOUTS: tuple[Callable[[Document], Reading | None], ...] = (sdui.recognise, legacy.recognise)
FALLBACK: Callable[[Document], Reading] = legacy.read_any


def recognise(doc: Document) -> Reading:
    """The reading of `doc` by the first layout that recognises it, else by the fallback."""
    for layout in LAYOUTS:
        reading = layout(doc)
        if reading is not None:
            return reading
    return FALLBACK(doc)
