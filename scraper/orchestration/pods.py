"""Pod specs of the scrape and upload tasks: isolated, non-root, read-only, with credentials only as
environment from Secrets (never in arguments), and the run directory on the shared volume."""

from __future__ import annotations

import datetime as dt
from typing import Any

from airflow.exceptions import AirflowException
from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator
from airflow.sdk.exceptions import AirflowFailException
from kubernetes.client import models as k8s

from scraper.errors import EXIT_BAD_INPUT, EXIT_BLOCKED
from scraper.orchestration.names import (
    DATA_PVC,
    PIPELINE_CONFIGMAP,
    PIPELINE_NAMESPACE,
    RUN_LABEL,
    S3_SECRET,
    SCRAPER_SERVICE_ACCOUNT,
    XCOM_RETURN,
    path_safe,
)
from scraper.rundir import DATA_ROOT, STATE_DIR, run_path

RUN_DIR = str(run_path("{{ run_id | path_safe }}"))  # rendered by Airflow per run
UID = 10001

_POD_SECURITY = k8s.V1PodSecurityContext(
    run_as_non_root=True,
    run_as_user=UID,
    run_as_group=UID,
    fs_group=UID,
    seccomp_profile=k8s.V1SeccompProfile(type="RuntimeDefault"),
)
_CONTAINER_SECURITY = k8s.V1SecurityContext(
    allow_privilege_escalation=False,
    read_only_root_filesystem=True,
    run_as_non_root=True,
    capabilities=k8s.V1Capabilities(drop=["ALL"]),
)


def _resources(cpu: str, memory: str, cpu_limit: str, memory_limit: str) -> k8s.V1ResourceRequirements:
    return k8s.V1ResourceRequirements(
        requests={"cpu": cpu, "memory": memory}, limits={"cpu": cpu_limit, "memory": memory_limit}
    )


def _volumes(scrape: bool) -> tuple[list[k8s.V1Volume], list[k8s.V1VolumeMount]]:
    """The run directory and /tmp for every pod; a scrape pod adds /dev/shm (its profiles come as
    arguments: a pod never reads the whole list)."""
    volumes = [
        k8s.V1Volume(
            name="data", persistent_volume_claim=k8s.V1PersistentVolumeClaimVolumeSource(claim_name=DATA_PVC)
        ),
        k8s.V1Volume(name="tmp", empty_dir=k8s.V1EmptyDirVolumeSource(size_limit="1Gi")),
    ]
    mounts = [
        k8s.V1VolumeMount(name="data", mount_path=str(DATA_ROOT)),
        k8s.V1VolumeMount(name="tmp", mount_path="/tmp"),
    ]
    if scrape:
        # Chromium needs a writable /dev/shm; memory-backed and bounded.
        volumes.append(
            k8s.V1Volume(
                name="dshm", empty_dir=k8s.V1EmptyDirVolumeSource(medium="Memory", size_limit="512Mi")
            )
        )
        mounts.append(k8s.V1VolumeMount(name="dshm", mount_path="/dev/shm"))
    return volumes, mounts


def _common(name: str, image: str, app: str) -> dict[str, Any]:
    return {
        "namespace": PIPELINE_NAMESPACE,
        "service_account_name": SCRAPER_SERVICE_ACCOUNT,
        "image": image,
        "image_pull_policy": "IfNotPresent",
        "name": name,
        "labels": {
            "app.kubernetes.io/name": app,
            "app.kubernetes.io/part-of": "linkedin-pipeline",
            RUN_LABEL: "{{ run_id | label_safe }}",
        },
        "security_context": _POD_SECURITY,
        "container_security_context": _CONTAINER_SECURITY,
        "xcom_sidecar_container_security_context": _CONTAINER_SECURITY,
        "automount_service_account_token": False,
        "get_logs": True,
        "log_events_on_failure": True,
        "termination_message_policy": "FallbackToLogsOnError",
        "on_finish_action": "delete_succeeded_pod",
        "startup_timeout_seconds": 600,  # first pull of the Chromium image on a fresh kind node is slow
        "do_xcom_push": True,
    }


def scrape_pod_kwargs(image: str) -> dict[str, Any]:
    """What every scrape pod shares; each account's own part comes from `account_pod` (mapped over the
    plan's output)."""
    volumes, mounts = _volumes(scrape=True)
    return {
        **_common("scrape", image, "scraper"),
        "cmds": ["scraper"],
        "volumes": volumes,
        "volume_mounts": mounts,
        "container_resources": _resources("250m", "512Mi", "1", "1536Mi"),
    }


def account_pod(work: dict[str, Any]) -> dict[str, Any]:
    """One account's scrape pod, from one entry of the plan's output (`plan.pod_work`): its planned
    profiles as arguments (ids are not secret), its cap and pacing as environment, its credentials
    only from its own Secret. Mapped with `.map()`, so these are built in the worker as Kubernetes
    objects, never stored in XCom; the values are literals (expanded values are not rendered as
    templates)."""
    arguments = ["scrape", *(arg for p in work["profiles"] for arg in ("--profile", p))]
    arguments += ["--out", work["out"], "--resume", "--account", work["account"]]
    env = {
        "RUN_ID": work["run_id"],
        "SCRAPER_ACCOUNT": work["account"],
        "SCRAPER_DAILY_CAP": str(work["daily_cap"]),
        "SCRAPER_MIN_DELAY_S": str(work["min_delay_s"]),
        "SCRAPER_MAX_DELAY_S": str(work["max_delay_s"]),
        "SCRAPER_STATE_DIR": str(STATE_DIR),
        "XCOM_RETURN_PATH": XCOM_RETURN,
    }
    return {
        "arguments": arguments,
        "env_vars": [k8s.V1EnvVar(name=name, value=value) for name, value in env.items()],
        "env_from": [
            k8s.V1EnvFromSource(config_map_ref=k8s.V1ConfigMapEnvSource(name=PIPELINE_CONFIGMAP)),
            k8s.V1EnvFromSource(secret_ref=k8s.V1SecretEnvSource(name=work["secret"])),
        ],
    }


