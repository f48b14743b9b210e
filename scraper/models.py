"""The record's shape, declared once (docs/architecture.md, "Output record").

`Profile` holds what a page shows; `ProfileRecord` wraps it with the run metadata and is one line of
`profiles.jsonl` (the profile's fields flattened next to the metadata). Everything else about the
shape is derived from these dataclasses: the status set, the strict line type that validates a line,
and the JSON schema the Airbyte stream declares.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import asdict, dataclass, field
from functools import cache
from typing import Any, Literal, TypedDict, Union, get_args, get_origin, get_type_hints

import msgspec

SCHEMA_VERSION = 2

# A final status is an answer about the profile. `error` is not an answer, but it settles the profile
# for the day: the run goes on, and the rotation tries it again on a later day (docs/operations.md).
# Every other status is the run's, not the profile's: `auth_required` and `rate_limited` are
# LinkedIn's barriers, `deferred` is our own daily budget. `--resume` retries the unsettled ones.
FinalStatus = Literal["ok", "not_found", "private"]
SettledStatus = Literal[FinalStatus, "error"]
Status = Literal[SettledStatus, "auth_required", "rate_limited", "deferred"]
STATUSES: tuple[str, ...] = get_args(Status)
FINAL_STATUSES: frozenset[str] = frozenset(get_args(FinalStatus))
SETTLED_STATUSES: frozenset[str] = frozenset(get_args(SettledStatus))
DEFAULT_ACCOUNT = "default"


class SectionTotals(TypedDict):
    """Item counts the main page announces ("Show all 12 experiences"), None when it shows all."""

    experiences: int | None
    educations: int | None
    skills: int | None
    certifications: int | None
    languages: int | None
    projects: int | None
    volunteering: int | None
    honors: int | None


class SectionFlags(TypedDict):
    experiences: bool
    educations: bool
    skills: bool
    certifications: bool
    languages: bool
    projects: bool
    volunteering: bool
    honors: bool


SECTIONS: tuple[str, ...] = tuple(SectionTotals.__annotations__)
# Where each section's full list lives: `<profile url>details/<path>/` ("Show all N" leads there).
DETAILS_PATHS: dict[str, str] = {
    "experiences": "experience",
    "educations": "education",
    "skills": "skills",
    "certifications": "certifications",
    "languages": "languages",
    "projects": "projects",
    "volunteering": "volunteering-experiences",
    "honors": "honors",
}


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


@dataclass(slots=True)
class Certification:
    name: str | None = None
    issuer: str | None = None
    issued: str | None = None
    expires: str | None = None
    credential_id: str | None = None


@dataclass(slots=True)
class Language:
    name: str | None = None
    proficiency: str | None = None  # as the page words it ("Native or bilingual proficiency")


@dataclass(slots=True)
class Project:
    title: str | None = None
    start: str | None = None
    end: str | None = None
    description: str | None = None


@dataclass(slots=True)
class Volunteering:
    role: str | None = None
    organization: str | None = None
    cause: str | None = None
    start: str | None = None
    end: str | None = None


@dataclass(slots=True)
class Honor:
    title: str | None = None
    issuer: str | None = None
    date: str | None = None


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
    certifications: list[Certification] = field(default_factory=list)
    languages: list[Language] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    volunteering: list[Volunteering] = field(default_factory=list)
    honors: list[Honor] = field(default_factory=list)
    section_totals: SectionTotals = field(
        default_factory=lambda: SectionTotals(**dict.fromkeys(SECTIONS))  # type: ignore[typeddict-item]
    )
    truncated: SectionFlags = field(
        default_factory=lambda: SectionFlags(**dict.fromkeys(SECTIONS, False))  # type: ignore[typeddict-item]
    )
    dom_generation: str = "unknown"
    errors: list[str] = field(default_factory=list)

    def fields_dict(self) -> dict[str, Any]:
        """The profile fields only: the exact key set of the fixtures' expected JSON."""
        data = asdict(self)
        for meta in _PROFILE_META:
            del data[meta]
        return data

    def to_dict(self) -> dict[str, Any]:
        return {**self.fields_dict(), "dom_generation": self.dom_generation, "errors": list(self.errors)}


# Written with every profile, but not part of what the fixtures' expected JSON compares.
_PROFILE_META = ("dom_generation", "errors")
PROFILE_FIELDS: tuple[str, ...] = tuple(
    f.name for f in dataclasses.fields(Profile) if f.name not in _PROFILE_META
)


