"""Turn one section's items into typed entries, for every layout: each layout's reader delivers a
section's entries as `Item`s (header lines plus, for a company group, each role's lines), and the same
rules make them experiences, educations and skills."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from scraper.models import Certification, Education, Experience, Honor, Language, Project, Volunteering
from scraper.parse.dom import MORE_SECTIONS
from scraper.parse.text import (
    clean,
    is_duration,
    is_employment_type,
    is_interface_text,
    is_place,
    parse_date_range,
    split_company_line,
)

# A role's skills summary ("Skills: SQL · dbt", "SQL, Python and +3 skills"): never its location.
_SKILLS_LINE_RE = re.compile(r"^skills?:|\+\d+ skills?$", re.IGNORECASE)
# An education's labelled extras ("Grade: 3.8", "Activities and societies: …"): never its degree.
_LABELLED_LINE_RE = re.compile(r"^(?:grade|activities and societies|skills?)\s*:", re.IGNORECASE)
# A certification's dates ("Issued Aug 2022 · Expires Aug 2025", "Issued Aug 2022 · No Expiration Date").
_ISSUED_RE = re.compile(
    r"^issued\s+(?P<issued>.+?)(?:\s*·\s*(?:expire[sd]?\s+(?P<expires>.+)|no expiration date))?$", re.I
)
_EXPIRES_RE = re.compile(r"^expire[sd]?\s+(?P<expires>.+)$", re.IGNORECASE)
_CREDENTIAL_RE = re.compile(r"^credential id\s*:?\s*(?P<id>\S.*)$", re.IGNORECASE)
# An honor's issuer and date ("Issued by Venture Cup · Dec 2019").
_ISSUED_BY_RE = re.compile(r"^issued by\s+(?P<issuer>.+?)(?:\s+·\s+(?P<date>[^·]+))?$", re.IGNORECASE)
# What an entry says of the organisation it belongs to ("Associated with KTH"): never a description.
_ASSOCIATED_RE = re.compile(r"^associated with\b", re.IGNORECASE)


@dataclass(slots=True)
class Item:
    """One list item of a section: its own lines and, for a company group, its roles' lines. `notes`
    are lines a layout shows apart from the entry's own (the 2022-2025 sub-components: descriptions,
    "Associated with …"); the 2026 layout has every line in `header`."""

    header: list[str]
    children: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


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


def _date(text: str) -> str | None:
    """'Aug 2022' -> '2022-08'; None when the text is not one date."""
    dates = parse_date_range(text)
    return dates[0] if dates and dates[0] == dates[1] else None


def _range(lines: list[str]) -> tuple[int | None, str | None, str | None]:
    """(index, start, end) of the first date range after the entry's first line; "Present" ends None."""
    index = _date_index(lines)
    if index is None:
        return None, None, None
    start, end, _ = parse_date_range(lines[index])  # type: ignore[misc]
    return index, start, end


def _text(lines: list[str]) -> str | None:
    """A description: the lines that are neither interface text nor an "Associated with" line."""
    return clean(" ".join(x for x in lines if not is_interface_text(x) and not _ASSOCIATED_RE.match(x)))


def certifications(items: list[Item]) -> list[Certification]:
    out = []
    for item in items:
        if not item.header:
            continue
        cert = Certification(name=item.header[0])
        for index, line in enumerate(item.header[1:] + item.notes, start=1):
            if m := _ISSUED_RE.match(line):
                cert.issued = _date(m["issued"])
                cert.expires = _date(m["expires"]) if m["expires"] else None
            elif m := _EXPIRES_RE.match(line):
                cert.expires = _date(m["expires"])
            elif m := _CREDENTIAL_RE.match(line):
                cert.credential_id = m["id"]
            elif index == 1 and len(item.header) > 1 and not _SKILLS_LINE_RE.search(line):
                cert.issuer = line  # the line under the name, when it is not the dates
        out.append(cert)
    return out


def languages(items: list[Item]) -> list[Language]:
    return [
        Language(name=item.header[0], proficiency=item.header[1] if len(item.header) > 1 else None)
        for item in items
        if item.header
    ]


def projects(items: list[Item]) -> list[Project]:
    out = []
    for item in items:
        if not item.header:
            continue
        index, start, end = _range(item.header)
        after = item.header[index + 1 :] if index is not None else item.header[1:]
        out.append(Project(title=item.header[0], start=start, end=end, description=_text(after + item.notes)))
    return out


def volunteering(items: list[Item]) -> list[Volunteering]:
    out = []
    for item in items:
        if not item.header:
            continue
        index, start, end = _range(item.header)
        role = Volunteering(role=item.header[0], start=start, end=end)
        before = item.header[1:index] if index is not None else item.header[1:2]
        role.organization = before[0] if before else None
        after = item.header[index + 1 :] if index is not None else item.header[2:]
        # The cause ("Science and Technology") follows the dates; a description never reads like a label.
        cause = next((x for x in after if not is_duration(x) and not is_interface_text(x)), None)
        role.cause = cause if cause is not None and is_place(cause) else None
        out.append(role)
    return out


def honors(items: list[Item]) -> list[Honor]:
    out = []
    for item in items:
        if not item.header:
            continue
        honor = Honor(title=item.header[0])
        for line in item.header[1:]:
            if m := _ISSUED_BY_RE.match(line):
                honor.issuer = clean(m["issuer"])
                honor.date = _date(m["date"]) if m["date"] else None
                break
            if (date := _date(line)) is not None:
                honor.date = date
                break
        out.append(honor)
    return out


# Each list section: its key on a page (`dom.find_sections`, the 2026 card kinds) and the record's field.
LIST_FIELDS = (
    ("experience", "experiences"),
    ("education", "educations"),
    ("skills", "skills"),
    *((key, key) for key in MORE_SECTIONS),
)
# The sections every layout turns into entries the same way, from its `Item`s.
ENTRY_READERS: dict[str, Callable[[list[Item]], list[Any]]] = {
    "certifications": certifications,
    "languages": languages,
    "projects": projects,
    "volunteering": volunteering,
    "honors": honors,
}
