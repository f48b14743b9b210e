"""A stand-in for Airbyte's load into PostgreSQL, for the warehouse tests and `make demo`.

It writes scrape records into the table Airbyte's Postgres destination (Direct Load, destination-postgres
3.x) creates for the stream `profiles`, in that table's exact shape (docs/warehouse.md, "What Airbyte
writes"): the four `_airbyte_*` columns first, then one column per field of the stream's declared
schema typed by the destination's mapping (string -> varchar, integer -> bigint, boolean -> boolean,
array/object -> jsonb), then the two columns the S3 source adds to every record. A null or missing
value lands as SQL NULL; a value of the wrong type lands as NULL with a change noted in
`_airbyte_meta`, as the destination does.

The stream's schema is read from the S3 source configuration the provisioning sends
(`scraper.airbyte.config`), so this table follows whatever that declares.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from scraper.airbyte.config import GLOB, PRIMARY_KEY, STREAM, S3SourceSettings, s3_source_configuration

AIRBYTE_COLUMNS = (
    ("_airbyte_raw_id", "varchar NOT NULL"),
    ("_airbyte_extracted_at", "timestamp with time zone NOT NULL"),
    ("_airbyte_meta", "jsonb NOT NULL"),
    ("_airbyte_generation_id", "bigint"),
)
# What the file-based S3 source adds to each record (both declared as plain strings).
SOURCE_FILE_COLUMNS = ("_ab_source_file_last_modified", "_ab_source_file_url")
_SCALAR_TYPES = {"string": "varchar", "integer": "bigint", "number": "decimal", "boolean": "boolean"}
_FORMATS = {"date-time": "timestamp with time zone", "date": "date"}


def _postgres_type(declared: Any) -> str:
    """The destination's column type for one field of the stream schema (simple or JSON-schema form)."""
    if isinstance(declared, str):
        types, fmt = [declared], None
    else:
        raw = declared.get("type", "string")
        types, fmt = (raw if isinstance(raw, list) else [raw]), declared.get("format")
        if declared.get("airbyte_type") == "timestamp_without_timezone":
            return "timestamp"
    kinds = [t for t in types if t != "null"]
    if len(kinds) != 1 or kinds[0] in ("array", "object"):
        return "jsonb"  # arrays, objects and unions
    if kinds[0] == "string" and fmt in _FORMATS:
        return _FORMATS[fmt]
    return _SCALAR_TYPES.get(kinds[0], "jsonb")


def stream_columns() -> dict[str, str]:
    """Field name -> PostgreSQL type, from the stream schema the S3 source is configured with."""
    config = s3_source_configuration(S3SourceSettings(bucket="any"))
    declared = json.loads(config["streams"][0]["input_schema"])
    fields = declared.get("properties", declared) if isinstance(declared, dict) else {}
    columns = {name: _postgres_type(kind) for name, kind in fields.items()}
    columns.update({name: "varchar" for name in SOURCE_FILE_COLUMNS})
    return columns


def table_ddl(schema: str = "linkedin", stream: dict[str, str] | None = None) -> str:
    columns = [f'"{name}" {kind}' for name, kind in AIRBYTE_COLUMNS]
    columns += [f'"{name}" {kind}' for name, kind in (stream or stream_columns()).items()]
    return f'CREATE TABLE IF NOT EXISTS "{schema}"."{STREAM}" (\n    ' + ",\n    ".join(columns) + "\n)"


# The destination indexes every table it creates on `_airbyte_extracted_at` (destination-postgres,
# `PostgresDirectLoadSqlGenerator.createIndexes`; in deduped mode also the primary key and cursor): the
# warehouse's incremental models and the freshness fold find what landed since their last run through it.
INDEXED_COLUMNS = ("_airbyte_extracted_at",)


def index_ddl(schema: str = "linkedin") -> list[str]:
    return [
        f'CREATE INDEX IF NOT EXISTS "{STREAM}_{column}_idx" ON "{schema}"."{STREAM}" ("{column}")'
        for column in INDEXED_COLUMNS
    ]


def _fits(value: Any, kind: str) -> bool:
    if kind == "bigint":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "decimal":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "varchar":
        return isinstance(value, str)
    return True


def load_records(
    conn: Any,
    records: Iterable[Mapping[str, Any]],
    *,
    file_key: str,
    sync_id: int = 1,
    dedup: bool = True,
    schema: str = "linkedin",
    extracted_at: dt.datetime | None = None,
    columns: dict[str, str] | None = None,
) -> int:
    """Write `records` (decoded profiles.jsonl lines of one file) as one Airbyte sync would; return
    the row count. `dedup` is the connection's incremental_deduped_history mode: a record replaces
    the row with its primary key (profile_id, scraped_at); otherwise rows are appended. `columns`
    (field -> type) stands for the stream schema of another record version than this checkout's: a
    column it adds is added to an existing table first, as Airbyte does on the first sync carrying it."""
    columns = columns or stream_columns()
    extracted_at = extracted_at or dt.datetime.now(dt.UTC)
    last_modified = extracted_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if not file_key.startswith(GLOB.split("**", 1)[0]):
        raise ValueError(f"{file_key} is outside the source's glob {GLOB}")
    names = [name for name, _ in AIRBYTE_COLUMNS] + list(columns)
    insert = (
        f'INSERT INTO "{schema}"."{STREAM}" ('
        + ", ".join(f'"{n}"' for n in names)
        + ") VALUES ("
        + ", ".join(["%s"] * len(names))
        + ")"
    )
    count = 0
    with conn.cursor() as cur:
        cur.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        cur.execute(table_ddl(schema, columns))
        for name, kind in columns.items():
            cur.execute(f'ALTER TABLE "{schema}"."{STREAM}" ADD COLUMN IF NOT EXISTS "{name}" {kind}')
        for ddl in index_ddl(schema):
            cur.execute(ddl)
        for record in records:
            row = {**record, SOURCE_FILE_COLUMNS[0]: last_modified, SOURCE_FILE_COLUMNS[1]: file_key}
            changes, values = [], []
            for name, kind in columns.items():
                value = row.get(name)
                if value is not None and not _fits(value, kind):
                    changes.append(
                        {"field": name, "change": "NULLED", "reason": "DESTINATION_SERIALIZATION_ERROR"}
                    )
                    value = None
                if value is not None and kind == "jsonb":
                    value = json.dumps(value, ensure_ascii=False)
                values.append(value)
            if dedup:
                cur.execute(
                    f'DELETE FROM "{schema}"."{STREAM}" WHERE '
                    + " AND ".join(f'"{k}" IS NOT DISTINCT FROM %s' for k in PRIMARY_KEY),
                    [row.get(k) for k in PRIMARY_KEY],
                )
            meta = json.dumps({"sync_id": sync_id, "changes": changes})
            cur.execute(insert, [str(uuid.uuid4()), extracted_at, meta, 0, *values])
            count += 1
    conn.commit()
    return count
