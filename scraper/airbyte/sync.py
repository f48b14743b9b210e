"""Airbyte sync jobs: start one (or join the one already running) and read its status."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from scraper.airbyte.client import AirbyteClient

log = logging.getLogger(__name__)

# Airbyte's JobStatusEnum. `queued` and `incomplete` (a failed attempt that will be retried) are not
# endings: treating them as failures would fail healthy syncs.
RUNNING = frozenset({"pending", "queued", "running", "incomplete"})
SUCCEEDED = "succeeded"
FAILED = frozenset({"failed", "cancelled"})


@dataclass(frozen=True)
class Job:
    job_id: int
    status: str

    @property
    def running(self) -> bool:
        return self.status in RUNNING


def start_or_join_sync(client: AirbyteClient, connection_id: str) -> Job:
    """The running sync of this connection, or a new one."""
    recent = client.request(
        "GET",
        "jobs",
        params={"connectionId": connection_id, "jobType": "sync", "limit": 10, "orderBy": "createdAt|DESC"},
    )
    for job in (recent or {}).get("data") or []:
        if job["status"] in RUNNING:
            log.info(
                "joining Airbyte job %s (%s) of connection %s", job["jobId"], job["status"], connection_id
            )
            return Job(int(job["jobId"]), job["status"])
    created = client.request("POST", "jobs", json={"connectionId": connection_id, "jobType": "sync"})
    log.info("started Airbyte job %s of connection %s", created["jobId"], connection_id)
    return Job(int(created["jobId"]), created["status"])


def job_status(client: AirbyteClient, job_id: int) -> Job:
    job = client.request("GET", f"jobs/{job_id}")
    return Job(int(job["jobId"]), job["status"])
