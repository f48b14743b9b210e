"""The three releases as one cluster: the real upstream charts rendered with our kind and staging values,
every pod template (and the DAG's pod specs) checked against what the renders make, every long-running
container bounded, and the README's Docker VM figure computed from the renders."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from typing import Any

import pytest
import yaml

from scraper.orchestration.names import PROFILES_CONFIGMAP
from scraper.orchestration.plan import ROTATION_KEY
from tests.charts.conftest import LONG_RUNNING, RELEASES, pod_templates, render_release, values_file
from tests.conftest import REPO
from tests.dags.conftest import dag_pods

# Objects a component makes at run time, so no render holds them. Each entry says who makes it.
RUNTIME_OBJECTS: dict[tuple[str, str, str], set[str]] = {
    # Airbyte's bootloader (AuthKubernetesSecretInitializer) creates or updates its managed auth Secret:
    # provided values from the bootstrap Secret, else the existing value, else a generated one.
    ("airbyte", "Secret", "airbyte-auth-secrets"): {
        "instance-admin-password",
        "instance-admin-client-id",
        "instance-admin-client-secret",
        "jwt-signature-secret",
        # Its DataplaneInitializer registers the default dataplane and stores that dataplane's client
        # pair in the same Secret, under the keys the chart passes as DATAPLANE_CLIENT_*_SECRET_KEY.
        "dataplane-client-id",
        "dataplane-client-secret",
    },
}
# Made by Kubernetes itself in every namespace.
IMPLICIT_SERVICE_ACCOUNTS = {"default"}


class Inventory:
    """What the renders of one environment make, per namespace."""

    def __init__(self, env: str) -> None:
        self.keys: dict[tuple[str, str, str], set[str]] = {}
        self.names: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.templates: list[tuple[str, str, dict[str, Any]]] = []
        for release in RELEASES:
            objects = render_release(release, env)
            for obj in objects:
                namespace = obj["metadata"].get("namespace", release)
                kind, name = obj["kind"], obj["metadata"]["name"]
                self.names[namespace, kind].add(name)
                if kind in ("Secret", "ConfigMap"):
                    data = {**(obj.get("data") or {}), **(obj.get("stringData") or {})}
                    self.keys[namespace, kind, name] = set(data)
            self.templates += [
                (f"{release} {where}", owner["metadata"].get("namespace", release), template)
                for where, owner, template in pod_templates(objects)
            ]
        self.keys.update(RUNTIME_OBJECTS)
        for namespace, kind, name in RUNTIME_OBJECTS:
            self.names[namespace, kind].add(name)


def _references(spec: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    """(kind, name, key or None) of every Secret, ConfigMap, PVC and ServiceAccount a pod spec names.
    References marked optional are left out: the pod starts without them."""
    refs: list[tuple[str, str, str | None]] = []
    for container in spec.get("initContainers", []) + spec["containers"]:
        for env in container.get("env") or []:
            source = env.get("valueFrom") or {}
            for field, kind in (("secretKeyRef", "Secret"), ("configMapKeyRef", "ConfigMap")):
                ref = source.get(field)
                if ref and not ref.get("optional"):
                    refs.append((kind, ref["name"], ref["key"]))
        for env_from in container.get("envFrom") or []:
            for field, kind in (("secretRef", "Secret"), ("configMapRef", "ConfigMap")):
                ref = env_from.get(field)
                if ref and not ref.get("optional"):
                    refs.append((kind, ref["name"], None))
    for volume in spec.get("volumes") or []:
        sources = [volume] + [s for s in (volume.get("projected") or {}).get("sources") or []]
        for source in sources:
            secret = source.get("secret")
            if secret and not secret.get("optional"):
                name = secret.get("secretName") or secret.get("name")
                refs += [("Secret", name, i["key"]) for i in secret.get("items") or []] or [
                    ("Secret", name, None)
                ]
            config = source.get("configMap")
            if config and not config.get("optional"):
                refs += [("ConfigMap", config["name"], i["key"]) for i in config.get("items") or []] or [
                    ("ConfigMap", config["name"], None)
                ]
        if "persistentVolumeClaim" in volume:
            refs.append(("PersistentVolumeClaim", volume["persistentVolumeClaim"]["claimName"], None))
    account = spec.get("serviceAccountName")
    if account and account not in IMPLICIT_SERVICE_ACCOUNTS:
        refs.append(("ServiceAccount", account, None))
    return refs


def _unresolved(inventory: Inventory, where: str, namespace: str, spec: dict[str, Any]) -> list[str]:
    missing = []
    for kind, name, key in _references(spec):
        if name not in inventory.names[namespace, kind]:
            missing.append(f"{where}: {kind} {namespace}/{name} is made by no release")
        elif key is not None and key not in inventory.keys[namespace, kind, name]:
            missing.append(f"{where}: {kind} {namespace}/{name} has no key {key}")
    return missing


@pytest.fixture(scope="module")
def kind_inventory() -> Inventory:
    return Inventory("kind")


def _rotation_json(env: str) -> str:
    """rotation.json of ConfigMap pipeline-profiles as the pipeline chart renders it for `env`."""
    (config_map,) = [
        o for o in render_release("pipeline", env) if o["metadata"]["name"] == PROFILES_CONFIGMAP
    ]
    return config_map["data"][ROTATION_KEY]


@pytest.fixture(scope="module")
def the_dags_pods(dag: Any) -> dict[str, dict[str, Any]]:
    """The pods one kind run starts: a scrape pod per account of the kind values, and the upload."""
    return dag_pods(dag, _rotation_json("kind"))


@pytest.fixture(scope="module")
def the_staging_dags_pods(dag: Any) -> dict[str, dict[str, Any]]:
    return dag_pods(dag, _rotation_json("staging"))


@pytest.mark.parametrize("release", RELEASES)
@pytest.mark.parametrize("env", ["kind", "staging"])
def test_release_renders(release: str, env: str) -> None:
    assert render_release(release, env)


def test_every_reference_of_the_kind_releases_and_the_dag_pods_resolves(
    kind_inventory: Inventory, the_dags_pods: dict[str, dict[str, Any]]
) -> None:
    missing: list[str] = []
    for where, namespace, template in kind_inventory.templates:
        missing += _unresolved(kind_inventory, where, namespace, template["spec"])
    for task_id, pod in the_dags_pods.items():
        missing += _unresolved(kind_inventory, f"DAG {task_id}", pod["metadata"]["namespace"], pod["spec"])
    assert missing == []


def _needed_before(
    inventory: Inventory, pods: list[tuple[str, dict[str, Any]]]
) -> dict[tuple[str, str], set[str]]:
    """(namespace, Secret) -> keys, for every Secret a pod names that no release makes."""
    needed: dict[tuple[str, str], set[str]] = defaultdict(set)
    for namespace, spec in pods:
        for kind, name, key in _references(spec):
            if name not in inventory.names[namespace, kind]:
                assert kind == "Secret", f"{kind} {namespace}/{name} is made by no release"
                needed[namespace, name] |= {key} if key else set()
    return needed


def _staging_doc_table() -> dict[tuple[str, str], str]:
    rows = re.findall(
        r"^\| (\w+) \| `([\w-]+)` \| (.+?) \| .+ \|$",
        (REPO / "docs" / "staging.md").read_text(),
        re.MULTILINE,
    )
    return {(namespace, name): keys for namespace, name, keys in rows}


def test_docs_staging_lists_exactly_the_secrets_staging_needs_made_first(
    the_staging_dags_pods: dict[str, dict[str, Any]],
) -> None:
    inventory = Inventory("staging")
    pods = [(namespace, t["spec"]) for _, namespace, t in inventory.templates]
    pods += [(pod["metadata"]["namespace"], pod["spec"]) for pod in the_staging_dags_pods.values()]
    needed = _needed_before(inventory, pods)
    documented = _staging_doc_table()
    required = {k for k, keys in documented.items() if not keys.startswith("optional")}
    assert set(needed) == required
    undocumented_keys = {
        k: sorted(keys - set(re.findall(r"`([\w-]+)`", documented[k]))) for k, keys in needed.items()
    }
    assert {k: v for k, v in undocumented_keys.items() if v} == {}


def test_the_walk_sees_the_references_it_is_meant_to_check(kind_inventory: Inventory) -> None:
    """Guards the walk itself: a reference it must find and one it must flag."""
    broken = {"containers": [{"name": "c", "envFrom": [{"secretRef": {"name": "nope"}}]}]}
    assert _unresolved(kind_inventory, "x", "airbyte", broken) == [
        "x: Secret airbyte/nope is made by no release"
    ]
    server = next(
        t["spec"] for w, _, t in kind_inventory.templates if w == "airbyte Deployment/airbyte-server"
    )
    assert ("Secret", "airbyte-auth-secrets", "instance-admin-client-secret") in _references(server)


# ------------------------------------------------------------------------------------ resources

_UNITS = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "k": 1e3, "M": 1e6, "G": 1e9, "m": 1e-3, "": 1}


def quantity(value: str | int | float) -> float:
    number, unit = re.fullmatch(r"([\d.]+)([A-Za-z]*)", str(value)).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def _limit_range_defaults(env: str) -> dict[str, dict[str, dict[str, Any]]]:
    """namespace -> {"requests": ..., "limits": ...} from the LimitRanges the renders make."""
    out = {}
    for release in RELEASES:
        for obj in render_release(release, env):
            if obj["kind"] == "LimitRange":
                (limit,) = [item for item in obj["spec"]["limits"] if item["type"] == "Container"]
                out[obj["metadata"]["namespace"]] = {
                    "requests": limit["defaultRequest"],
                    "limits": limit["default"],
                }
    return out


def long_running_containers(env: str) -> list[tuple[str, dict[str, Any]]]:
    """(where, effective resources) of every container of every Deployment/StatefulSet/DaemonSet."""
    defaults = _limit_range_defaults(env)
    out = []
    for release in RELEASES:
        for obj in render_release(release, env):
            if obj["kind"] not in LONG_RUNNING:
                continue
            namespace = obj["metadata"].get("namespace", release)
            spec = obj["spec"]["template"]["spec"]
            replicas = obj["spec"].get("replicas", 1)
            for container in spec["containers"]:
                resources = {k: dict(v) for k, v in (container.get("resources") or {}).items() if v}
                for kind, values in defaults.get(namespace, {}).items():
                    resources.setdefault(kind, dict(values))
                for _ in range(replicas):
                    out.append(
                        (
                            f"{namespace}/{obj['kind']}/{obj['metadata']['name']}/{container['name']}",
                            resources,
                        )
                    )
    return out


def test_every_long_running_container_on_kind_is_bounded() -> None:
    unbounded = [
        where
        for where, resources in long_running_containers("kind")
        if not all({"cpu", "memory"} <= set(resources.get(kind, {})) for kind in ("requests", "limits"))
    ]
    assert unbounded == []
    containers = long_running_containers("kind")
    for kind in ("requests", "limits"):
        cpu = sum(quantity(r[kind]["cpu"]) for _, r in containers)
        memory = sum(quantity(r[kind]["memory"]) for _, r in containers)
        print(
            f"{len(containers)} long-running containers on kind, {kind}: {cpu:.2f} CPU, {memory / 2**30:.2f} GiB"
        )


# The kind node's own control plane (API server, etcd, controller manager, scheduler, CoreDNS, kindnet):
# kubeadm's static pods request about 0.95 CPU; the memory they use idle is about 1 GiB.
CONTROL_PLANE = {"cpu": 1.0, "memory": 1.0 * 2**30}


# Airbyte's Java services size their heap as 75% of the container's memory limit (JVM
# MaxRAMPercentage in Airbyte's images) and, warm, fill the rest with metaspace, threads and buffers: at
# peak each uses about its limit. Every other long-running container is counted at its request.
JVM_CONTAINERS = (
    "airbyte-server-container",
    "airbyte-worker-container",
    "airbyte-workload-api-server-container",
    "airbyte-workload-launcher-container",
    "airbyte-cron",
)
HEADROOM = 1.15  # page cache, image pulls, kubelet's eviction threshold (100 Mi), estimate error


def _sync_pod(env: str, kind: str = "requests") -> dict[str, float]:
    """An Airbyte sync pod: orchestrator, source and destination containers, each with global.jobs."""
    jobs = yaml.safe_load(values_file(env, "airbyte").read_text())["global"]["jobs"]["resources"][kind]
    return {"cpu": 3 * quantity(jobs["cpu"]), "memory": 3 * quantity(jobs["memory"])}


def _pod_resources(pod: dict[str, Any], kind: str = "requests") -> dict[str, float]:
    total = {"cpu": 0.0, "memory": 0.0}
    for container in pod["spec"]["containers"]:
        # The provider's XCom sidecar states requests only: it is counted at them.
        values = container["resources"].get(kind) or container["resources"]["requests"]
        for resource in total:
            total[resource] += quantity(values[resource])
    return total


def kind_totals(the_dags_pods: dict[str, dict[str, Any]]) -> dict[str, dict[str, float]]:
    """What the one kind node must hold at peak: a sync running while a scrape runs. CPU: requests (a
    CPU limit throttles, it does not kill). Memory: what each part uses at peak (above), the scrape and
    sync pods at their limits (Chromium and the connectors' own JVMs peak there)."""
    services = {"cpu": 0.0, "memory": 0.0}
    limits = {"cpu": 0.0, "memory": 0.0}
    peak_memory = 0.0
    for where, resources in long_running_containers("kind"):
        for resource in services:
            services[resource] += quantity(resources["requests"][resource])
            limits[resource] += quantity(resources["limits"][resource])
        at_peak = "limits" if where.rsplit("/", 1)[1] in JVM_CONTAINERS else "requests"
        peak_memory += quantity(resources[at_peak]["memory"])
    # Every account's scrape pod runs at once.
    scrape_pods = [pod for task, pod in the_dags_pods.items() if task.startswith("scrape:")]
    scrape = {r: sum(_pod_resources(pod, "limits")[r] for pod in scrape_pods) for r in ("cpu", "memory")}
    sync = _sync_pod("kind", "limits")
    cpu = services["cpu"] + sum(_pod_resources(pod)["cpu"] for pod in scrape_pods) + _sync_pod("kind")["cpu"]
    needed = {
        "cpu": cpu + CONTROL_PLANE["cpu"],
        "memory": HEADROOM * (peak_memory + scrape["memory"] + sync["memory"] + CONTROL_PLANE["memory"]),
    }
    return {"service requests": services, "service limits": limits,
            "services at peak": {"cpu": services["cpu"], "memory": peak_memory},
            "scrape pods (limits)": scrape, "airbyte sync pod (limits)": sync,
            "control plane": CONTROL_PLANE, "needed": needed}  # fmt: skip


def test_readme_docker_vm_figure_is_the_stacks_peak_with_headroom(
    the_dags_pods: dict[str, dict[str, Any]],
) -> None:
    totals = kind_totals(the_dags_pods)
    for name, values in totals.items():
        print(f"{name:>18}: {values['cpu']:.2f} CPU, {values['memory'] / 2**30:.2f} GiB")
    figure = re.search(
        r"Docker.{0,40}? at least (\d+) GiB(?: of memory)? and (\d+) CPUs", (REPO / "README.md").read_text()
    )
    assert figure, "README's Quick start no longer states the Docker VM size"
    needed = totals["needed"]
    assert (int(figure[1]), int(figure[2])) == (
        math.ceil(needed["memory"] / 2**30),
        math.ceil(needed["cpu"]),
    )
