"""The Airflow image holds the warehouse's dbt where the DAG's Cosmos tasks look for it, at the versions
`make test` runs (one pair of pins, spelled in the Makefile and checked here against the Dockerfile)."""

from __future__ import annotations

import re
from pathlib import Path

from scraper.orchestration.dbt import DbtPaths
from tests.conftest import REPO

DOCKERFILE = (REPO / "images" / "airflow" / "Dockerfile").read_text()


def test_the_image_installs_the_makefiles_dbt_pins_in_a_venv_of_its_own() -> None:
    (pins,) = re.findall(r"^DBT_PACKAGES := (.+)$", (REPO / "Makefile").read_text(), re.MULTILINE)
    (install,) = [line for line in DOCKERFILE.splitlines() if "dbt-core" in line]
    assert install.split("pip install --no-cache-dir ", 1)[1].split(" \\")[0] == pins
    assert "python -m venv /opt/dbt" in DOCKERFILE


def test_the_image_puts_project_manifest_and_dbt_where_the_tasks_look(monkeypatch) -> None:
    for name in ("PIPELINE_DBT_PROJECT", "PIPELINE_DBT", "PIPELINE_DBT_MANIFEST"):
        monkeypatch.delenv(name, raising=False)
    paths = DbtPaths.from_env()
    # The project sits in the DAGs folder (dags/dbt/linkedin_warehouse, Cosmos' layout), copied with it.
    assert "COPY --chown=airflow:0 dags /opt/airflow/dags" in DOCKERFILE
    assert paths.project == Path("/opt/airflow/dags/dbt/linkedin_warehouse")
    assert (REPO / "dags" / "dbt" / paths.project.name / "dbt_project.yml").exists()
    assert f"RUN {paths.executable} parse --project-dir {paths.project}" in DOCKERFILE
    assert f"--target-path {paths.manifest.parent}" in DOCKERFILE
