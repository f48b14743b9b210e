"""Bytes of a saved page -> text, by the charset the page declares (else one detected), saying so when
bytes had to be replaced: `scraper parse` records that in the profile's `errors` rather than printing
mojibake as if nothing happened."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

# WHATWG's prescan looks at the first 1024 bytes; saved pages put scripts before the meta tag at times.
_PRESCAN_BYTES = 4096
_META_CHARSET_RE = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
# What browsers do with these labels (WHATWG Encoding): latin-1 and ASCII mean windows-1252, and a
# page that could declare UTF-16 in ASCII bytes is not UTF-16.
_LABEL_OVERRIDES = {"latin-1": "cp1252", "iso8859-1": "cp1252", "ascii": "cp1252", "utf-16": "utf-8"}
_ESCAPED_RE = re.compile("[\udc80-\udcff]")


@dataclass(frozen=True, slots=True)
class PageText:
    text: str
    encoding: str
    problems: tuple[str, ...] = ()


def declared_charset(data: bytes) -> str | None:
    """The charset label of the first `<meta charset>` / `<meta http-equiv content="...charset=">`."""
    match = _META_CHARSET_RE.search(data[:_PRESCAN_BYTES])
    return match[1].decode("ascii").lower() if match else None


def _codec(label: str) -> str | None:
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return _LABEL_OVERRIDES.get(name, name)


def _decode(data: bytes, encoding: str, skipped: int = 0) -> tuple[str, tuple[str, ...]]:
    """Decode, replacing what does not decode with U+FFFD and saying how much and where (byte offsets
    count from the file's start: `skipped` bytes, a BOM, were cut off before)."""
    text = data.decode(encoding, errors="surrogateescape")
    bad = _ESCAPED_RE.findall(text)
    if not bad:
        return text, ()
    first = _ESCAPED_RE.search(text)
    assert first is not None
    offset = skipped + len(text[: first.start()].encode(encoding, errors="surrogateescape"))
    problem = (
        f"document: {len(bad)} byte{'s' if len(bad) > 1 else ''} not valid {encoding} "
        f"(first at byte {offset}), shown as U+FFFD"
    )
    return _ESCAPED_RE.sub("\ufffd", text), (problem,)


def decode_page(data: bytes) -> PageText:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text, problems = _decode(data[len(bom) :], encoding, len(bom))
            return PageText(text, encoding, problems)
    label = declared_charset(data)
    notes: tuple[str, ...] = ()
    if label is not None:
        encoding = _codec(label)
        if encoding is not None:
            text, problems = _decode(data, encoding)
            return PageText(text, encoding, problems)
        notes = (f"document: declared charset {label!r} is unknown",)
    text = data.decode("utf-8", errors="surrogateescape")
    broken = len(_ESCAPED_RE.findall(text))
    intact = sum(1 for c in text if c > "\x7f") - broken
    if broken <= intact:  # UTF-8 with a few damaged bytes (or none), not another encoding
        text, problems = _decode(data, "utf-8")
        return PageText(text, "utf-8", notes + problems)
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    encoding = _codec(best.encoding) if best is not None else None
    if encoding is None or encoding == "utf-8":
        text, problems = _decode(data, "utf-8")
        return PageText(text, "utf-8", notes + problems)
    text, problems = _decode(data, encoding)
    guess = f"document: no usable charset declared and not UTF-8; decoded as {encoding} (detected)"
    return PageText(text, encoding, (*notes, guess, *problems))