def _s3_pod_kwargs(name: str, image: str) -> dict[str, Any]:
    """A pod of the uploader image that reads or writes S3 and the run volume."""
    volumes, mounts = _volumes(scrape=False)
    return {
        **_common(name, image, "uploader"),
        "cmds": ["scraper"],
        # Optional: on staging the pod's role (IRSA) replaces keys and the Secret does not exist.
        "env_from": [
            k8s.V1EnvFromSource(config_map_ref=k8s.V1ConfigMapEnvSource(name=PIPELINE_CONFIGMAP)),
            k8s.V1EnvFromSource(secret_ref=k8s.V1SecretEnvSource(name=S3_SECRET, optional=True)),
        ],
        "env_vars": [k8s.V1EnvVar(name="XCOM_RETURN_PATH", value=XCOM_RETURN)],
        "volumes": volumes,
        "volume_mounts": mounts,
        "container_resources": _resources("100m", "256Mi", "1", "1Gi"),
    }


def upload_pod_kwargs(image: str) -> dict[str, Any]:
    # A run a barrier stopped is shipped all the same: its manifest says which shard stopped and why.
    return {**_s3_pod_kwargs("upload", image), "arguments": ["upload", "--src", RUN_DIR, "--allow-partial"]}


def reparse_pod_kwargs(image: str) -> dict[str, Any]:
    """What every re-parse pod shares (the uploader image holds the parser and boto3); each pod's part
    comes from `reparse_pod`. One core each: the parse is single-threaded (docs/operations.md)."""
    return {**_s3_pod_kwargs("reparse", image), "container_resources": _resources("1", "512Mi", "1", "1Gi")}


def reparse_pods(
    params: dict[str, Any] | None = None, run_id: str | None = None, **_: Any
) -> list[dict[str, Any]]:
    """One pod's arguments per share of the uploaded runs from `since` to `until` (the DAG run's
    params; `--shard i/pods`), each into its own directory of the DAG run's re-parse directory (built
    here: expanded values are not rendered as templates)."""
    params = params or {}
    out = run_path(f"reparse-{path_safe(run_id or 'manual')}")
    since, until, pods = (
        str(params.get("since")),
        str(params.get("until") or params.get("since")),
        params.get("pods"),
    )
    try:
        first, last = dt.date.fromisoformat(since), dt.date.fromisoformat(until)
    except ValueError:
        raise AirflowFailException(
            f"since and until must be dates YYYY-MM-DD, got {since!r} and {until!r}"
        ) from None
    if last < first or not isinstance(pods, int) or pods < 1:
        raise AirflowFailException(f"expected since <= until and pods >= 1, got {since}, {until}, {pods!r}")
    return [
        {
            "arguments": [
                "reparse", "--since", since, "--until", until, "--shard", f"{i}/{pods}",
                "--out", str(out / f"pod-{i}"),
            ]
        }
        for i in range(pods)
    ]  # fmt: skip


def reparsed_uploads(results: list[dict[str, Any] | None]) -> list[dict[str, Any]]:
    """One upload pod's arguments per run the re-parse pods wrote (their XCom `runs`)."""
    runs = [run for result in results for run in (result or {}).get("runs", [])]
    return [{"arguments": ["upload", "--src", run, "--allow-partial"]} for run in runs]


class PipelinePodOperator(KubernetesPodOperator):
    """A pod task whose exit codes 2 (bad input) and 3 (auth barrier or rate limit) fail without
    retries: a retry reads the same input, and retrying an account that LinkedIn has just challenged
    only makes things worse. Exit 1 (a failure that may pass) keeps the task's retries."""

    def execute(self, context: Any) -> Any:
        try:
            return super().execute(context)
        except AirflowException as exc:
            code = self._exit_code()
            if code == EXIT_BLOCKED:
                raise AirflowFailException(
                    "the scraper stopped at an auth barrier or rate limit (exit code 3): the profiles it "
                    "collected are uploaded and synced all the same, the rest stay due for tomorrow's plan. "
                    "Renew the session in this account's Secret (or wait for the rate limit); the run's "
                    "`report` task names the barrier."
                ) from exc
            if code == EXIT_BAD_INPUT:
                raise AirflowFailException(
                    "bad input (exit code 2): the pod's last log line says which setting, file or run is at "
                    "fault (for upload: a scrape that did not finish); a retry would read the same input."
                ) from exc
            raise

    def _exit_code(self) -> int | None:
        pod = getattr(self, "pod", None)
        if pod is None:
            return None
        try:
            remote = self.pod_manager.read_pod(pod)
        except Exception:  # noqa: BLE001 - a pod already deleted has no status to read: not a barrier
            self.log.debug("cannot read pod %s to find its exit code", pod.metadata.name, exc_info=True)
            return None
        for status in (remote.status and remote.status.container_statuses) or []:
            if status.name == self.base_container_name and status.state and status.state.terminated:
                return status.state.terminated.exit_code
        return None
