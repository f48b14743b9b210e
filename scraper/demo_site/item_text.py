"""What one certification, language, project, volunteering role or honor shows, as text lines: the same
in every layout (each renderer wraps the lines in its own markup). Besides the values, an item shows
interface text that must never become one: "Show credential", "Associated with …", "…see more"."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from scraper.models import Certification, Honor, Language, Project, Volunteering

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# The demo's "now": durations count to it and a certification expiring before it shows "Expired".
DEMO_NOW = "2025-11"
_ASSOCIATED = ("Acme Analytics", "KTH Royal Institute of Technology", "Tidewater Bank", "Quanta Labs")


@dataclass(frozen=True, slots=True)
class ItemText:
    lines: list[str]  # title first, then the item's other lines in page order
    description: str | None = None
    associated: str | None = None  # "Associated with …": a label, never a value
    link: tuple[str, str] | None = None  # (label, href) of the item's button link


def month(value: str) -> str:
    """ "2022-08" -> "Aug 2022", "2022" -> "2022"."""
    return f"{_MONTHS[int(value[5:7]) - 1]} {value[:4]}" if len(value) == 7 else value


def _months(value: str) -> int:
    return int(value[:4]) * 12 + (int(value[5:7]) if len(value) == 7 else 1)


def duration(start: str, end: str | None) -> str:
    total = max(1, _months(end or DEMO_NOW) - _months(start) + 1)
    years, rest = divmod(total, 12)
    parts = ([f"{years} yr{'s' if years > 1 else ''}"] if years else []) + (
        [f"{rest} mo{'s' if rest > 1 else ''}"] if rest else []
    )
    return " ".join(parts)


def span(start: str | None, end: str | None, with_duration: bool) -> str | None:
    """A date range as LinkedIn words it: "Jan 2020 - Present · 5 yrs", one month alone, or nothing."""
    if start is None:
        return None
    text = month(start) if end == start else f"{month(start)} - {month(end) if end else 'Present'}"
    return f"{text} · {duration(start, end)}" if with_duration else text


def _pick(seed: str, options: tuple[str, ...]) -> str:
    return options[hashlib.sha1(seed.encode()).digest()[0] % len(options)]


def certification(item: Certification) -> ItemText:
    lines = [item.name or ""] + ([item.issuer] if item.issuer else [])
    if item.issued:
        dates = f"Issued {month(item.issued)}"
        if item.expires:
            verb = "Expired" if item.expires < DEMO_NOW else "Expires"
            dates += f" · {verb} {month(item.expires)}"
        lines.append(dates)
    if item.credential_id:
        lines.append(f"Credential ID {item.credential_id}")
    href = f"https://www.credly.com/badges/{hashlib.sha1((item.name or '').encode()).hexdigest()[:12]}"
    return ItemText(lines, link=("Show credential", href))


def language(item: Language) -> ItemText:
    return ItemText([item.name or ""] + ([item.proficiency] if item.proficiency else []))


def project(item: Project) -> ItemText:
    dates = span(item.start, item.end, with_duration=False)
    associated = _pick(item.title or "", (*_ASSOCIATED, "")) or None
    href = f"https://github.com/demo/{hashlib.sha1((item.title or '').encode()).hexdigest()[:8]}"
    return ItemText(
        [item.title or ""] + ([dates] if dates else []),
        description=item.description,
        associated=f"Associated with {associated}" if associated else None,
        link=("Show project", href) if len(item.title or "") % 2 else None,
    )


def volunteering(item: Volunteering) -> ItemText:
    dates = span(item.start, item.end, with_duration=True)
    lines = [item.role or "", item.organization or ""] + ([dates] if dates else [])
    description = f"Taught weekend workshops for {item.organization}." if item.cause else None
    return ItemText(lines + ([item.cause] if item.cause else []), description=description)


def honor(item: Honor) -> ItemText:
    parts = ([f"Issued by {item.issuer}"] if item.issuer else []) + ([month(item.date)] if item.date else [])
    associated = _pick(item.title or "", _ASSOCIATED)
    return ItemText(
        [item.title or ""] + ([" · ".join(parts)] if parts else []),
        associated=f"Associated with {associated}",
    )


TEXT = {
    "certifications": certification,
    "languages": language,
    "projects": project,
    "volunteering": volunteering,
    "honors": honor,
}
