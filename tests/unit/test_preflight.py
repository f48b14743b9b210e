"""`make dev` preflight on this machine: a Docker CLI without an engine is a real case here."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.devtools.preflight import Report, check_inotify, check_python


def _fake_docker(tmp_path: Path, script: str) -> Path:
    path = tmp_path / "docker"
    path.write_text(f"#!/bin/sh\nPATH=/usr/bin:/bin\n{script}\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


def _preflight(tmp_path: Path, docker: Path | None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": str(tmp_path)}  # only the fakes: no real tool can be found
    if docker is not None:
        env["DOCKER"] = str(docker)
    return subprocess.run(
        [sys.executable, "-m", "tests.devtools.preflight"],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        check=False,
    )


def test_no_docker_engine_exits_2_with_what_to_do(tmp_path: Path) -> None:
    docker = _fake_docker(
        tmp_path, 'echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock." >&2; exit 1'
    )
    result = _preflight(tmp_path, docker)
    assert result.returncode == 2
    assert "the Docker engine is not reachable (Cannot connect to the Docker daemon" in result.stderr
    assert "start Docker Desktop" in result.stderr


def test_a_small_docker_vm_is_a_warning_not_a_failure(tmp_path: Path) -> None:
    docker = _fake_docker(tmp_path, 'echo "4294967296 2 28.2.2"')
    result = _preflight(tmp_path, docker)
    assert result.returncode == 0, result.stderr
    assert "the Docker VM has 4.0 GiB and 2 CPUs" in result.stderr


def test_low_inotify_limits_give_the_sysctl_to_run(tmp_path: Path) -> None:
    (tmp_path / "max_user_watches").write_text("8192\n")
    (tmp_path / "max_user_instances").write_text("1024\n")
    report = Report()
    check_inotify(report, tmp_path)
    if sys.platform == "linux":
        assert report.warnings == [
            "fs.inotify.max_user_watches is 8192 (kind wants >= 524288): "
            "sudo sysctl fs.inotify.max_user_watches=524288"
        ]


def test_an_old_python_is_refused_with_the_version_needed() -> None:
    report = Report()
    check_python(report, (3, 10, 12))
    assert report.errors == [
        "Python 3.10.12 is too old: the tools and tests need Python 3.11+ "
        "(set PYTHON=python3.11 or newer for make)"
    ]
    check_python(ok := Report(), (3, 11, 0))
    assert ok.errors == [] and ok.found == {"python": "3.11.0"}


def test_make_dev_without_a_docker_engine_stops_before_installing_anything(tmp_path: Path) -> None:
    """This machine has a Docker CLI and no engine: `make dev` ends at the preflight, with the message,
    before any tool download, virtualenv or cluster step."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    tools_bin = tmp_path / "tools-bin"
    env = {k: v for k, v in os.environ.items() if k != "DOCKER"}
    if shutil.which("docker") is None:  # no Docker CLI either: the same stop, another sentence
        env["DOCKER"] = str(_fake_docker(tmp_path, "echo 'Cannot connect to the Docker daemon' >&2; exit 1"))
    result = subprocess.run(
        ["make", "--no-print-directory", "dev", f"PYTHON={sys.executable}", f"TOOLS_BIN={tools_bin}"],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "the Docker engine is not reachable" in result.stderr or "docker is not installed" in result.stderr
    assert "preflight failed" in result.stderr
    assert "tests.devtools.tools install" not in result.stdout and not tools_bin.exists()
    assert "kind create cluster" not in result.stdout + result.stderr
