"""The record's shape is declared once (scraper.models); the line validator, the JSON schema and the
Airbyte stream's columns derived from it agree with each other and with every ground-truth record."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from scraper.airbyte.config import S3SourceSettings, s3_source_configuration
from scraper.demo_site import all_people
from scraper.models import (
    DETAILS_PATHS,
    SECTIONS,
    STATUSES,
    Profile,
    ProfileRecord,
    record_json_schema,
    record_problems,
)
from tests.conftest import OWN_FIXTURES, SHARED_FIXTURES


def _with_defaults(expected: dict) -> dict:
    """An expected file's fields over an empty profile's: files written before a section joined the
    record say nothing of it (nor of its `section_totals`/`truncated` entries)."""
    empty = Profile().to_dict()
    return {
        **empty,
        **{k: {**empty[k], **v} if isinstance(v, dict) else v for k, v in expected.items()},
    }


def _ground_truth() -> list[dict]:
    """Every profile whose correct parse is known: the demo people and the saved pages' expectations."""
    profiles = [p.profile.to_dict() for p in all_people().values()]
    for expected in [*OWN_FIXTURES.glob("*/*.json"), *SHARED_FIXTURES.glob("*.expected.json")]:
        profiles.append(_with_defaults(json.loads(expected.read_text())))
    return [
        {
            **ProfileRecord(
                f"p{i}", f"https://www.linkedin.com/in/p{i}/", "ok", "2026-11-25T06:00:00Z", "r"
            ).to_dict(),
            **p,
        }
        for i, p in enumerate(profiles)
    ]


def _airbyte_columns() -> dict[str, str]:
    stream = s3_source_configuration(S3SourceSettings(bucket="b"))["streams"][0]
    return json.loads(stream["input_schema"])


def _column_schema() -> dict:
    """What the stream's declared columns accept: each column of its type, or null."""
    return {
        "type": "object",
        "properties": {name: {"type": [kind, "null"]} for name, kind in _airbyte_columns().items()},
        "required": list(_airbyte_columns()),
    }


GROUND_TRUTH = _ground_truth()
MALFORMED = {
    "connections as text": {"connections": "500+"},
    "unknown status": {"status": "done"},
    "experiences not a list": {"experiences": {"title": "x"}},
    "is_current not a boolean": {
        "experiences": [
            {
                **dict.fromkeys(("title", "company", "employment_type", "start", "end", "location")),
                "is_current": "yes",
            }
        ]
    },
    "section total as text": {"section_totals": {"experiences": "12", "educations": None, "skills": None}},
    "missing skills": {"skills": None},
}


def test_the_ground_truth_is_large_enough_to_mean_something() -> None:
    assert len(GROUND_TRUTH) >= len(all_people()) + len(list(OWN_FIXTURES.glob("*/*.json")))


def test_every_ground_truth_record_is_valid_for_the_validator_the_schema_and_the_stream() -> None:
    schema, columns = record_json_schema(), _column_schema()
    for record in GROUND_TRUTH:
        assert record_problems(record) == [], record["profile_id"]
        jsonschema.validate(record, schema)
        jsonschema.validate(record, columns)


@pytest.mark.parametrize("change", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_record_is_rejected_by_the_validator_and_the_schema(change: dict) -> None:
    record = {**GROUND_TRUTH[0], **change}
    assert record_problems(record)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(record, record_json_schema())


def test_the_stream_rejects_a_wrongly_typed_column() -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**GROUND_TRUTH[0], "connections": "500+"}, _column_schema())


def test_the_stream_declares_exactly_the_keys_a_line_has() -> None:
    assert list(_airbyte_columns()) == list(GROUND_TRUTH[0])


def test_statuses_come_from_the_declaration() -> None:
    assert set(record_json_schema()["$defs"]["ProfileRecordLine"]["properties"]["status"]["enum"]) == set(
        STATUSES
    )
    assert record_problems({**GROUND_TRUTH[0], "attempted": "no"})


def test_a_record_line_round_trips(tmp_path: Path) -> None:
    from scraper.rundir import RecordWriter, check_jsonl

    writer = RecordWriter(tmp_path)
    writer.write(ProfileRecord("a", "u", "ok", "t", "r", attempted=False))
    writer.close()
    assert check_jsonl(tmp_path / "profiles.jsonl", "r").counts == {"ok": 1}


def test_every_section_has_one_details_page() -> None:
    """The run opens `details/<path>/` for a truncated section: each section needs its own path."""
    assert list(DETAILS_PATHS) == list(SECTIONS)
    assert len(set(DETAILS_PATHS.values())) == len(SECTIONS)


ISSUE_25_ITEMS = {
    "certifications": ("name", "issuer", "issued", "expires", "credential_id"),
    "languages": ("name", "proficiency"),
    "projects": ("title", "start", "end", "description"),
    "volunteering": ("role", "organization", "cause", "start", "end"),
    "honors": ("title", "issuer", "date"),
}


def test_the_stream_and_the_schema_carry_issue_25s_sections() -> None:
    """Each list is an array column of the stream (Airbyte adds the column on the next sync), its
    items typed field by field (text or null) in the schema, and a key of both per-section objects."""
    columns, schema = _airbyte_columns(), record_json_schema()
    line = schema["$defs"]["ProfileRecordLine"]["properties"]
    for section, fields in ISSUE_25_ITEMS.items():
        assert columns[section] == "array"
        item = schema["$defs"][line[section]["items"]["$ref"].rsplit("/", 1)[1]]
        assert tuple(item["properties"]) == fields and set(item["required"]) == set(fields)
        for field in fields:
            assert item["properties"][field] == {"anyOf": [{"type": "string"}, {"type": "null"}]}
        for per_section in ("SectionTotals", "SectionFlags"):
            assert section in schema["$defs"][per_section]["properties"]
    assert record_problems({**GROUND_TRUTH[0], "languages": [{"name": "English"}]}), "a field missing"
    assert record_problems({**GROUND_TRUTH[0], "honors": [{"title": 1, "issuer": None, "date": None}]})
