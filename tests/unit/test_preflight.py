"""`make dev` preflight on this machine: a Docker CLI without an engine is a real case here."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from scraper.devtools.preflight import Report, check_inotify
from tests.conftest import REPO


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
        [sys.executable, "-m", "scraper.devtools.preflight", "--tools-dir", str(tmp_path / "bin")],
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


def test_missing_tools_are_listed_with_how_to_install(tmp_path: Path) -> None:
    docker = _fake_docker(tmp_path, 'echo "17179869184 8 28.2.2"')
    result = _preflight(tmp_path, docker)
    assert result.returncode == 2
    for tool in ("kind", "kubectl", "helm", "skaffold"):
        assert f"{tool} is missing: run `make tools`" in result.stderr
    assert "ok       docker: engine 28.2.2, 16.0 GiB, 8 CPUs" in result.stdout


def test_a_small_docker_vm_is_a_warning_not_a_failure(tmp_path: Path) -> None:
    docker = _fake_docker(tmp_path, 'echo "4294967296 2 28.2.2"')
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("kind", "kubectl", "helm", "skaffold"):
        _fake_docker(bin_dir, f'echo "{tool} v1.0.0"').rename(bin_dir / tool)
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
