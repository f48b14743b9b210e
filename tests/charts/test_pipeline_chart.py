"""charts/pipeline rendered by real helm: lint, schema, Kubernetes validity, pod policy, labels."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

from tests.charts.conftest import (
    CHART,
    HELM_VALUES,
    K8S_VERSION,
    SCENARIOS,
    RenderError,
    helm_binary,
    merged_values,
    pod_specs,
    render_chart,
    render_release,
    values_file,
)

SCHEMA = json.loads((CHART / "values.schema.json").read_text())
RECOMMENDED = (
    "app.kubernetes.io/name",
    "app.kubernetes.io/instance",
    "app.kubernetes.io/managed-by",
    "app.kubernetes.io/part-of",
)


@pytest.mark.parametrize("env", ["kind", "staging"])
def test_helm_lint_strict(env: str) -> None:
    result = subprocess.run(
        [helm_binary(), "lint", "--strict", str(CHART), "-f", str(values_file(env))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "path",
    [
        CHART / "values.yaml",
        *sorted((HELM_VALUES / "pipeline").glob("*.yaml")),
        *sorted(SCENARIOS.glob("*.yaml")),
    ],
    ids=lambda p: p.name,
)
def test_every_values_file_matches_the_strict_schema(path: Path) -> None:
    """As helm checks it: the chart's defaults with the file merged over them."""
    defaults = yaml.safe_load((CHART / "values.yaml").read_text())
    jsonschema.validate(merged_values(defaults, yaml.safe_load(path.read_text()) or {}), SCHEMA)


def test_schema_is_strict_and_described() -> None:
    def walk(node: dict[str, Any], where: str) -> None:
        if node.get("type") == "object" and "properties" in node:
            assert node.get("additionalProperties") is False, where
            for key, child in node["properties"].items():
                assert child.get("description"), f"{where}.{key} has no description"
                walk(child, f"{where}.{key}")

    walk(SCHEMA, "values")


def test_every_value_has_a_comment_above_it() -> None:
    lines = (CHART / "values.yaml").read_text().splitlines()
    for number, line in enumerate(lines):
        if re.match(r"^\s*[A-Za-z][\w-]*:", line):
            previous = next(p for p in reversed(lines[:number]) if p.strip())
            is_list_parent = previous.strip().startswith("- ")
            assert previous.lstrip().startswith("#") or is_list_parent, f"line {number + 1}: {line.strip()}"


def test_schema_rejects_unknown_keys() -> None:
    with pytest.raises(RenderError, match="additional properties|Additional property"):
        render_chart([values_file("kind")], {"seaweedfs": {"replicas": 3}})


def test_every_object_is_valid_kubernetes(rendered: tuple[str, list[dict[str, Any]]]) -> None:
    env, objects = rendered
    assert objects
    for obj in objects:
        kubernetes_validate.validate(obj, K8S_VERSION, strict=True)


def test_every_object_has_the_recommended_labels(rendered: tuple[str, list[dict[str, Any]]]) -> None:
    _, objects = rendered
    for obj in objects:
        labels = obj["metadata"].get("labels", {})
        missing = [k for k in RECOMMENDED if k not in labels]
        assert not missing, f"{obj['kind']}/{obj['metadata']['name']} lacks {missing}"


def test_every_pod_is_locked_down(rendered: tuple[str, list[dict[str, Any]]]) -> None:
    env, objects = rendered
    for name, spec in pod_specs(objects):
        pod_ctx = spec.get("securityContext", {})
        assert pod_ctx.get("runAsNonRoot") is True and pod_ctx.get("runAsUser", 0) > 0, name
        assert pod_ctx.get("seccompProfile", {}).get("type") == "RuntimeDefault", name
        for container in spec.get("initContainers", []) + spec["containers"]:
            ctx = container.get("securityContext", {})
            where = f"{env} {name}/{container['name']}"
            assert ctx.get("readOnlyRootFilesystem") is True, where
            assert ctx.get("allowPrivilegeEscalation") is False, where
            assert ctx.get("capabilities", {}).get("drop") == ["ALL"], where
            resources = container.get("resources", {})
            assert {"cpu", "memory"} <= set(resources.get("requests", {})), where
            assert {"cpu", "memory"} <= set(resources.get("limits", {})), where
            image = container["image"]
            assert ":" in image.rsplit("/", 1)[-1] and not image.endswith(":latest"), where


