"""The plan task: today's profiles per account, from the profile list, the accounts' budgets and what
has landed in the warehouse (docs/operations.md, "Day to day"; the rules are `scraper.rotation`'s).

ConfigMap pipeline-profiles holds the list (`profiles.txt`) and how to rotate it (`rotation.json`:
refresh intervals and the accounts with their caps, pacing and Secrets), both rendered by the pipeline
chart from its values. Each account gets one scrape pod with only its planned profiles as arguments.

A run with nothing to do (an empty list, nothing due, no budget left today) skips itself, so Airflow
skips every task after it and the run ends without starting a pod.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Annotated, Any

import msgspec
from airflow.sdk.exceptions import AirflowException, AirflowSkipException

from scraper import freshness
from scraper.errors import BadInput
from scraper.models import DEFAULT_ACCOUNT
from scraper.orchestration.names import (
    LINKEDIN_SECRET,
    PIPELINE_NAMESPACE,
    PROFILES_CONFIGMAP,
    WAREHOUSE_CONN_ID,
    path_safe,
)
from scraper.profile_list import parse_profile_list
from scraper.rotation import Plan, RotationSettings, plan, spread
from scraper.rundir import run_path, shard_path
from scraper.settings import ACCOUNT_RE, url_host

PROFILE_LIST_KEY = "profiles.txt"
ROTATION_KEY = "rotation.json"

log = logging.getLogger(__name__)

_Name = Annotated[str, msgspec.Meta(pattern=ACCOUNT_RE.pattern)]
_Days = Annotated[int, msgspec.Meta(ge=1, le=365)]
_Delay = Annotated[float, msgspec.Meta(ge=0, le=3600)]


class AccountConfig(msgspec.Struct, forbid_unknown_fields=True):
    """One LinkedIn account: the unit of parallelism, of the daily budget and of pacing."""

    name: _Name = DEFAULT_ACCOUNT
    secret: str = LINKEDIN_SECRET
    daily_cap: Annotated[int, msgspec.Meta(ge=0, le=1000)] = 80
    min_delay_s: _Delay = 20.0
    max_delay_s: _Delay = 45.0


class RotationConfig(msgspec.Struct, forbid_unknown_fields=True):
    """`rotation.json` of ConfigMap pipeline-profiles, as the chart renders it from its values."""

    base_url: str = ""
    refresh_days: _Days = 7
    private_refresh_days: _Days = 30
    retire_not_found_after: Annotated[int, msgspec.Meta(ge=1, le=100)] = 3
    accounts: list[AccountConfig] = msgspec.field(default_factory=lambda: [AccountConfig()])

    @property
    def settings(self) -> RotationSettings:
        return RotationSettings(self.refresh_days, self.private_refresh_days, self.retire_not_found_after)


def parse_rotation(text: str | None) -> RotationConfig:
    try:
        config = msgspec.json.decode(text or "{}", type=RotationConfig)
    except msgspec.DecodeError as exc:
        raise BadInput(f"ConfigMap {PROFILES_CONFIGMAP} key {ROTATION_KEY}: {exc}") from None
    names = [a.name for a in config.accounts]
    if not names or len(set(names)) != len(names):
        raise BadInput(f"ConfigMap {PROFILES_CONFIGMAP} key {ROTATION_KEY}: accounts need distinct names")
    return config


def read_config_map() -> dict[str, str]:
    """ConfigMap pipeline-profiles, read through the Kubernetes provider's hook with the worker's own
    identity (in the cluster, its ServiceAccount: the pipeline chart's Role lets it get this one
    ConfigMap; connection kubernetes_default may point it elsewhere)."""
    from airflow.providers.cncf.kubernetes.hooks.kubernetes import KubernetesHook
    from kubernetes.config import ConfigException

    try:
        api = KubernetesHook().core_v1_client
    except ConfigException as exc:
        raise AirflowException(
            f"cannot read ConfigMap {PIPELINE_NAMESPACE}/{PROFILES_CONFIGMAP} (the profile list and the "
            f"accounts): no Kubernetes configuration here ({exc})"
        ) from None
    return api.read_namespaced_config_map(PROFILES_CONFIGMAP, PIPELINE_NAMESPACE).data or {}


def _ids(text: str, config: RotationConfig) -> list[str]:
    hosts = frozenset({url_host(config.base_url)} - {""}) if config.base_url else frozenset()
    parsed = parse_profile_list(text, hosts)
    for problem in parsed.problems:
        log.warning("skipping profile list entry %s", problem)
    return [ref.profile_id for ref in parsed.refs]


def make_plan(
    conn: Any, config_map: dict[str, str], requested: list[str], now: dt.datetime
) -> tuple[RotationConfig, Plan]:
    """Today's plan. `requested` (a manual run's `profiles` param) replaces the rotation by exactly
    those profiles, still within the budget left; otherwise today's list is recorded and the due
    profiles are taken."""
    config = parse_rotation(config_map.get(ROTATION_KEY))
    settings = config.settings
    if requested:
        states = list(freshness.load_states(conn).values())
    else:
        listed = _ids(config_map.get(PROFILE_LIST_KEY, ""), config)
        states = freshness.apply_list(conn, listed, settings, now)
    used = freshness.used_today(states, now.date())
    budgets = {a.name: max(a.daily_cap - used[a.name], 0) for a in config.accounts}
    if not requested:
        return config, plan(states, now.date(), budgets, settings)
    ids = _ids("\n".join(requested), config)
    return config, Plan(
        spread(ids, budgets),
        listed=len(ids),
        retired=0,
        due=len(ids),
        budget_left=sum(budgets.values()),
        early=0,
    )


def pod_work(config: RotationConfig, today: Plan, run_id: str) -> list[dict[str, Any]]:
    """One entry per account with work: what its scrape pod needs (no secret: only the Secret's name)."""
    run_dir = run_path(path_safe(run_id))
    accounts = {a.name: a for a in config.accounts}
    return [
        {
            "account": name,
            "secret": accounts[name].secret,
            "daily_cap": accounts[name].daily_cap,
            "min_delay_s": accounts[name].min_delay_s,
            "max_delay_s": accounts[name].max_delay_s,
            "run_id": run_id,
            "out": shard_path(run_dir, index),
            "profiles": ids,
        }
        for index, (name, ids) in enumerate(today.assignments.items())
    ]


def plan_profiles(params: dict[str, Any] | None = None, run_id: str | None = None, **_: Any) -> list[dict]:
    """The `plan` task: log today's figures, return each account's work (or skip the run)."""
    from airflow.providers.postgres.hooks.postgres import PostgresHook

    params = params or {}
    requested = [str(p) for p in params.get("profiles") or []]
    config_map = read_config_map()
    run_id = run_id or "manual"
    with PostgresHook(postgres_conn_id=WAREHOUSE_CONN_ID).get_conn() as conn:
        try:
            config, today = make_plan(conn, config_map, requested, dt.datetime.now(dt.UTC))
        except BadInput as exc:
            raise AirflowException(str(exc)) from None
    log.info("plan for %s: %s", run_id, today.describe())
    for name, ids in today.assignments.items():
        log.info("account %s: %d profiles", name, len(ids))
    if not today.listed:
        raise AirflowSkipException(
            f"nothing to do: the run's 'profiles' param is empty and ConfigMap {PIPELINE_NAMESPACE}/"
            f"{PROFILES_CONFIGMAP} lists no profile (set scraper.profiles in the pipeline chart's values, "
            'or trigger the DAG with {"profiles": [...]})'
        )
    if not today.planned:
        raise AirflowSkipException(f"nothing to scrape today: {today.describe()}")
    return pod_work(config, today, run_id)
