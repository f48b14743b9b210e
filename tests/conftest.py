"""Shared fixtures and helpers. Paths to `../shared` are resolved once; tests that need it skip
with a clear reason when it is absent (a clone without the design workspace beside it)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("PIPELINE_SHARED_DIR", REPO.parent / "shared"))
SHARED_FIXTURES = SHARED / "fixtures" / "linkedin-html"
SHARED_REFERENCE = SHARED / "reference"
OWN_FIXTURES = REPO / "tests" / "fixtures"
# The Kubernetes of the kind node (kind-config.yaml): chart renders and pod specs are validated for it.
K8S_VERSION = ".".join(
    re.search(r"kindest/node:v(\d+)\.(\d+)\.", (REPO / "kind-config.yaml").read_text()).groups()  # type: ignore[union-attr]
)


# Issue 25's sections. Written while the parser did not read them yet: some ground-truth comparisons
# leave them out, and a test beside each compares them too (the parser now reads them in every layout).
NOT_YET_PARSED = ("certifications", "languages", "projects", "volunteering", "honors")


def without_sections(record: dict[str, Any], sections: tuple[str, ...] = NOT_YET_PARSED) -> dict[str, Any]:
    """`record` without `sections`' lists and their `section_totals`/`truncated` entries."""
    per_section = ("section_totals", "truncated")
    return {
        k: {s: x for s, x in v.items() if s not in sections} if k in per_section else v
        for k, v in record.items()
        if k not in sections
    }


def require_shared(path: Path) -> Path:
    """Skip the calling test unless `path` (inside ../shared) exists."""
    if not path.exists():
        pytest.skip(f"{path} not present: the shared design workspace is not beside this clone")
    return path


@pytest.fixture
def shared_reference() -> Path:
    return require_shared(SHARED_REFERENCE)


_LOOPBACK = ("127.", "::1", "localhost")


@pytest.fixture(autouse=True, scope="session")
def _loopback_only() -> None:
    """Tests talk to loopback only: any in-process connection to another host fails loudly.

    (Subprocesses are pointed at 127.0.0.1 explicitly: the demo site, moto, the Airbyte stand-in.)
    """
    import socket

    original = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> None:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            host = str(address[0]) if isinstance(address, tuple) else str(address)
            if not host.startswith(_LOOPBACK):
                raise OSError(f"test tried to reach {host}: tests may only use loopback addresses")
        return original(self, address)

    socket.socket.connect = guarded  # type: ignore[method-assign]


@pytest.fixture(scope="session")
def postgres_server():
    """A real PostgreSQL server for the session (tests/devtools/postgres.py), stopped at the end.

    Tests create their own database on it (`postgres_server.create_database(name)`), so they stay
    independent. Skips with the reason when this machine has no PostgreSQL server binaries.
    """
    from tests.devtools.postgres import PostgresUnavailable, start_postgres

    try:
        server = start_postgres()
    except PostgresUnavailable as exc:
        pytest.skip(f"no PostgreSQL for this test: {exc}")
    yield server
    server.stop()


# ---------------------------------------------------------------------------- small HTTP servers


@contextmanager
def loopback_http_server(handler: Callable[..., BaseHTTPRequestHandler]) -> Iterator[str]:
    """`handler` served on 127.0.0.1 at a free port from a thread; yields the base URL, closes it after."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


# ---------------------------------------------------------------------------- the CLI as a user runs it

# Settings a developer's shell may hold that would change what a CLI test exercises.
_CLI_ENV_PREFIXES = ("LINKEDIN_", "SCRAPER_", "AWS_", "S3_", "AIRBYTE_", "WAREHOUSE_", "RUN_ID", "DEMO_")


def run_cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 60, pythonpath: list[Path] | None = None
) -> subprocess.CompletedProcess[str]:
    """`python -m scraper ARGS` in a subprocess, from the repo, with a clean scraper environment plus
    `env`; `pythonpath` entries go before the repo (to shadow a module, say)."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(_CLI_ENV_PREFIXES)}
    full_env["PYTHONPATH"] = os.pathsep.join(str(p) for p in [*(pythonpath or []), REPO])
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "scraper", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=full_env,
        timeout=timeout,
        check=False,
    )


def assert_one_line_error(
    result: subprocess.CompletedProcess[str], exit_code: int, *fragments: str, logs_allowed: bool = False
) -> str:
    """The CLI failed the way a user should see it: `exit_code`, no traceback anywhere, and exactly one
    line on stderr (besides JSON log lines when `logs_allowed`) holding every fragment. Returns it."""
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert result.returncode == exit_code, f"exit {result.returncode}, wanted {exit_code}:\n{output}"
    lines = result.stderr.splitlines()
    if logs_allowed:
        lines = [line for line in lines if not line.startswith("{")]
    assert len(lines) == 1, f"wanted one line on stderr, got {len(lines)}:\n{result.stderr}"
    for fragment in fragments:
        assert fragment in lines[0], f"{fragment!r} not in {lines[0]!r}"
    return lines[0]


# ---------------------------------------------------------------------------- real Airflow, once a session

# Real Airflow (the version the image runs) imports the DAG. It needs only AIRFLOW_HOME (no database):
# the DagBag parses files. Here, not in tests/dags, so that the chart tests running the DAG's tasks share
# the one session instead of each parsing the DAG again.
SCRAPER_IMAGE = "registry.example.test/linkedin/scraper:1a2b3c"
UPLOADER_IMAGE = "registry.example.test/linkedin/uploader:1a2b3c"


@pytest.fixture(scope="session")
def airflow_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    from tests.devtools.warehouse import PROJECT, dbt_executable, parse_manifest

    home = tmp_path_factory.mktemp("airflow-home")
    saved = dict(os.environ)
    os.environ.update(
        AIRFLOW_HOME=str(home),
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
        AIRFLOW__CORE__UNIT_TEST_MODE="True",
        AIRFLOW_VAR_SCRAPER_IMAGE=SCRAPER_IMAGE,
        AIRFLOW_VAR_UPLOADER_IMAGE=UPLOADER_IMAGE,
        # The warehouse's dbt as the image holds it: the project, its own venv's dbt, the manifest the
        # image's build makes with `dbt parse` (the DAG renders its tasks from it).
        PIPELINE_DBT_PROJECT=str(PROJECT),
        PIPELINE_DBT=str(dbt_executable()),
        PIPELINE_DBT_MANIFEST=str(parse_manifest(tmp_path_factory.mktemp("dbt-target"))),
    )
    yield
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture(scope="session")
def dagbag(airflow_env: None) -> Any:
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(REPO / "dags"))  # examples: off by AIRFLOW__CORE__LOAD_EXAMPLES


@pytest.fixture(scope="session")
def dag(dagbag: Any) -> Any:
    return dagbag.dags["linkedin_profiles"]


# ---------------------------------------------------------------------------- a real, small filesystem


@pytest.fixture
def small_tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A real 256 KiB tmpfs, to fill up (disk full is its ENOSPC, from the kernel). Needs root (or
    CAP_SYS_ADMIN): skipped with the reason elsewhere."""
    mount_point = tmp_path / "small-fs"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k,mode=0755", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "--lazy", str(mount_point)], check=False)


def fill_up(directory: Path) -> Path:
    """Write a file in `directory` until its filesystem is full; the file, to delete to make room."""
    filler = directory / "filler"
    with open(filler, "wb", buffering=0) as fh:
        while True:
            try:
                fh.write(b"x" * 4096)
            except OSError:
                break
        while True:  # the last, partly free page
            try:
                fh.write(b"x")
            except OSError:
                break
    return filler