def test_long_running_containers_have_probes(rendered: tuple[str, list[dict[str, Any]]]) -> None:
    _, objects = rendered
    for obj in objects:
        if obj["kind"] in ("Deployment", "StatefulSet"):
            for container in obj["spec"]["template"]["spec"]["containers"]:
                assert "readinessProbe" in container and "livenessProbe" in container, obj["metadata"]["name"]


def test_staging_render_holds_no_secret_value() -> None:
    objects = render_release("pipeline", "staging")
    assert not [o for o in objects if o["kind"] == "Secret"]
    kind_values = yaml.safe_load(values_file("kind").read_text())
    secrets = [
        kind_values["s3"]["secretAccessKey"],
        kind_values["warehouse"]["password"],
        *(credentials["password"] for credentials in kind_values["linkedin"]["credentials"].values()),
    ]
    text = yaml.safe_dump_all(objects)
    assert not [s for s in secrets if s in text]


def test_kind_render_wires_demo_site_and_seaweedfs() -> None:
    objects = render_release("pipeline", "kind")
    config = next(
        o for o in objects if o["kind"] == "ConfigMap" and o["metadata"]["name"] == "pipeline-config"
    )
    assert config["data"]["LINKEDIN_BASE_URL"] == "http://pipeline-demo-site.pipeline.svc.cluster.local:8080"
    assert config["data"]["S3_ENDPOINT_URL"] == "http://pipeline-seaweedfs.pipeline.svc.cluster.local:8333"
    assert config["data"]["AWS_REQUEST_CHECKSUM_CALCULATION"] == "when_required"
    profiles = next(o for o in objects if o["metadata"]["name"] == "pipeline-profiles")["data"][
        "profiles.txt"
    ]
    assert "alice-smith-00" in profiles.splitlines()


@pytest.mark.parametrize("archive", [True, False])
def test_the_page_archive_switch_reaches_the_scrape_pods_settings(archive: bool) -> None:
    from scraper.settings import scrape_env

    objects = render_chart([values_file("kind")], values={"scraper": {"archivePages": archive}})
    config = next(
        o for o in objects if o["kind"] == "ConfigMap" and o["metadata"]["name"] == "pipeline-config"
    )
    assert scrape_env(config["data"]).archive_pages is archive  # the pods take this ConfigMap as env


def test_rbac_lets_airflow_launch_pods_here_and_nothing_more() -> None:
    objects = render_release("pipeline", "kind")
    role = next(o for o in objects if o["kind"] == "Role")
    rules = {
        (tuple(r["resources"]), tuple(r.get("resourceNames", ())), tuple(sorted(r["verbs"])))
        for r in role["rules"]
    }
    assert rules == {
        (("pods",), (), ("create", "delete", "get", "list", "patch", "watch")),
        (("pods/log",), (), ("get",)),
        (("pods/exec",), (), ("create", "get")),
        (("events",), (), ("list", "watch")),
        (("configmaps",), ("pipeline-profiles",), ("get",)),
    }
    binding = next(o for o in objects if o["kind"] == "RoleBinding")
    assert {(s["name"], s["namespace"]) for s in binding["subjects"]} == {
        ("airflow-worker", "airflow"),
        ("airflow-triggerer", "airflow"),
    }


def _policies() -> dict[str, dict[str, Any]]:
    objects = render_release("pipeline", "kind")
    return {o["metadata"]["name"]: o["spec"] for o in objects if o["kind"] == "NetworkPolicy"}


