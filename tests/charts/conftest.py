"""Chart tests render with the real helm binary (installed by `make test` into .tools/bin)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO

CHART = REPO / "charts" / "pipeline"
HELM_VALUES = REPO / "helm-values"
SCENARIOS = Path(__file__).parent / "scenarios"
K8S_VERSION = "1.33"


def helm_binary() -> str:
    local = REPO / ".tools" / "bin" / "helm"
    found = str(local) if local.exists() else shutil.which("helm")
    if not found:
        pytest.skip("helm not installed: `make test` puts it into .tools/bin")
    return found


class RenderError(Exception):
    pass


def render_chart(
    values_files: list[Path] | None = None,
    values: dict[str, Any] | None = None,
    namespace: str = "pipeline",
    release: str = "pipeline",
) -> list[dict[str, Any]]:
    """`helm template` -> the rendered objects as dicts (RenderError carries helm's message)."""
    cmd = [
        helm_binary(),
        "template",
        release,
        str(CHART),
        "--namespace",
        namespace,
        "--kube-version",
        K8S_VERSION,
    ]
    for path in values_files or []:
        cmd += ["-f", str(path)]
    if values:
        cmd += ["-f", "-"]
    result = subprocess.run(
        cmd,
        input=yaml.safe_dump(values) if values else None,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "HELM_CACHE_HOME": "/tmp/helm-cache"},
    )
    if result.returncode != 0:
        raise RenderError(result.stderr)
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def values_file(name: str) -> Path:
    return HELM_VALUES / "pipeline" / f"{name}.yaml"


@pytest.fixture(scope="session", params=["kind", "staging"])
def rendered(request: pytest.FixtureRequest) -> tuple[str, list[dict[str, Any]]]:
    return request.param, render_chart([values_file(request.param)])


def pod_specs(objects: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """(kind/name, pod spec) of every workload in a render."""
    out = []
    for obj in objects:
        kind = obj["kind"]
        if kind in ("Deployment", "StatefulSet", "Job", "DaemonSet"):
            out.append((f"{kind}/{obj['metadata']['name']}", obj["spec"]["template"]["spec"]))
        elif kind == "Pod":
            out.append((f"Pod/{obj['metadata']['name']}", obj["spec"]))
    return out
