"""The warehouse's dbt project (dags/dbt/linkedin_warehouse) as Airflow tasks, through astronomer-cosmos: one task per
model, snapshot and source freshness check, each model's tests in a task of their own after it
(docs/warehouse.md, "How data gets here").

dbt runs from its own virtualenv (the image's /opt/dbt), never imported into Airflow's: Cosmos calls the
executable as a subprocess, so dbt's dependencies never constrain Airflow's. The DAG is rendered from the
project's manifest.json (made by `dbt parse` when the image is built), so parsing the DAG runs no dbt.
The profile comes from the Airflow connection `warehouse_default`: Cosmos writes a profiles.yml per task
whose password is an environment variable, so no secret is in a file or a pod's arguments.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scraper.orchestration.names import WAREHOUSE_CONN_ID

DBT_PROJECT_NAME = "linkedin_warehouse"
DBT_PROFILE = "linkedin_warehouse"
WAREHOUSE_SCHEMA = "linkedin"


@dataclass(frozen=True)
class DbtPaths:
    project: Path
    executable: Path
    manifest: Path

    @classmethod
    def from_env(cls) -> DbtPaths:
        """Where the image puts them (images/airflow/Dockerfile), unless the environment says otherwise
        (the tests point them at the repository's project and .venv-dbt)."""
        project = Path(os.environ.get("PIPELINE_DBT_PROJECT", "/opt/airflow/dags/dbt/linkedin_warehouse"))
        return cls(
            project=project,
            executable=Path(os.environ.get("PIPELINE_DBT", "/opt/dbt/bin/dbt")),
            manifest=Path(os.environ.get("PIPELINE_DBT_MANIFEST", project / "target" / "manifest.json")),
        )


def warehouse_task_group(group_id: str = "warehouse", **kwargs: Any) -> Any:
    """A Cosmos DbtTaskGroup building the warehouse: `<model>.run` then `<model>.test` for each model,
    the snapshot, and `linkedin_profiles_source` (the source's tests and freshness) first."""
    from cosmos import DbtTaskGroup, ExecutionConfig, ProfileConfig, ProjectConfig, RenderConfig
    from cosmos.constants import (
        ExecutionMode,
        InvocationMode,
        LoadMode,
        SourceRenderingBehavior,
        TestBehavior,
    )
    from cosmos.profiles import PostgresUserPasswordProfileMapping

    paths = DbtPaths.from_env()
    return DbtTaskGroup(
        group_id=group_id,
        project_config=ProjectConfig(
            manifest_path=paths.manifest, project_name=DBT_PROJECT_NAME, install_dbt_deps=False
        ),
        profile_config=ProfileConfig(
            profile_name=DBT_PROFILE,
            target_name="warehouse",
            profile_mapping=PostgresUserPasswordProfileMapping(
                conn_id=WAREHOUSE_CONN_ID, profile_args={"schema": WAREHOUSE_SCHEMA, "threads": 2}
            ),
        ),
        execution_config=ExecutionConfig(
            execution_mode=ExecutionMode.LOCAL,
            invocation_mode=InvocationMode.SUBPROCESS,
            dbt_executable_path=paths.executable,
            dbt_project_path=paths.project,
        ),
        render_config=RenderConfig(
            load_method=LoadMode.DBT_MANIFEST,
            test_behavior=TestBehavior.AFTER_EACH,
            source_rendering_behavior=SourceRenderingBehavior.WITH_TESTS_OR_FRESHNESS,
            # Nothing schedules on the warehouse's tables: no Airflow assets per model.
            emit_datasets=False,
            # A relationships test reads two models: its own task, after both are built this run.
            should_detach_multiple_parents_tests=True,
        ),
        operator_args={"install_deps": False},
        **kwargs,
    )
