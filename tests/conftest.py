"""Shared fixtures and helpers. Paths to `../shared` are resolved once; tests that need it skip
with a clear reason when it is absent (a clone without the design workspace beside it)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("PIPELINE_SHARED_DIR", REPO.parent / "shared"))
SHARED_FIXTURES = SHARED / "fixtures" / "linkedin-html"
SHARED_REFERENCE = SHARED / "reference"
OWN_FIXTURES = REPO / "tests" / "fixtures"


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
