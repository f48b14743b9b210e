"""The table the load stand-in writes has the shape Airbyte's Postgres destination (Direct Load,
destination-postgres 3.x) gives the stream `profiles` — the contract the models read."""

from __future__ import annotations

from typing import Any

from scraper.airbyte.config import RECORD_COLUMNS
from tests.devtools.airbyte_load import load_records
from tests.warehouse.conftest import DAY_1, DAY_2, file_key, ground_truth, rows

# From the destination's docs ("Output Schema (Direct Load)", "Final Tables Data type mapping") and
# its column definitions: see docs/warehouse.md.
AIRBYTE_COLUMNS = [
    ("_airbyte_raw_id", "character varying", "NO"),
    ("_airbyte_extracted_at", "timestamp with time zone", "NO"),
    ("_airbyte_meta", "jsonb", "NO"),
    ("_airbyte_generation_id", "bigint", "YES"),
]
TYPE_OF = {
    "string": "character varying",
    "integer": "bigint",
    "boolean": "boolean",
    "array": "jsonb",
    "object": "jsonb",
}


def columns(conn: Any) -> list[tuple[str, str, str]]:
    return rows(
        conn,
        "SELECT column_name, data_type, is_nullable FROM information_schema.columns "
        "WHERE table_schema = 'linkedin' AND table_name = 'profiles' ORDER BY ordinal_position",
    )


def test_columns_names_types_and_order(warehouse: Any) -> None:
    load_records(warehouse, ground_truth(DAY_1), file_key=file_key(DAY_1))
    want = AIRBYTE_COLUMNS + [(name, TYPE_OF[kind], "YES") for name, kind in RECORD_COLUMNS.items()]
    want += [("_ab_source_file_last_modified", "character varying", "YES")]
    want += [("_ab_source_file_url", "character varying", "YES")]
    assert columns(warehouse) == want


def test_arrays_land_as_jsonb_arrays_and_nulls_as_sql_null(warehouse: Any) -> None:
    load_records(warehouse, ground_truth(DAY_2), file_key=file_key(DAY_2), sync_id=7)
    private = rows(
        warehouse,
        "SELECT status, name, about IS NULL, jsonb_typeof(experiences), jsonb_array_length(skills), "
        "_airbyte_meta, _ab_source_file_url FROM linkedin.profiles WHERE profile_id = 'bilal-sato-01'",
    )
    assert private == [
        ("private", None, True, "array", 0, {"sync_id": 7, "changes": []}, file_key(DAY_2)),
    ]
    record = next(r for r in ground_truth(DAY_2) if r["profile_id"] == "alice-smith-00")
    landed = rows(
        warehouse,
        "SELECT experiences, section_totals, connections, connections_capped "
        "FROM linkedin.profiles WHERE profile_id = 'alice-smith-00'",
    )
    assert landed == [
        (record["experiences"], record["section_totals"], record["connections"], record["connections_capped"])
    ]


def test_a_value_of_the_wrong_type_lands_as_null_with_a_change_noted(warehouse: Any) -> None:
    record = {**ground_truth(DAY_1)[0], "connections": "500+"}
    load_records(warehouse, [record], file_key=file_key(DAY_1))
    ((connections, meta),) = rows(warehouse, "SELECT connections, _airbyte_meta FROM linkedin.profiles")
    assert connections is None
    assert meta["changes"] == [
        {"field": "connections", "change": "NULLED", "reason": "DESTINATION_SERIALIZATION_ERROR"}
    ]
