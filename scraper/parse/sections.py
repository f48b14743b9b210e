"""Turn one section's items into typed entries, for every layout: each layout's reader delivers a
section's entries as `Item`s (header lines plus, for a company group, each role's lines), and the same
rules make them experiences, educations and skills."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from scraper.models import Education, Experience
from scraper.parse.text import (
    is_duration,
    is_employment_type,
    is_place,
    parse_date_range,
    split_company_line,
)

# A role's skills summary ("Skills: SQL · dbt", "SQL, Python and +3 skills"): never its location.
_SKILLS_LINE_RE = re.compile(r"^skills?:|\+\d+ skills?$", re.IGNORECASE)
# An education's labelled extras ("Grade: 3.8", "Activities and societies: …"): never its degree.
_LABELLED_LINE_RE = re.compile(r"^(?:grade|activities and societies|skills?)\s*:", re.IGNORECASE)


@dataclass(slots=True)
class Item:
    """One list item of a section: its own lines and, for a company group, its roles' lines."""

    header: list[str]
    children: list[list[str]] = field(default_factory=list)


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
    own_location = next(
        (line for line in after if not is_duration(line) and not _SKILLS_LINE_RE.search(line)), None
    )
    if own_location is not None and not is_place(own_location):
        own_location = None  # a description given as a plain line: the role shows no place
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
            if edu.degree is None and not _LABELLED_LINE_RE.match(line):
                edu.degree = line
        out.append(edu)
    return out


def skills(items: list[Item]) -> list[str]:
    return [item.header[0] for item in items if item.header]
