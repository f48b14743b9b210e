"""Build the warehouse's dbt project (warehouse/) the way the DAG's Cosmos tasks do, for the tests,
`make demo`, `make warehouse-docs` and `make bench`: dbt from its own venv (.venv-dbt, or
$PIPELINE_DBT), pointed at a PostgreSQL database through the environment that warehouse/profiles.yml reads."""

from __future__ import annotations

import atexit
import functools
import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
PROJECT = REPO / "dags" / "dbt" / "linkedin_warehouse"
DOCS = REPO / "docs" / "warehouse.md"


def dbt_executable() -> Path:
    return Path(os.environ.get("PIPELINE_DBT", REPO / ".venv-dbt" / "bin" / "dbt"))


def parse_manifest(target: Path) -> Path:
    """`dbt parse` of the project into `target` (as the Airflow image's build does); the manifest's path."""
    if not dbt_executable().is_file():
        raise RuntimeError(f"no dbt at {dbt_executable()}: `make .venv-dbt` installs it")
    with tempfile.TemporaryDirectory(prefix="dbt-logs-") as logs:
        done = subprocess.run(
            [
                str(dbt_executable()),
                "parse",
                *("--project-dir", str(PROJECT), "--profiles-dir", str(PROJECT)),
                *("--target-path", str(target), "--log-path", logs),
            ],
            env={**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"},
            capture_output=True,
            text=True,
            cwd=logs,
        )
    if done.returncode != 0:
        raise RuntimeError(f"dbt parse failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return target / "manifest.json"


@dataclass
class DbtResult:
    """One dbt invocation: its exit code, its output, and the nodes of run_results.json."""

    returncode: int
    output: str
    results: list[dict[str, Any]]

    def failed(self) -> list[str]:
        """Names of the nodes (models, tests, snapshots, sources) that did not pass."""
        return [r["unique_id"] for r in self.results if r["status"] not in ("success", "pass", "skipped")]

    def seconds(self, resource: tuple[str, ...] = ("model", "snapshot")) -> float:
        """The summed run time of the nodes of these resource types, as dbt timed them."""
        return sum(r["execution_time"] for r in self.results if r["unique_id"].split(".")[0] in resource)


@dataclass
class Warehouse:
    """A database on a running PostgreSQL that dbt builds into (host, port, user, database)."""

    host: str
    port: int
    user: str
    database: str

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "WAREHOUSE_HOST": self.host,
            "WAREHOUSE_PORT": str(self.port),
            "WAREHOUSE_USER": self.user,
            "WAREHOUSE_DB": self.database,
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }

    def dbt(self, *args: str, target_dir: Path | None = None) -> DbtResult:
        """Run `dbt <args>` on the project; nothing is written into the repository. The target
        directory is this database's own for the process (so dbt's partial parsing saves the next
        invocation the full parse) unless `target_dir` is given."""
        with tempfile.TemporaryDirectory(prefix="dbt-") as tmp:
            target = target_dir or _state_root() / f"{self.host}-{self.port}-{self.database}"
            command = [
                str(dbt_executable()),
                *args,
                "--project-dir",
                str(PROJECT),
                "--profiles-dir",
                str(PROJECT),
                "--target-path",
                str(target),
                "--log-path",
                str(Path(tmp) / "logs"),
            ]
            for stale in ("run_results.json", "sources.json"):  # an earlier invocation's
                (target / stale).unlink(missing_ok=True)
            if not dbt_executable().is_file():
                raise RuntimeError(f"no dbt at {dbt_executable()}: `make .venv-dbt` installs it")
            done = subprocess.run(command, env=self.env(), capture_output=True, text=True, cwd=tmp)
            results_file = target / "run_results.json"
            results = json.loads(results_file.read_text())["results"] if results_file.exists() else []
            if args[0] == "source" and (target / "sources.json").exists():
                results = [
                    {
                        "unique_id": r["unique_id"],
                        "status": r["status"],
                        "execution_time": r["execution_time"],
                    }
                    for r in json.loads((target / "sources.json").read_text())["results"]
                ]
        return DbtResult(done.returncode, done.stdout + done.stderr, results)

    def build(self, *args: str) -> DbtResult:
        """`dbt build` (models, snapshot, tests in dependency order); raise with dbt's words if it fails."""
        result = self.dbt("build", *args)
        if result.returncode != 0:
            raise RuntimeError(f"dbt build failed: {result.failed()}\n{result.output[-4000:]}")
        return result


@functools.cache
def _state_root() -> Path:
    root = Path(tempfile.mkdtemp(prefix="dbt-targets-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    return root


def warehouse_on(server: Any, database: str) -> Warehouse:
    """A Warehouse on `server` (tests/devtools/postgres.py) for an existing database."""
    return Warehouse(host=server.host, port=server.port, user=server.user, database=database)


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
