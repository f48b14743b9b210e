"""Pure string rules for LinkedIn profile text: dates, counts, employment types.

Everything here works on already-extracted visible text, so it is shared by every DOM generation.
"""

from __future__ import annotations

import re

_MONTHS = {
    m: i
    for i, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for m in names
}
_MONTH = r"(?:[A-Za-z]{3,9}\.?)"
_DATE = rf"(?:{_MONTH}\s+)?\d{{4}}"
_DASH = r"\s*[-–—]\s*"
_DATE_RANGE_RE = re.compile(rf"^(?P<start>{_DATE})(?:{_DASH}(?P<end>{_DATE}|[Pp]resent|[Nn]ow))?(?:\s*·.*)?$")
_DURATION_RE = re.compile(r"^(?:less than a year|\d+\s+yrs?(?:\s+\d+\s+mos?)?|\d+\s+mos?)$", re.IGNORECASE)
_COUNT_RE = re.compile(r"^(?P<num>\d[\d,.]*)(?P<suffix>[KkMm])?(?P<plus>\+)?$")
_COUNT = r"\d[\d,.]*[KkMm]?\+?"
# Counts are read wherever a line shows them: "500+ connections", "500+connections" (two spans with no
# space between), "500+ connections · Contact info". Mutual connections are someone else's count.
CONNECTIONS_RE = re.compile(rf"(?:^|[\s·(])(?P<count>{_COUNT})\s*connections?\b", re.IGNORECASE)
FOLLOWERS_RE = re.compile(rf"(?:^|[\s·(])(?P<count>{_COUNT})\s*followers?\b", re.IGNORECASE)
BARE_COUNT_RE = re.compile(rf"^(?P<count>{_COUNT})$")
_MUTUAL_RE = re.compile(r"\bmutual\b", re.IGNORECASE)
SHOW_ALL_RE = re.compile(r"Show all\s+(?P<count>\d[\d,]*)\b", re.IGNORECASE)
_DEGREE = r"(?:·\s*)?(?:1st|2nd|3rd\+?|\d+th)(?:\s+degree(?:\s+connection)?)?"
_PRONOUN = r"(?:he|him|his|she|her|hers|they|them|theirs|ze|zir|xe|xem|xyr|any|all)"
_BADGE_RE = re.compile(
    rf"^(?:{_DEGREE}|\(?\s*{_PRONOUN}(?:\s*/\s*{_PRONOUN}){{1,2}}\s*\)?|\(?\s*any pronouns\s*\)?"
    r"|Top Voice|Verified|Premium|Hiring|Open to work|Creator|Influencer|LinkedIn Top Voice)$",
    re.IGNORECASE,
)
# Button and link labels that sit among a profile's lines but are never a value.
_INTERFACE_RE = re.compile(
    r"^(?:…|\.\.\.)?\s*(?:see more|see less|show more|show less|more|less)$"
    r"|^show all\b|^see all\b|^show (?:credential|project|publication)\b"
    r"|^(?:connect|message|follow|following|unfollow|pending|more|more actions|endorse|endorsed"
    r"|contact info|save|save in sales navigator|send inmail|visit website|view profile|open to"
    r"|add profile section|enhance profile|resources|·)$",
    re.IGNORECASE,
)
_WS_RE = re.compile(r"\s+")

EMPLOYMENT_TYPES = frozenset(
    t.lower()
    for t in (
        "Full-time",
        "Part-time",
        "Self-employed",
        "Freelance",
        "Contract",
        "Internship",
        "Apprenticeship",
        "Seasonal",
        "Temporary",
        "Volunteer",
        "Permanent",
        "Permanent Full-time",
        "Permanent Part-time",
        "Trainee",
    )
)


def clean(text: str | None) -> str | None:
    """Collapse whitespace; an empty result is None."""
    if text is None:
        return None
    out = _WS_RE.sub(" ", text).strip()
    return out or None


def normalize_date(text: str) -> str | None:
    """'Jun 2019' -> '2019-06', '2014' -> '2014'; None when the month is not a month."""
    parts = text.replace(".", "").split()
    if len(parts) == 1:
        return parts[0]
    month = _MONTHS.get(parts[0].lower())
    if month is None:
        return None
    return f"{parts[1]}-{month:02d}"


def parse_date_range(line: str) -> tuple[str | None, str | None, bool] | None:
    """A caption like 'Jun 2021 - Present · 4 yrs' -> (start, end, is_current), or None if not dates."""
    m = _DATE_RANGE_RE.match(line.strip())
    if not m:
        return None
    start = normalize_date(m["start"])
    if start is None:
        return None
    end_text = m["end"]
    if end_text is None:  # a single date ("May 2016 · 1 mo") is both start and end
        return start, start, False
    if end_text.lower() in ("present", "now"):
        return start, None, True
    end = normalize_date(end_text)
    if end is None:
        return None
    return start, end, False


def is_duration(line: str) -> bool:
    return bool(_DURATION_RE.match(line.strip()))


def is_employment_type(text: str) -> bool:
    return text.strip().lower() in EMPLOYMENT_TYPES


def is_badge(line: str) -> bool:
    """Connection degree, pronouns and badges that sit between the name and the headline."""
    return bool(_BADGE_RE.match(line.strip()))


def is_interface_text(line: str) -> bool:
    """A button or link label ("Show all 6 experiences", "…see more", "Connect"): never a value."""
    return bool(_INTERFACE_RE.match(line.strip()))


def connections_in(line: str) -> tuple[int, bool] | None:
    """(count, capped) when `line` states the profile's own connection count."""
    if _MUTUAL_RE.search(line):
        return None
    m = CONNECTIONS_RE.search(line)
    return parse_count(m["count"]) if m else None


def followers_in(line: str) -> int | None:
    if _MUTUAL_RE.search(line):
        return None
    m = FOLLOWERS_RE.search(line)
    parsed = parse_count(m["count"]) if m else None
    return parsed[0] if parsed else None


def parse_count(text: str) -> tuple[int, bool] | None:
    """'1,398,255' -> (1398255, False); '500+' -> (500, True); '12K' -> (12000, False)."""
    m = _COUNT_RE.match(text.strip())
    if not m:
        return None
    num = m["num"].replace(",", "")
    suffix = (m["suffix"] or "").lower()
    try:
        value = float(num) if suffix else int(num.replace(".", ""))
    except ValueError:
        return None
    if suffix:
        value *= 1_000 if suffix == "k" else 1_000_000
    return int(value), bool(m["plus"])


def split_company_line(line: str) -> tuple[str | None, str | None]:
    """'Google · Full-time' -> ('Google', 'Full-time'); a line without a known type is all company."""
    parts = [p.strip() for p in line.split(" · ")]
    parts = [p for p in parts if p and not is_duration(p)]
    if not parts:
        return None, None
    if len(parts) > 1 and is_employment_type(parts[-1]):
        return clean(" · ".join(parts[:-1])), parts[-1]
    if len(parts) == 1 and is_employment_type(parts[0]):
        return None, parts[0]
    return clean(" · ".join(parts)), None


def strip_title_suffix(title: str) -> str | None:
    """'(1) Experience | Austin O'Boyle | LinkedIn' -> "Austin O'Boyle"."""
    text = re.sub(r"^\(\d+\+?\)\s*", "", title.strip())
    parts = [p.strip() for p in text.split(" | ")]
    if parts and parts[-1].lower() == "linkedin":
        parts = parts[:-1]
    if not parts:
        return None
    return clean(parts[-1])
