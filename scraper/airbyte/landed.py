"""Airbyte's table in the warehouse, as the pipeline's own readers (the freshness fold, the drift alarm)
see it: its name, and the columns it has so far (Airbyte adds a column on the first sync that carries it,
so a column of a newer record schema may not exist yet; docs/warehouse.md)."""

from __future__ import annotations

from typing import Any

from scraper.airbyte.config import STREAM
from scraper.airbyte.provision import WAREHOUSE_SCHEMA

LANDED_TABLE = f"{WAREHOUSE_SCHEMA}.{STREAM}"


def landed_columns(cur: Any) -> set[str]:
    """The table's columns; empty when nothing has landed yet (no table)."""
    cur.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = %s AND table_name = %s",
        (WAREHOUSE_SCHEMA, STREAM),
    )
    return {row[0] for row in cur.fetchall()}
