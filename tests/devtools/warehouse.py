"""Run the warehouse models (dags/sql/*.sql, in name order, in one transaction) the way the DAG's
`models` task does, for the tests and `make demo`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

MODELS_DIR = Path(__file__).resolve().parents[2] / "dags" / "sql"


def model_files() -> list[Path]:
    return sorted(MODELS_DIR.glob("*.sql"))


def run_models(conn: Any) -> None:
    """Every model file in order, committed together (a failure leaves the previous tables intact)."""
    with conn.cursor() as cur:
        for path in model_files():
            cur.execute(path.read_text(encoding="utf-8"))
    conn.commit()


DOCS = Path(__file__).resolve().parents[2] / "docs" / "warehouse.md"


def example_queries() -> list[tuple[str, str]]:
    """(title, sql) of each example query in docs/warehouse.md, in the page's order."""
    text = DOCS.read_text(encoding="utf-8")
    section = text.split("\n## Example queries\n", 1)[1].split("\n## ", 1)[0]
    queries = []
    for block in section.split("\n### ")[1:]:
        title, _, body = block.partition("\n")
        sql = body.split("```sql\n", 1)[1].split("```", 1)[0].strip()
        queries.append((title.strip(), sql))
    return queries
