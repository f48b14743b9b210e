"""Typed output record (DESIGN.md §4).

`Profile` holds what a page shows; `ProfileRecord` wraps it with the run metadata written to
`profiles.jsonl`. `to_dict()` emits exactly the keys of the shared fixtures' `*.expected.json`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

SCHEMA_VERSION = 1
SECTIONS = ("experiences", "educations", "skills")

Status = Literal["ok", "not_found", "private", "auth_required", "rate_limited", "error"]
STATUSES: tuple[str, ...] = ("ok", "not_found", "private", "auth_required", "rate_limited", "error")


@dataclass(slots=True)
class Experience:
    title: str | None = None
    company: str | None = None
    employment_type: str | None = None
    start: str | None = None
    end: str | None = None
    is_current: bool = False
    location: str | None = None


@dataclass(slots=True)
class Education:
    school: str | None = None
    degree: str | None = None
    start: str | None = None
    end: str | None = None


def _per_section(value: Any) -> dict[str, Any]:
    return {name: value for name in SECTIONS}


@dataclass(slots=True)
class Profile:
    """What one page shows about a person. `errors` lists per-field problems, never raised."""

    name: str | None = None
    headline: str | None = None
    location: str | None = None
    current_company: str | None = None
    connections: int | None = None
    connections_capped: bool = False
    followers: int | None = None
    about: str | None = None
    experiences: list[Experience] = field(default_factory=list)
    educations: list[Education] = field(default_factory=list)
    skills: list[str] = field(default_factory=list)
    section_totals: dict[str, int | None] = field(default_factory=lambda: _per_section(None))
    truncated: dict[str, bool] = field(default_factory=lambda: _per_section(False))
    dom_generation: str = "unknown"
    errors: list[str] = field(default_factory=list)

    def fields_dict(self) -> dict[str, Any]:
        """The profile fields only: the exact key set of the fixtures' expected JSON."""
        data = asdict(self)
        del data["dom_generation"], data["errors"]
        return data

    def to_dict(self) -> dict[str, Any]:
        return {**self.fields_dict(), "dom_generation": self.dom_generation, "errors": list(self.errors)}


PROFILE_FIELDS: tuple[str, ...] = tuple(Profile().fields_dict())


@dataclass(slots=True)
class ProfileRecord:
    """One line of `profiles.jsonl`: every requested profile gets exactly one, whatever its status."""

    profile_id: str
    url: str
    status: Status
    scraped_at: str
    run_id: str
    profile: Profile = field(default_factory=Profile)
    schema_version: int = SCHEMA_VERSION

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": self.schema_version,
            "profile_id": self.profile_id,
            "url": self.url,
            "status": self.status,
            "scraped_at": self.scraped_at,
            "run_id": self.run_id,
            **self.profile.to_dict(),
        }


_STR_OR_NONE = (str, type(None))
_INT_OR_NONE = (int, type(None))
_EXPERIENCE_TYPES = {
    "title": _STR_OR_NONE,
    "company": _STR_OR_NONE,
    "employment_type": _STR_OR_NONE,
    "start": _STR_OR_NONE,
    "end": _STR_OR_NONE,
    "is_current": (bool,),
    "location": _STR_OR_NONE,
}
_EDUCATION_TYPES = {
    "school": _STR_OR_NONE,
    "degree": _STR_OR_NONE,
    "start": _STR_OR_NONE,
    "end": _STR_OR_NONE,
}
_PROFILE_TYPES = {
    "name": _STR_OR_NONE,
    "headline": _STR_OR_NONE,
    "location": _STR_OR_NONE,
    "current_company": _STR_OR_NONE,
    "connections": _INT_OR_NONE,
    "connections_capped": (bool,),
    "followers": _INT_OR_NONE,
    "about": _STR_OR_NONE,
}


def profile_problems(data: dict[str, Any]) -> list[str]:
    """Why `data` is not a valid set of profile fields (empty list when it is)."""
    problems = [f"missing {k}" for k in PROFILE_FIELDS if k not in data]
    if problems:
        return problems
    for key, types in _PROFILE_TYPES.items():
        if not isinstance(data[key], types) or (int in types and isinstance(data[key], bool)):
            problems.append(f"{key} has type {type(data[key]).__name__}")
    for key, item_types in (("experiences", _EXPERIENCE_TYPES), ("educations", _EDUCATION_TYPES)):
        items = data[key]
        if not isinstance(items, list):
            problems.append(f"{key} is not a list")
            continue
        for i, item in enumerate(items):
            if not isinstance(item, dict) or set(item) != set(item_types):
                problems.append(f"{key}[{i}] has keys {sorted(item) if isinstance(item, dict) else item!r}")
            elif bad := [k for k, t in item_types.items() if not isinstance(item[k], t)]:
                problems.append(f"{key}[{i}] has wrong types for {bad}")
    if not isinstance(data["skills"], list) or not all(isinstance(s, str) for s in data["skills"]):
        problems.append("skills is not a list of strings")
    for key, types in (("section_totals", _INT_OR_NONE), ("truncated", (bool,))):
        value = data[key]
        if not isinstance(value, dict) or set(value) != set(SECTIONS):
            problems.append(f"{key} must have keys {list(SECTIONS)}")
        elif bad := [k for k, v in value.items() if not isinstance(v, types)]:
            problems.append(f"{key} has wrong types for {bad}")
    return problems


def record_problems(data: Any) -> list[str]:
    """Why one decoded `profiles.jsonl` line is not a valid record (empty list when it is)."""
    if not isinstance(data, dict):
        return ["not a JSON object"]
    if data.get("schema_version") != SCHEMA_VERSION:
        return [f"unknown schema_version {data.get('schema_version')!r} (expected {SCHEMA_VERSION})"]
    problems = [
        f"missing {k}" for k in ("profile_id", "url", "status", "scraped_at", "run_id") if k not in data
    ]
    if not problems and data["status"] not in STATUSES:
        problems.append(f"unknown status {data['status']!r}")
    return problems + profile_problems(data)
