"""The plan task: one `scraper scrape` argument list per shard, from the run's params.

A run with no profiles (an empty `profiles` param and an empty ConfigMap pipeline-profiles, as on a
fresh staging install) has nothing to do: the plan skips itself, so Airflow skips every task after it
and the run ends without starting a pod.
"""

from __future__ import annotations

import logging
from typing import Any

from airflow.sdk.exceptions import AirflowSkipException

from scraper.orchestration.names import PIPELINE_NAMESPACE, PROFILES_CONFIGMAP, path_safe
from scraper.profile_list import is_entry
from scraper.rundir import run_path, shard_path

# The scrape pods mount ConfigMap pipeline-profiles here (pods.py); the plan reads the same key.
PROFILE_LIST_DIR = "/config"
PROFILE_LIST_KEY = "profiles.txt"
PROFILE_LIST = f"{PROFILE_LIST_DIR}/{PROFILE_LIST_KEY}"

log = logging.getLogger(__name__)


def list_entries(text: str) -> list[str]:
    """The entries of a profile list: every line but blanks and `#` comments."""
    return [line.strip() for line in text.splitlines() if is_entry(line)]


def default_profile_list() -> str | None:
    """The text of ConfigMap pipeline-profiles, which the scrape pods mount at /config/profiles.txt, or
    None where no Kubernetes configuration exists (a DAG test outside a cluster): then the scrape pod
    reads the list itself, as before.

    Read through the Kubernetes provider's hook with the worker's own identity (in the cluster, its
    ServiceAccount: the pipeline chart's Role lets it get this one ConfigMap; connection
    kubernetes_default may point it elsewhere).
    """
    from airflow.providers.cncf.kubernetes.hooks.kubernetes import KubernetesHook
    from kubernetes.config import ConfigException

    try:
        api = KubernetesHook().core_v1_client
    except ConfigException as exc:
        log.warning(
            "cannot check ConfigMap %s for profiles (%s); the scrape pods will read it",
            PROFILES_CONFIGMAP,
            exc,
        )
        return None
    config_map = api.read_namespaced_config_map(PROFILES_CONFIGMAP, PIPELINE_NAMESPACE)
    return (config_map.data or {}).get(PROFILE_LIST_KEY, "")


def shard_arguments(
    params: dict[str, Any] | None = None, run_id: str | None = None, **_: Any
) -> list[list[str]]:
    """Arguments of each scraper pod. Profile ids are not secret, so they may travel as arguments."""
    params = params or {}
    shards = int(params.get("shards") or 1)
    profiles = [str(p) for p in params.get("profiles") or []]
    if not profiles and (default := default_profile_list()) is not None and not list_entries(default):
        message = (
            f"nothing to do: the run's 'profiles' param is empty and ConfigMap {PIPELINE_NAMESPACE}/"
            f"{PROFILES_CONFIGMAP} lists no profile (set scraper.profiles in the pipeline chart's values, "
            'or trigger the DAG with {"profiles": [...]})'
        )
        log.info(message)
        raise AirflowSkipException(message)
    source = [arg for p in profiles for arg in ("--profile", p)] or ["--profiles", PROFILE_LIST]
    run_dir = run_path(path_safe(run_id or "manual"))
    out = []
    for index in range(shards):
        args = ["scrape", *source, "--out", shard_path(run_dir, index), "--resume"]
        if shards > 1:
            args += ["--shard", f"{index}/{shards}"]
        if params.get("max_profiles"):
            args += ["--max-profiles", str(params["max_profiles"])]
        out.append(args)
    return out
