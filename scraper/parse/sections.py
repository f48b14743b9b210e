"""Turn one section's items into typed entries. Items arrive as header lines plus nested role lines,
so the same rules serve the 2022-2025 entity markup and the 2026 SDUI entries (`sdui.item_of`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bs4 import NavigableString, Tag

from scraper.models import Education, Experience
from scraper.parse.dom import ancestors_until, lines, top_level_entities
from scraper.parse.text import (
    SHOW_ALL_RE,
    is_duration,
    is_employment_type,
    is_interface_text,
    parse_count,
    parse_date_range,
    split_company_line,
)


@dataclass(slots=True)
class Item:
    """One list item of a section: its own lines and, for a company group, its roles' lines."""

    header: list[str]
    children: list[list[str]] = field(default_factory=list)


def _values(found: list[str]) -> list[str]:
    """An entity's lines without button and link labels ("Show all 6 experiences" in a group)."""
    return [line for line in found if not is_interface_text(line)]


def legacy_items(section: Tag) -> list[Item]:
    return [
        Item(
            _values(lines(entity, skip_lists=True)),
            [_values(lines(child, skip_lists=True)) for child in children],
        )
        for entity, children in top_level_entities(section)
    ]


def _date_index(item_lines: list[str]) -> int | None:
    return next((i for i, line in enumerate(item_lines) if i > 0 and parse_date_range(line)), None)


def _group_header(header: list[str]) -> tuple[str | None, str | None]:
    """Employment type and location a company group's header gives all its roles."""
    employment_type = location = None
    for line in header[1:]:
        if is_duration(line) or parse_date_range(line):
            continue
        parts = [p.strip() for p in line.split(" · ")]
        kinds = [p for p in parts if is_employment_type(p)]
        if kinds:
            employment_type = kinds[0]
        elif all(is_duration(p) for p in parts):
            continue
        elif location is None:
            location = line
    return employment_type, location


def _role(
    role_lines: list[str], company: str | None, group_type: str | None, group_location: str | None
) -> Experience:
    exp = Experience(title=role_lines[0], company=company)
    di = _date_index(role_lines)
    middle = role_lines[1:di] if di is not None else role_lines[1:2]
    after = role_lines[di + 1 :] if di is not None else role_lines[2:]
    if di is not None:
        exp.start, exp.end, exp.is_current = parse_date_range(role_lines[di])  # type: ignore[misc]
    for line in middle:
        line_company, line_type = split_company_line(line)
        if company is None and line_company:  # standalone role: "Company · Type"
            exp.company, company = line_company, line_company
        if line_type:
            exp.employment_type = line_type
    exp.employment_type = exp.employment_type or group_type
    own_location = next((line for line in after if not is_duration(line)), None)
    exp.location = own_location or group_location
    return exp


def experiences(items: list[Item]) -> list[Experience]:
    out: list[Experience] = []
    for item in items:
        if not item.header:
            continue
        if item.children:
            company = item.header[0]
            group_type, group_location = _group_header(item.header)
            out.extend(_role(r, company, group_type, group_location) for r in item.children if r)
        else:
            out.append(_role(item.header, None, None, None))
    return out


def educations(items: list[Item]) -> list[Education]:
    out = []
    for item in items:
        if not item.header:
            continue
        edu = Education(school=item.header[0])
        for line in item.header[1:]:
            dates = parse_date_range(line)
            if dates:
                edu.start, edu.end, _ = dates
                break
            if edu.degree is None:
                edu.degree = line
        out.append(edu)
    return out


def skills(items: list[Item]) -> list[str]:
    return [item.header[0] for item in items if item.header]


def show_all(section: Tag) -> tuple[int | None, bool]:
    """(section total, truncated). A "Show all N" inside a list item belongs to one company group:
    it marks the section truncated but is not the section's total."""
    total: int | None = None
    truncated = False
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
