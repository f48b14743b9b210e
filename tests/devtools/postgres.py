"""A throwaway PostgreSQL server for tests and `make demo`.

It runs the PostgreSQL server binaries already on the machine: Debian/Ubuntu's `postgresql` package
(`/usr/lib/postgresql/<major>/bin`, installed by `make system-deps`), or whatever `initdb` is on PATH
(Homebrew's `postgresql@15` on macOS, Postgres.app). A pip-installed server was considered and not
chosen: the distribution packages are what the warehouse's operators run, they need no download per
clone, and a missing server is reported in one sentence naming the package to install.

The server lives in a fresh temporary directory, listens on 127.0.0.1 only, on a free port, with trust
authentication for one superuser; it never touches the machine's own clusters. `initdb` and `postgres`
refuse to run as root, so when we are root they run as the unprivileged `postgres` user (which the
Debian package creates).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

SUPERUSER = "pipeline"
DATABASE = "postgres"
_START_TIMEOUT_S = 30.0
_UNPRIVILEGED_USER = "postgres"


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server binaries here, or the server would not start; the message says why."""


def find_server_bindir() -> Path:
    """The directory holding `initdb` and `postgres`: $PIPELINE_PG_BINDIR, then Debian's newest
    packaged major version, then PATH."""
    candidates: list[Path] = []
    if env := os.environ.get("PIPELINE_PG_BINDIR"):
        candidates.append(Path(env))
    debian = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    candidates.extend(debian)
    if on_path := shutil.which("initdb"):
        candidates.append(Path(on_path).resolve().parent)
    for bindir in candidates:
        if (bindir / "initdb").is_file() and (bindir / "postgres").is_file():
            return bindir
    raise PostgresUnavailable(
        "no PostgreSQL server binaries (initdb, postgres) found: install Debian's `postgresql` package "
        "(make system-deps), `brew install postgresql@15` on macOS, or set PIPELINE_PG_BINDIR"
    )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run_as() -> str | None:
    """The user to run the server as: none (ourselves) unless we are root."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(_UNPRIVILEGED_USER)
    except KeyError:
        raise PostgresUnavailable(
            f"running as root and there is no `{_UNPRIVILEGED_USER}` user to run the server as "
            "(initdb refuses root): create one, or run as an ordinary user"
        ) from None
    return _UNPRIVILEGED_USER


@dataclass
class PostgresServer:
    """A running throwaway server. `dsn` connects as the superuser to the `postgres` database."""

    bindir: Path
    root: Path
    port: int
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    host: str = "127.0.0.1"
    user: str = SUPERUSER

    @property
    def dsn(self) -> str:
        return self.dsn_for(DATABASE)

    def dsn_for(self, database: str) -> str:
        return f"postgresql://{self.user}@{self.host}:{self.port}/{database}"

    @property
    def version(self) -> str:
        out = subprocess.run([self.bindir / "postgres", "--version"], capture_output=True, text=True)
        match = re.search(r"(\d+(?:\.\d+)?)", out.stdout)
        return match.group(1) if match else out.stdout.strip()

    def create_database(self, name: str) -> str:
        """Create database `name` (dropping an earlier one of that name) and return its DSN."""
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
            raise ValueError(f"database name {name!r}: use lower-case letters, digits and _")
        for sql in (f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}"):
            self.psql(sql)
        return self.dsn_for(name)

    def psql(self, sql: str, database: str = DATABASE) -> str:
        """Run `sql` with the server's own psql client; return its unaligned output."""
        done = subprocess.run(
            [self.bindir / "psql", "-X", "-qAt", "-v", "ON_ERROR_STOP=1", "-c", sql, self.dsn_for(database)],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise RuntimeError(f"psql failed: {done.stderr.strip()}")
        return done.stdout

    def stop(self) -> None:
        """Fast shutdown (SIGINT: roll back open transactions), then remove the data directory."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        shutil.rmtree(self.root, ignore_errors=True)


def start_postgres(bindir: Path | None = None) -> PostgresServer:
    """initdb a fresh cluster in a temp dir and start it on a free loopback port; wait until it
    accepts connections. Raises PostgresUnavailable with the server's own words when it cannot."""
    bindir = bindir or find_server_bindir()
    user = _run_as()
    root = Path(tempfile.mkdtemp(prefix="pipeline-pg-"))
    data, sockets = root / "data", root / "sockets"
    sockets.mkdir()
    if user:
        for path in (root, sockets):
            shutil.chown(path, user)
    server = PostgresServer(bindir=bindir, root=root, port=_free_port())
    try:
        _initdb(bindir, data, user, root)
        server.process = _launch(server, data, sockets, user)
        _wait_ready(server)
    except BaseException:
        server.stop()
        raise
    return server


def _initdb(bindir: Path, data: Path, user: str | None, cwd: Path) -> None:
    done = subprocess.run(
        [
            bindir / "initdb",
            "--pgdata",
            data,
            "--username",
            SUPERUSER,
            "--auth",
            "trust",
            "--encoding",
            "UTF8",
            "--locale",
            "C",
            "--no-sync",
        ],
        user=user,
        cwd=cwd,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise PostgresUnavailable(f"initdb failed: {done.stderr.strip() or done.stdout.strip()}")


def _launch(server: PostgresServer, data: Path, sockets: Path, user: str | None) -> subprocess.Popen[bytes]:
    # Durability is pointless for a throwaway cluster; turning it off makes tests several times faster.
    settings = {
        "listen_addresses": server.host,
        "port": str(server.port),
        "unix_socket_directories": str(sockets),
        "fsync": "off",
        "synchronous_commit": "off",
        "full_page_writes": "off",
        "max_connections": "50",
    }
    args: list[str | Path] = [server.bindir / "postgres", "-D", data]
    for name, value in settings.items():
        args += ["-c", f"{name}={value}"]
    log = open(server.root / "server.log", "wb")  # noqa: SIM115 - handed to the child, closed on exit
    try:
        return subprocess.Popen(args, user=user, cwd=server.root, stdout=log, stderr=subprocess.STDOUT)
    finally:
        log.close()


def _wait_ready(server: PostgresServer) -> None:
    deadline = time.monotonic() + _START_TIMEOUT_S
    while time.monotonic() < deadline:
        assert server.process is not None
        if server.process.poll() is not None:
            raise PostgresUnavailable(f"postgres exited on start: {_log_tail(server)}")
        ready = subprocess.run(
            [server.bindir / "pg_isready", "-q", "-h", server.host, "-p", str(server.port)],
            capture_output=True,
        )
        if ready.returncode == 0:
            return
        time.sleep(0.1)
    raise PostgresUnavailable(
        f"postgres did not accept connections in {_START_TIMEOUT_S:.0f} s: {_log_tail(server)}"
    )


def _log_tail(server: PostgresServer) -> str:
    try:
        lines = (server.root / "server.log").read_text(errors="replace").strip().splitlines()
    except OSError:
        return "(no server log)"
    return " | ".join(lines[-3:])


@contextlib.contextmanager
def running_postgres(bindir: Path | None = None) -> Iterator[PostgresServer]:
    """`with running_postgres() as pg:` — a server for the block, stopped and deleted after it."""
    server = start_postgres(bindir)
    try:
        yield server
    finally:
        server.stop()
