"""`make dev` preflight: what must be true before kind and skaffold can work, checked before anything
is downloaded or built.

Checks only what `make` cannot install itself (the cluster tools come from `make tools`): fails (exit 2)
on a Python older than 3.11 or no reachable Docker engine; warns about a small Docker VM and low
inotify limits. Standard library only, so it runs before any virtualenv exists.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

# What the README asks of the Docker VM: three releases and their jobs on one kind node.
MIN_MEMORY_GIB = 18  # README: the stack's peak with headroom (tests/charts/test_releases_together.py)
MIN_CPUS = 4
# kind's known-issues page: below these, kubelet and pods fail with "too many open files".
INOTIFY_MIN = {"max_user_watches": 524288, "max_user_instances": 512}
MIN_PYTHON = (3, 11)


@dataclass
class Report:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    found: dict[str, str] = field(default_factory=dict)


def _run(cmd: list[str], timeout: float = 20) -> subprocess.CompletedProcess[str] | None:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None


def check_docker(report: Report, docker: str | None) -> None:
    if docker is None:
        report.errors.append(
            "docker is not installed: install Docker Desktop (macOS) or Docker Engine (Linux)"
        )
        return
    info = _run([docker, "info", "--format", "{{.MemTotal}} {{.NCPU}} {{.ServerVersion}}"])
    if info is None or info.returncode != 0:
        detail = (info.stderr.strip().splitlines() or ["no answer"])[-1] if info else "no answer"
        report.errors.append(
            f"the Docker engine is not reachable ({detail}): start Docker Desktop or "
            "`sudo systemctl start docker`, then run make dev again"
        )
        return
    try:
        memory, cpus, version = info.stdout.split()
        gib, ncpu = int(memory) / 2**30, int(cpus)
    except ValueError:
        report.warnings.append(f"could not read the Docker VM size from {info.stdout.strip()!r}")
        return
    report.found["docker"] = f"engine {version}, {gib:.1f} GiB, {ncpu} CPUs"
    if gib < MIN_MEMORY_GIB or ncpu < MIN_CPUS:
        report.warnings.append(
            f"the Docker VM has {gib:.1f} GiB and {ncpu} CPUs; the stack wants at least "
            f"{MIN_MEMORY_GIB} GiB and {MIN_CPUS} CPUs (Docker Desktop: Settings > Resources)"
        )


def check_python(report: Report, version: tuple[int, ...] = tuple(sys.version_info[:3])) -> None:
    found = ".".join(map(str, version))
    if version[:2] < MIN_PYTHON:
        report.errors.append(
            f"Python {found} is too old: the tools and tests need Python {'.'.join(map(str, MIN_PYTHON))}+ "
            "(set PYTHON=python3.11 or newer for make)"
        )
    else:
        report.found["python"] = found


def check_inotify(report: Report, proc: Path = Path("/proc/sys/fs/inotify")) -> None:
    if sys.platform != "linux" or not proc.exists():
        return
    for name, minimum in INOTIFY_MIN.items():
        try:
            value = int((proc / name).read_text())
        except (OSError, ValueError):
            continue
        if value < minimum:
            report.warnings.append(
                f"fs.inotify.{name} is {value} (kind wants >= {minimum}): "
                f"sudo sysctl fs.inotify.{name}={minimum}"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.devtools.preflight", description=__doc__.split("\n")[0]
    )
    parser.parse_args(argv)
    report = Report()
    check_python(report)
    check_docker(report, os.environ.get("DOCKER") or shutil.which("docker"))
    check_inotify(report)
    for name, detail in report.found.items():
        print(f"ok       {name}: {detail}")
    for warning in report.warnings:
        print(f"warning  {warning}", file=sys.stderr)
    for error in report.errors:
        print(f"missing  {error}", file=sys.stderr)
    if report.errors:
        print("preflight failed: fix the lines marked 'missing' above (exit 2)", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
