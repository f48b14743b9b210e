"""make smoke's reading of `kubectl get pods/events -o json`: which pods it reports, and how."""

from __future__ import annotations

from typing import Any

from tests.devtools.smoke.checks import Report, Result, connector_pull_errors, pod_problems


def _pod(
    name: str, phase: str, ready: bool, statuses: list[dict[str, Any]], ns: str = "airbyte"
) -> dict[str, Any]:
    return {
        "metadata": {"name": name, "namespace": ns},
        "status": {
            "phase": phase,
            "conditions": [{"type": "Ready", "status": "True" if ready else "False"}],
            "containerStatuses": statuses,
        },
    }


def _status(name: str, image: str, state: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "image": image, "ready": False, "restartCount": 3, "state": state}


def test_ready_and_finished_pods_are_not_reported() -> None:
    pods = [
        _pod("server", "Running", True, [_status("main", "airbyte/server:2.0", {"running": {}})]),
        _pod(
            "bootloader",
            "Succeeded",
            False,
            [
                _status(
                    "main", "airbyte/bootloader:2.0", {"terminated": {"reason": "Completed", "exitCode": 0}}
                )
            ],
        ),
    ]
    assert pod_problems(pods, []) == []


def test_crash_loops_pull_errors_and_their_events_are_reported() -> None:
    pods = [
        _pod(
            "worker",
            "Running",
            False,
            [
                _status(
                    "worker",
                    "airbyte/worker:2.0",
                    {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 5m0s"}},
                )
            ],
        ),
        _pod(
            "replication-job-7",
            "Pending",
            False,
            [
                _status("source", "airbyte/source-s3:4.14.2", {"waiting": {"reason": "ImagePullBackOff"}}),
                _status(
                    "destination",
                    "airbyte/destination-postgres:2.4.7",
                    {"waiting": {"reason": "ErrImagePull", "message": "not found"}},
                ),
            ],
        ),
        _pod(
            "oom",
            "Running",
            False,
            [_status("main", "x/y:1", {"terminated": {"reason": "OOMKilled", "exitCode": 137}})],
        ),
    ]
    events = [
        {
            "involvedObject": {"kind": "Pod", "name": "worker"},
            "type": "Warning",
            "reason": "BackOff",
            "message": "Back-off restarting",
        },
        {
            "involvedObject": {"kind": "Node", "name": "worker"},
            "type": "Warning",
            "reason": "X",
            "message": "not this pod",
        },
    ]
    assert pod_problems(pods, events) == [
        "  pod airbyte/worker not Ready (phase Running)",
        "    container worker: CrashLoopBackOff back-off 5m0s",
        "    event Warning BackOff: Back-off restarting",
        "  pod airbyte/replication-job-7 not Ready (phase Pending)",
        "    image pull error: airbyte/source-s3:4.14.2 (ImagePullBackOff)",
        "    image pull error: airbyte/destination-postgres:2.4.7 (ErrImagePull): not found",
        "  pod airbyte/oom not Ready (phase Running)",
        "    container main: OOMKilled (exit 137)",
    ]
    assert connector_pull_errors(pods) == ["airbyte/destination-postgres:2.4.7", "airbyte/source-s3:4.14.2"]


def test_the_table_passes_only_when_every_check_passed() -> None:
    report = Report("smoke__1", [Result("airflow run", True, "ok"), Result("warehouse", False, "3 rows")])
    text = report.render()
    assert text.splitlines()[:3] == [
        "CHECK        RESULT  DETAIL",
        "airflow run  PASS    ok",
        "warehouse    FAIL    3 rows",
    ]
    assert text.endswith("smoke FAILED (run smoke__1)") and not report.passed
    assert not Report("smoke__2").passed  # no checks ran: not a pass