def test_warehouse_admits_only_airbyte_and_airflow_workers() -> None:
    (rule,) = _policies()["pipeline-warehouse"]["ingress"]
    assert rule["ports"] == [{"protocol": "TCP", "port": 5432}]
    assert rule["from"] == [
        {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "airbyte"}}},
        {
            "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "airflow"}},
            "podSelector": {"matchLabels": {"component": "worker", "release": "airflow"}},
        },
    ]


def test_s3_admits_this_namespace_and_airbyte() -> None:
    s3_sources = [p["from"][0] for p in _policies()["pipeline-seaweedfs"]["ingress"]]
    assert {"podSelector": {}} in s3_sources


def _bucket_job() -> dict[str, Any]:
    objects = render_release("pipeline", "kind")
    return next(o for o in objects if o["kind"] == "Job" and o["metadata"]["name"].endswith("create-bucket"))


def test_bucket_job_uses_the_s3_api_with_the_uploaders_settings() -> None:
    job = _bucket_job()
    (container,) = job["spec"]["template"]["spec"]["containers"]
    assert container["image"] == "linkedin-pipeline/uploader:dev"
    assert {"configMapRef": {"name": "pipeline-config"}} in container["envFrom"]
    assert {"secretRef": {"name": "s3-credentials"}} in container["envFrom"]
    script = container["args"][0]
    assert "check_bucket(create=True, archive_expiry_days=" in script and "weed" not in script


def test_bucket_job_is_bounded() -> None:
    spec = _bucket_job()["spec"]
    wait = yaml.safe_load(values_file("kind").read_text()).get("seaweedfs", {}).get("bucketJob", {})
    wait_s = wait.get(
        "waitSeconds",
        yaml.safe_load((CHART / "values.yaml").read_text())["seaweedfs"]["bucketJob"]["waitSeconds"],
    )
    assert spec["template"]["spec"]["restartPolicy"] == "Never" and spec["backoffLimit"] <= 1
    assert wait_s < spec["activeDeadlineSeconds"] <= 20 * 60  # below skaffold's helm --timeout
    script = spec["template"]["spec"]["containers"][0]["args"][0]
    assert "exit 1" in script and "WAIT_SECONDS" in script


def test_bucket_job_fails_when_the_bucket_cannot_be_made(tmp_path: Path) -> None:
    """The job's own script, run here with python stubbed to fail: it gives up at the deadline, exit 1."""
    (container,) = _bucket_job()["spec"]["template"]["spec"]["containers"]
    fake = tmp_path / "python"
    fake.write_text(
        "#!/bin/sh\necho 'Traceback (most recent call last):' >&2\necho 'EndpointConnectionError: no route' >&2\nexit 1\n"
    )
    fake.chmod(0o755)
    env = {
        "PATH": f"{tmp_path}:/usr/bin:/bin",
        "WAIT_SECONDS": "0",
        "S3_BUCKET": "b",
        "S3_ENDPOINT_URL": "http://s3",
    }
    result = subprocess.run(
        ["sh", "-c", container["args"][0]], env=env, capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 1
    assert (
        result.stderr.strip()
        == "bucket b not created at http://s3 within 0 s: EndpointConnectionError: no route"
    )


def _scenarios(prefix: str) -> list[Path]:
    return sorted(SCENARIOS.glob(f"{prefix}-*.yaml"))


@pytest.mark.parametrize("path", _scenarios("fail"), ids=lambda p: p.stem)
def test_bad_value_combinations_fail_with_a_sentence(path: Path) -> None:
    expected = re.search(r"^# expect: (.+)$", path.read_text(), re.MULTILINE)
    assert expected, f"{path.name} needs a '# expect: <message>' line"
    with pytest.raises(RenderError, match=re.escape(expected[1])):
        render_chart([path])


@pytest.mark.parametrize("path", _scenarios("ok"), ids=lambda p: p.stem)
def test_good_scenarios_render(path: Path) -> None:
    assert render_chart([path])
