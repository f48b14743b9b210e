"""The throwaway PostgreSQL server the warehouse tests and `make demo` rely on."""

from __future__ import annotations

import socket

import pytest

from tests.devtools.postgres import PostgresUnavailable, running_postgres


def test_session_server_accepts_sql_in_its_own_database(postgres_server) -> None:
    postgres_server.create_database("server_smoke")
    out = postgres_server.psql(
        "CREATE TABLE t (x jsonb); INSERT INTO t VALUES ('[1, 2]'); SELECT jsonb_array_length(x) FROM t",
        database="server_smoke",
    )
    assert out.strip() == "2"
    assert int(postgres_server.version.split(".")[0]) >= 13


def test_stopping_removes_the_cluster_and_frees_the_port() -> None:
    try:
        with running_postgres() as pg:
            root, port = pg.root, pg.port
            assert pg.psql("SELECT 1").strip() == "1"
    except PostgresUnavailable as exc:
        pytest.skip(str(exc))
    assert not root.exists()
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port), timeout=2):
        pass
