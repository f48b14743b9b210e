"""`make ui`, `make logs`, `make down` and `make staging` check their preconditions before doing anything
and stop with the reason. The real make runs the real Makefile with a PATH that holds only the tools a
case gives it (stand-ins that answer like a machine without a cluster, and record being called)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO

MAKE = shutil.which("make")
KIND_CONTEXT = "kind-linkedin-pipeline"


@pytest.fixture
def bin_dir(tmp_path: Path) -> Path:
    """A PATH with grep and nothing else: no kind, kubectl or helm unless a test adds them."""
    if MAKE is None:
        pytest.skip("make is not installed")
    path = tmp_path / "bin"
    path.mkdir()
    (path / "grep").symlink_to(shutil.which("grep") or "/bin/grep")
    return path


def tool(bin_dir: Path, name: str, script: str) -> Path:
    """A stand-in that logs its arguments to <name>.calls, then runs `script` (sh)."""
    calls = bin_dir.parent / f"{name}.calls"
    path = bin_dir / name
    path.write_text(f'#!/bin/sh\necho "$*" >> {calls}\n{script}\n')
    path.chmod(0o755)
    return calls


def make(bin_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": str(bin_dir),
        "HOME": str(bin_dir.parent),
        "KUBECONFIG": str(bin_dir.parent / "kubeconfig"),
    }
    # TOOLS_BIN elsewhere: the repository's own .tools/bin must not supply the tools a case leaves out.
    return subprocess.run(
        [MAKE, "-s", "-C", str(REPO), f"TOOLS_BIN={bin_dir.parent / 'no-tools'}", *args],  # type: ignore[list-item]
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("target", ["ui", "logs"])
def test_without_kubectl_they_say_so(bin_dir: Path, target: str) -> None:
    result = make(bin_dir, target)
    assert result.returncode != 0
    assert "kubectl not found on PATH" in result.stderr


@pytest.mark.parametrize("target", ["ui", "logs"])
def test_without_the_kind_cluster_they_say_so(bin_dir: Path, target: str) -> None:
    calls = tool(bin_dir, "kubectl", 'case "$1" in config) echo some-other-context;; *) exit 1;; esac')
    result = make(bin_dir, target)
    assert result.returncode != 0
    assert f"no kube-context '{KIND_CONTEXT}'" in result.stderr and "make dev" in result.stderr
    assert calls.read_text().splitlines() == ["config get-contexts -o name"]


@pytest.mark.parametrize("target", ["ui", "logs"])
def test_with_the_cluster_down_they_say_so(bin_dir: Path, target: str) -> None:
    tool(bin_dir, "kubectl", f'case "$1" in config) echo {KIND_CONTEXT};; *) exit 1;; esac')
    result = make(bin_dir, target)
    assert result.returncode != 0
    assert "does not answer" in result.stderr and "Docker" in result.stderr


def test_down_without_kind_says_so(bin_dir: Path) -> None:
    result = make(bin_dir, "down")
    assert result.returncode != 0 and "kind not found on PATH" in result.stderr


def test_down_without_the_cluster_deletes_nothing(bin_dir: Path) -> None:
    calls = tool(bin_dir, "kind", 'case "$1" in get) echo another-cluster;; esac')
    result = make(bin_dir, "down")
    assert result.returncode != 0 and "no kind cluster named linkedin-pipeline" in result.stderr
    assert calls.read_text().splitlines() == ["get clusters"]


def test_staging_without_a_context_touches_no_helm_repository(bin_dir: Path) -> None:
    helm = tool(bin_dir, "helm", "exit 0")
    result = make(bin_dir, "staging")
    assert result.returncode != 0 and "set STAGING_CONTEXT" in result.stderr
    assert not helm.exists()


def test_staging_with_an_unknown_context_touches_no_helm_repository(bin_dir: Path) -> None:
    helm = tool(bin_dir, "helm", "exit 0")
    tool(bin_dir, "kubectl", 'case "$1" in config) echo kind-linkedin-pipeline;; *) exit 1;; esac')
    result = make(bin_dir, "staging", "STAGING_CONTEXT=prod-typo")
    assert result.returncode != 0 and "no kube-context 'prod-typo'" in result.stderr
    assert not helm.exists()


def test_staging_with_a_reachable_context_adds_the_repositories_first(bin_dir: Path) -> None:
    helm = tool(bin_dir, "helm", "exit 0")
    tool(bin_dir, "kubectl", 'case "$1" in config) echo staging;; *) exit 0;; esac')
    result = make(bin_dir, "staging", "STAGING_CONTEXT=staging")
    assert result.returncode == 0, result.stderr
    commands = helm.read_text().splitlines()
    assert commands[0].startswith("repo add") and commands[-1].startswith("upgrade --install airflow")
    assert all("--kube-context staging" in c for c in commands if c.startswith("upgrade"))


def test_the_recipes_are_valid_make(bin_dir: Path) -> None:
    result = subprocess.run(
        [MAKE, "-n", "-C", str(REPO), "ui", "logs", "down", "staging", "STAGING_CONTEXT=x"],  # type: ignore[list-item]
        env={**os.environ},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_ui_reuses_a_port_that_make_dev_already_forwards(bin_dir: Path) -> None:
    """Beside `make dev` (skaffold holds the ports) `make ui` forwards nothing twice and just says where."""
    calls = tool(bin_dir, "kubectl", f'case "$1" in config) echo {KIND_CONTEXT};; *) exit 0;; esac')
    with socket.create_server(("127.0.0.1", 0)) as held:
        port = held.getsockname()[1]
        result = make(bin_dir, "ui", f"UI_FORWARDS=Airflow,airflow,svc/airflow-api-server,{port}:8080")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"Airflow http://localhost:{port} (already forwarded)"
    assert not [c for c in calls.read_text().splitlines() if "port-forward" in c]
