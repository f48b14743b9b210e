"""One finished task attempt's log, through Airflow's own remote logging, in a process of its own
(Airflow reads [logging] once, at import, from the environment the test builds out of the rendered chart).

The worker side: the log file at the path the executor hands the worker (`log_filename_template_renderer`),
uploaded by the remote log IO that airflow_local_settings builds from [logging] (what the task SDK's
`upload_to_remote` calls when the attempt ends); then the local copy is deleted, as when the pod is gone.
The API server side: `TaskLogReader`, which the UI's log endpoint uses. Prints the events it read and
their sources as one JSON object.

usage: python -m tests.integration.task_log_roundtrip <log lines as a JSON list>
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path


def main() -> None:
    from airflow.configuration import conf
    from airflow.models.dagrun import DagRun
    from airflow.models.taskinstance import TaskInstance
    from airflow.models.tasklog import LogTemplate
    from airflow.sdk import DAG, BaseOperator
    from airflow.sdk.log import load_remote_log_handler
    from airflow.utils.helpers import log_filename_template_renderer
    from airflow.utils.log.log_reader import TaskLogReader
    from airflow.utils.session import create_session
    from airflow.utils.state import DagRunState, TaskInstanceState
    from sqlalchemy import func, select

    lines = json.loads(sys.argv[1])
    when = datetime(2026, 12, 7, tzinfo=UTC)
    run = DagRun(
        dag_id="linkedin_profiles",
        run_id="manual__2026-12-07T00:00:00+00:00",
        run_type="manual",
        logical_date=when,
        run_after=when,
        state=DagRunState.SUCCESS,
    )
    with create_session() as session:  # what inserting the run would set: the newest template
        run.log_template_id = session.scalar(select(func.max(LogTemplate.id)))
    with DAG(run.dag_id, schedule=None):
        task = BaseOperator(task_id="scrape")
    ti = TaskInstance(
        task, run_id=run.run_id, map_index=0, state=TaskInstanceState.SUCCESS, dag_version_id=None
    )
    ti.dag_id, ti.try_number, ti.dag_run = run.dag_id, 1, run

    relative = log_filename_template_renderer()(ti=ti)
    local = Path(conf.get("logging", "base_log_folder"), relative)
    local.parent.mkdir(parents=True, exist_ok=True)
    local.write_text("".join(json.dumps(line) + "\n" for line in lines))
    load_remote_log_handler().upload(relative, ti)
    local.unlink(missing_ok=True)

    stream, _ = TaskLogReader().read_log_chunks(ti, 1, {"download_logs": True})
    events = [json.loads(m.model_dump_json()) for m in stream]
    print(json.dumps({"path": relative, "events": events}))


if __name__ == "__main__":
    main()
