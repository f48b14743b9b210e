"""The other charts' values, skaffold.yaml and kind-config.yaml against their upstream schemas, and the
names that the DAG, the chart, the values and skaffold must agree on."""

from __future__ import annotations

import json
import re
import tarfile
import uuid
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from scraper.orchestration import names
from scraper.orchestration.plan import ROTATION_KEY, parse_rotation, pod_work
from scraper.rotation import Plan
from tests.charts.conftest import HELM_VALUES, chart_path, render_release, values_file
from tests.conftest import REPO, SHARED_REFERENCE, require_shared


def _yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text())


@pytest.mark.parametrize("env", ["kind", "staging"])
def test_airflow_values_match_the_airflow_chart_schema(env: str) -> None:
    schema = json.loads(require_shared(SHARED_REFERENCE / "airflow-chart" / "values.schema.json").read_text())
    jsonschema.Draft7Validator(schema).validate(_yaml(HELM_VALUES / "airflow" / f"{env}.yaml"))


def _paths(node: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    if not isinstance(node, dict) or not node:
        return [prefix]
    return [p for key, value in node.items() for p in _paths(value, (*prefix, key))]


def _present(defaults: Any, path: tuple[str, ...]) -> bool:
    node = defaults
    for key in path:
        if isinstance(node, dict) and not node and key:  # a free-form map in the chart ({}): any key
            return True
        if not isinstance(node, dict) or key not in node:
            return False
        node = node[key]
    return True


def _airbyte_templates_text() -> str:
    """Every template of the packaged Airbyte chart, as one text (what the chart can read)."""
    with tarfile.open(chart_path("airbyte")) as tgz:
        return "\n".join(
            tgz.extractfile(m).read().decode()  # type: ignore[union-attr]
            for m in tgz.getmembers()
            if m.isfile() and "/templates/" in m.name
        )


@pytest.mark.parametrize("env", ["kind", "staging"])
def test_every_airbyte_value_is_read_by_the_airbyte_chart(env: str) -> None:
    """A key counts when values.yaml declares it or a template reads `.Values.<key>` (chart 2.2.0 reads
    global.auth.instanceAdmin.password/clientId/clientSecret and global.auth.secretName without
    declaring them)."""
    defaults = _yaml(require_shared(SHARED_REFERENCE / "airbyte-chart" / "values.yaml"))
    templates = _airbyte_templates_text()
    unknown = [
        ".".join(p)
        for p in _paths(_yaml(HELM_VALUES / "airbyte" / f"{env}.yaml"))
        if not _present(defaults, p) and f".Values.{'.'.join(p)}" not in templates
    ]
    assert unknown == []


def test_skaffold_yaml_matches_the_v4beta14_schema() -> None:
    schema = json.loads(require_shared(SHARED_REFERENCE / "skaffold" / "v4beta14.json").read_text())
    config = _yaml(REPO / "skaffold.yaml")
    jsonschema.Draft7Validator(schema).validate(config)
    assert config["apiVersion"] == "skaffold/v4beta14"


def test_kind_config_matches_the_kind_schema_which_rejects_kinds_invalid_fixtures() -> None:
    reference = require_shared(SHARED_REFERENCE / "kind")
    validator = jsonschema.Draft7Validator(
        json.loads((reference / "kind-cluster.schemastore.json").read_text())
    )
    config = _yaml(REPO / "kind-config.yaml")
    validator.validate(config)
    assert (
        len([n for n in config["nodes"] if n["role"] == "control-plane"]) == 1 and len(config["nodes"]) == 1
    )
    assert re.fullmatch(r"kindest/node:v\d+\.\d+\.\d+@sha256:[0-9a-f]{64}", config["nodes"][0]["image"])
    for bad in ("v1alpha4_invalid-bogus-field.yaml", "invalid-kind.yaml", "invalid-apiversion.yaml"):
        assert not validator.is_valid(_yaml(reference / "testdata-v0.32.0" / bad)), bad


def _tools_toml() -> Path:
    """The pins of the cluster tools `make tools` installs (its home moves with the installer)."""
    (path,) = [
        p for p in (REPO / "tests" / "devtools", REPO / "scraper" / "devtools") if (p / "tools.toml").exists()
    ]
    return path / "tools.toml"


def test_kind_node_image_is_the_one_the_installed_kind_release_lists() -> None:
    digests = require_shared(SHARED_REFERENCE / "tool-digests.md").read_text()
    kind_version = re.search(r'\[tools\.kind\]\s*version = "(v[\d.]+)"', _tools_toml().read_text())
    assert kind_version, "tools.toml pins no kind version"
    listed = re.search(rf"kind {re.escape(kind_version[1])}'s default node image is `([^`]+)`", digests)
    assert listed, f"tool-digests.md lists no node image for kind {kind_version[1]}"
    assert _yaml(REPO / "kind-config.yaml")["nodes"][0]["image"] == listed[1]


def _release(config: dict[str, Any], name: str) -> dict[str, Any]:
    return next(r for r in config["deploy"]["helm"]["releases"] if r["name"] == name)


def test_skaffold_releases_are_ordered_pinned_and_wired() -> None:
    config = _yaml(REPO / "skaffold.yaml")
    airflow, airbyte, pipeline = (_release(config, n) for n in ("airflow", "airbyte", "pipeline"))
    assert (airflow["version"], airbyte["version"]) == ("1.21.0", "2.2.0")
    # skaffold's default is false for a remote chart: its values edits and a failed install never reach helm.
    assert [r["name"] for r in (airflow, airbyte, pipeline) if r.get("upgradeOnChange") is not True] == []
    assert airflow["dependsOn"] == airbyte["dependsOn"] == ["pipeline"]
    assert {r["namespace"] for r in (airflow, airbyte, pipeline)} == {"airflow", "airbyte", "pipeline"}
    assert pipeline["chartPath"] == "charts/pipeline"
    images = {a["image"] for a in config["build"]["artifacts"]}
    assert images == {"linkedin-pipeline/airflow", "linkedin-pipeline/scraper", "linkedin-pipeline/uploader"}
    assert (
        pipeline["setValueTemplates"]["images.uploader.repository"]
        == "{{.IMAGE_REPO_linkedin_pipeline_uploader}}"
    )
    templates = airflow["setValueTemplates"]
    assert templates["images.airflow.repository"] == "{{.IMAGE_REPO_linkedin_pipeline_airflow}}"
    env = _yaml(HELM_VALUES / "airflow" / "kind.yaml")["env"]
    assert [e["name"] for e in env] == ["AIRFLOW_VAR_SCRAPER_IMAGE", "AIRFLOW_VAR_UPLOADER_IMAGE"]
    assert templates["env[0].value"].endswith("scraper}}") and templates["env[1].value"].endswith(
        "uploader}}"
    )
    sync = config["build"]["artifacts"][0]["sync"]["manual"]
    assert sync == [{"src": "dags/**/*.py", "dest": "/opt/airflow"}]
    forwards = {(p["resourceName"], p["port"], p["localPort"]) for p in config["portForward"]}
    assert {("airflow-api-server", 8080, 8080), ("airbyte-airbyte-server-svc", 8001, 8000)} <= forwards


def test_dag_var_names_match_the_airflow_env() -> None:
    env = {e["name"] for e in _yaml(HELM_VALUES / "airflow" / "kind.yaml")["env"]}
    assert {
        f"AIRFLOW_VAR_{names.SCRAPER_IMAGE_VAR.upper()}",
        f"AIRFLOW_VAR_{names.UPLOADER_IMAGE_VAR.upper()}",
    } == env


def test_chart_creates_what_the_dag_uses() -> None:
    objects = render_release("pipeline", "kind")
    by_kind: dict[str, set[str]] = {}
    for obj in objects:
        by_kind.setdefault(obj["kind"], set()).add(obj["metadata"]["name"])
    assert names.SCRAPER_SERVICE_ACCOUNT in by_kind["ServiceAccount"]
    assert names.DATA_PVC in by_kind["PersistentVolumeClaim"]
    assert {names.PROFILES_CONFIGMAP, names.PIPELINE_CONFIGMAP} <= by_kind["ConfigMap"]
    assert names.S3_SECRET in by_kind["Secret"]
    # Every account's Secret, as the DAG's plan reads the rendered rotation.json.
    profiles = next(o for o in objects if o["metadata"]["name"] == names.PROFILES_CONFIGMAP)
    rotation = parse_rotation(profiles["data"][ROTATION_KEY])
    work = pod_work(rotation, Plan({a.name: ["x"] for a in rotation.accounts}, 1, 0, 1, 1, 0), "run")
    assert {w["secret"] for w in work} <= by_kind["Secret"] and len(work) == len(rotation.accounts) >= 1
    assert all(o["metadata"].get("namespace") in (names.PIPELINE_NAMESPACE, "airbyte", None) for o in objects)


def test_an_account_without_a_secret_name_gets_the_one_the_dag_expects() -> None:
    kind_accounts = _yaml(values_file("kind"))["scraper"]["accounts"]
    assert not any(a.get("secretName") for a in kind_accounts)
    secrets = {o["metadata"]["name"] for o in render_release("pipeline", "kind") if o["kind"] == "Secret"}
    assert {names.linkedin_secret(a["name"]) for a in kind_accounts} <= secrets


def _connections(env: str) -> dict[str, dict[str, Any]]:
    raw = _yaml(HELM_VALUES / "airflow" / f"{env}.yaml")["extraSecrets"]["airflow-connections"]["stringData"]
    return {k.removeprefix("AIRFLOW_CONN_").lower(): json.loads(v) for k, v in yaml.safe_load(raw).items()}


def test_kind_connections_point_at_the_pipeline_services_with_the_same_credentials() -> None:
    pipeline = _yaml(values_file("kind"))
    conns = _connections("kind")
    assert set(conns) == {names.AIRBYTE_CONN_ID, names.S3_CONN_ID, names.WAREHOUSE_CONN_ID}
    airbyte = conns[names.AIRBYTE_CONN_ID]
    assert (
        airbyte["host"] == "http://airbyte-airbyte-server-svc.airbyte.svc.cluster.local:8001/api/public/v1/"
    )
    assert airbyte["schema"] == "/api/public/v1/applications/token"
    assert not airbyte.get("login") and not airbyte.get("password")  # Airbyte's auth is off on kind
    s3 = conns[names.S3_CONN_ID]
    assert (s3["login"], s3["password"]) == (pipeline["s3"]["accessKeyId"], pipeline["s3"]["secretAccessKey"])
    objects = render_release("pipeline", "kind")
    config = next(o for o in objects if o["metadata"]["name"] == names.PIPELINE_CONFIGMAP)["data"]
    assert (
        s3["extra"]["endpoint_url"] == config["S3_ENDPOINT_URL"]
        and s3["extra"]["bucket"] == config["S3_BUCKET"]
    )
    services = {o["metadata"]["name"] for o in objects if o["kind"] == "Service"}
    warehouse = conns[names.WAREHOUSE_CONN_ID]
    assert warehouse["host"].split(".")[0] in services
    assert warehouse["password"] == pipeline["warehouse"]["password"]


def test_kind_airbyte_client_pair_is_shaped_like_airbytes_own() -> None:
    """The bootloader generates a UUID client id and a 32-character random secret when none is given."""
    admin = _yaml(HELM_VALUES / "airbyte" / "kind.yaml")["global"]["auth"]["instanceAdmin"]
    assert str(uuid.UUID(admin["clientId"])) == admin["clientId"]
    assert len(admin["clientSecret"]) >= 32 and len(admin["password"]) >= 32


def test_airbyte_auth_never_renames_every_secret_of_the_chart() -> None:
    """global.secretName is the fallback name of every Secret reference in chart 2.2.0, not an auth key;
    staging names only the bootstrap Secret, through global.auth.secretName."""
    for env in ("kind", "staging"):
        values = _yaml(HELM_VALUES / "airbyte" / f"{env}.yaml")["global"]
        assert "secretName" not in values, env
        assert not {"passwordSecretKey", "emailSecretKey"} & set(values["auth"]["instanceAdmin"]), env
    assert _yaml(HELM_VALUES / "airbyte" / "staging.yaml")["global"]["auth"]["secretName"]


def test_staging_values_hold_no_credentials() -> None:
    text = "\n".join(p.read_text() for p in HELM_VALUES.glob("*/staging.yaml")).lower()
    assert not re.search(
        r"(?<![a-z])(password|secretaccesskey|li_?at|clientsecret)\s*:\s*['\"]?[a-z0-9]", text
    )
    assert "extrasecrets" not in text
    kind_airflow = _yaml(HELM_VALUES / "airflow" / "kind.yaml")
    assert kind_airflow["apiSecretKey"] and kind_airflow["jwtSecret"]  # static on kind: no rotation
    staging_airflow = _yaml(HELM_VALUES / "airflow" / "staging.yaml")
    assert staging_airflow["apiSecretKeySecretName"] and staging_airflow["jwtSecretName"]


def test_readme_commands_are_make_targets() -> None:
    makefile = (REPO / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z][a-z-]*):", makefile, re.MULTILINE))
    command = re.compile(r"(?:^|`)make ([a-z][a-z-]*)", re.MULTILINE)  # in code blocks and code spans
    named = set(command.findall((REPO / "README.md").read_text()))
    for doc in (REPO / "docs").glob("*.md"):
        named |= set(command.findall(doc.read_text()))
    assert named and named <= targets, named - targets