@dataclass(slots=True)
class ProfileRecord:
    """One line of `profiles.jsonl`. A profile may have several lines in a run directory (a resumed
    run appends); the newest one is the one that counts.

    `attempted` is False for a placeholder written for a profile the run never opened (the run was
    stopped before it: barrier, rate limit, failed login, or deferred by the daily cap); such a line
    carries the status of the reason and is always retried by `--resume`.

    `account` names the LinkedIn account that scraped (or would have scraped) the profile: the unit
    of the daily budget. `parser_version` is the `scraper.parse.PARSER_VERSION` that read the page.
    `pages` names the archived pages the record was read from (main page first, then each `/details/`
    page), relative to the shard directory and to the run's archive prefix in S3 (scraper/rundir.py,
    `PageArchive`); empty when the archive is off or no page was read.
    """

    profile_id: str
    url: str
    status: Status
    scraped_at: str
    run_id: str
    profile: Profile = field(default_factory=Profile)
    attempted: bool = True
    account: str = DEFAULT_ACCOUNT
    parser_version: int = 0
    pages: list[str] = field(default_factory=list)
    schema_version: Literal[2] = SCHEMA_VERSION

    def to_dict(self) -> dict[str, Any]:
        meta = {f: getattr(self, f) for f in RECORD_META_FIELDS}
        return {**meta, **self.profile.to_dict()}

    @property
    def final(self) -> bool:
        return self.status in FINAL_STATUSES

    @property
    def settled(self) -> bool:
        return self.status in SETTLED_STATUSES


# The metadata keys of a line, in the order they are written: every ProfileRecord field but `profile`.
RECORD_META_FIELDS: tuple[str, ...] = ("schema_version",) + tuple(
    f.name for f in dataclasses.fields(ProfileRecord) if f.name not in ("profile", "schema_version")
)


# ---------------------------------------------------------------- derived: strict types, schema


def _strict(tp: Any) -> Any:
    """`tp` with every dataclass replaced by a msgspec Struct of the same fields, all required
    (Structs decode several times faster than dataclasses; no cycles, so no GC tracking)."""
    if dataclasses.is_dataclass(tp):
        return _strict_dataclass(tp)
    origin = get_origin(tp)
    if origin is list:
        return list[_strict(get_args(tp)[0])]  # type: ignore[misc]
    if origin in (Union, types.UnionType):
        return Union[tuple(_strict(a) for a in get_args(tp))]  # noqa: UP007 - built at runtime
    return tp


def _fields(cls: type, skip: tuple[str, ...] = ()) -> list[tuple[str, Any]]:
    hints = get_type_hints(cls)
    return [(f.name, _strict(hints[f.name])) for f in dataclasses.fields(cls) if f.name not in skip]


def _struct(name: str, fields: list[tuple[str, Any]]) -> type:
    return msgspec.defstruct(name, fields, gc=False)


@cache
def _strict_dataclass(cls: type) -> type:
    return _struct(cls.__name__, _fields(cls))


@cache
def record_line_type() -> type:
    """One `profiles.jsonl` line as a type: metadata and profile fields side by side, all required."""
    return _struct("ProfileRecordLine", _fields(ProfileRecord, ("profile",)) + _fields(Profile))


@cache
def _profile_fields_type() -> type:
    return _struct("ProfileFields", _fields(Profile, _PROFILE_META))


@cache
def _decoder(tp: type) -> msgspec.json.Decoder:
    return msgspec.json.Decoder(tp)


def decode_record_line(line: bytes | str) -> Any:
    """One line decoded and checked against the record's shape; raises `msgspec.ValidationError`
    (or `msgspec.DecodeError` for text that is not JSON) naming the first problem."""
    return _decoder(record_line_type()).decode(line)


def _problems(tp: type, data: Any) -> list[str]:
    try:
        msgspec.convert(data, tp, strict=True)
    except msgspec.ValidationError as exc:
        return [str(exc)]
    return []


def record_problems(data: Any) -> list[str]:
    """Why one decoded `profiles.jsonl` line is not a valid record (empty list when it is)."""
    return _problems(record_line_type(), data)


def profile_problems(data: dict[str, Any]) -> list[str]:
    """Why `data` is not a valid set of profile fields (empty list when it is)."""
    return _problems(_profile_fields_type(), data)


def record_json_schema() -> dict[str, Any]:
    """JSON Schema (2020-12) of one line, with the nested types under `$defs`."""
    return msgspec.json.schema(record_line_type())


def _json_type(prop: dict[str, Any]) -> str:
    """The JSON type of one property of the derived schema, null aside."""
    if "anyOf" in prop:
        kinds = [_json_type(p) for p in prop["anyOf"] if p.get("type") != "null"]
        (kind,) = set(kinds)
        return kind
    if "$ref" in prop:
        return "object"
    if "enum" in prop:
        (kind,) = {{str: "string", int: "integer", bool: "boolean"}[type(v)] for v in prop["enum"]}
        return kind
    return typing.cast(str, prop["type"])


def record_columns() -> dict[str, str]:
    """Top-level column -> JSON type of a line, in the order lines are written."""
    schema = record_json_schema()
    properties = schema["$defs"]["ProfileRecordLine"]["properties"]
    order = RECORD_META_FIELDS + tuple(Profile().to_dict())
    return {name: _json_type(properties[name]) for name in order}
