"""The Airflow image's Python install, resolved by the real pip resolver exactly as the Dockerfile runs it.

pip runs in a subprocess, offline, against the image's wheels that `make test` fetches into
.cache/airflow-image-wheels beforehand (tests reach loopback only); nothing is installed:
`--dry-run --ignore-installed --target` a scratch dir.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.charts.conftest import rendered_airflow_config
from tests.conftest import REPO

IMAGE_DIR = REPO / "images" / "airflow"
DOCKERFILE = IMAGE_DIR / "Dockerfile"
REQUIREMENTS = IMAGE_DIR / "requirements.txt"
LOCK = IMAGE_DIR / "constraints.lock"
IMAGE_PYTHON = "3.11.5"  # the Makefile's image wheels; constraints.lock says why not 3.11
WHEELS = REPO / ".cache" / "airflow-image-wheels"  # the Makefile's IMAGE_WHEELS
# Scheme of [logging] remote_base_log_folder -> the remote log IO Airflow's airflow_local_settings builds.
REMOTE_LOG_IO = {"s3": "airflow.providers.amazon.aws.log.s3_task_handler.S3RemoteLogIO"}


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = line.split("==")
            pins[re.sub(r"[-_.]+", "-", name).lower()] = version
    return pins


def _image_pip_install() -> list[str]:
    """The arguments of the Dockerfile's dependency install (the RUN that names the lock)."""
    runs = [
        line.removeprefix("RUN ") for line in DOCKERFILE.read_text().splitlines() if line.startswith("RUN ")
    ]
    (install,) = [r for r in runs if LOCK.name in r]
    argv = shlex.split(install)
    assert argv[:2] == ["pip", "install"], install
    return argv[2:]


def test_the_image_installs_from_the_lock_in_the_repository_only() -> None:
    args = _image_pip_install()
    files = [a for a in args if a.startswith("/")]
    assert [Path(f).name for f in files] == [REQUIREMENTS.name, LOCK.name]
    assert args[args.index(files[0]) - 1] == "-r" and args[args.index(files[1]) - 1] == "-c"
    assert "http" not in DOCKERFILE.read_text().split("FROM", 1)[1]
    copy = next(line for line in DOCKERFILE.read_text().splitlines() if LOCK.name in line and "COPY" in line)
    assert f"images/airflow/{REQUIREMENTS.name}" in copy and f"images/airflow/{LOCK.name}" in copy


@pytest.mark.slow
def test_pip_resolves_the_image_install_to_exactly_the_lock(tmp_path: Path) -> None:
    if not (WHEELS / ".fetched").exists():
        pytest.skip(f"no {WHEELS.relative_to(REPO)}: `make test` fetches the image's wheels there first")
    report = tmp_path / "report.json"
    cmd = [
        sys.executable, "-m", "pip", "install", "--quiet", "--dry-run", "--ignore-installed",
        "--no-index", "--find-links", str(WHEELS),
        "--only-binary=:all:", "--python-version", IMAGE_PYTHON, "--target", str(tmp_path / "target"),
        "--report", str(report), "-r", str(REQUIREMENTS), "-c", str(LOCK),
    ]  # fmt: skip
    result = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    resolved = {
        re.sub(r"[-_.]+", "-", item["metadata"]["name"]).lower(): item["metadata"]["version"]
        for item in json.loads(report.read_text())["install"]
    }
    lock = _pins(LOCK)
    assert {n: v for n, v in resolved.items() if lock.get(n) != v} == {}, "resolved outside the lock"
    assert sorted(set(lock) - set(resolved)) == [], "the lock pins packages the image does not install"
    requested = _pins(REQUIREMENTS)
    assert {n: resolved[n] for n in requested} == requested


@pytest.mark.parametrize("env", ["kind", "staging"])
def test_the_image_pins_the_providers_the_rendered_airflow_config_runs(
    env: str,
    airflow_env: None,
) -> None:
    """The chart's airflow.cfg runs every component with an executor and an auth manager that live in
    providers. The base image holds them at versions that need other versions of packages the lock
    moves, and pip leaves packages it was not asked for alone: so the image must pin them itself."""
    from airflow.executors.executor_loader import ExecutorLoader

    config = rendered_airflow_config(env)
    executor = config["core"]["executor"]
    classes = [config["core"]["auth_manager"], ExecutorLoader.executors.get(executor, executor)]
    if config.getboolean("logging", "remote_logging"):
        scheme = config["logging"]["remote_base_log_folder"].split("://", 1)[0]
        classes.append(REMOTE_LOG_IO[scheme])
    pinned = set(_pins(REQUIREMENTS))
    for path in classes:
        parts = path.split(".")
        if parts[:2] != ["airflow", "providers"]:
            continue  # Airflow's own: pinned as apache-airflow
        distributions = {"apache-airflow-providers-" + "-".join(parts[2:end]) for end in range(3, len(parts))}
        assert distributions & pinned, f"{path} comes from a provider {REQUIREMENTS.name} does not pin"
