"""`make warehouse-docs`: dbt's documentation of the warehouse project (every model, column, test and
the lineage from Airbyte's table), generated against a throwaway local PostgreSQL where the project was
built from a few synthetic records (dbt's catalog reads the built tables' columns and types), written to
out/warehouse-docs/ and, with --serve, served on 127.0.0.1 until Ctrl-C."""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
from pathlib import Path

from tests.devtools.airbyte_load import load_records
from tests.devtools.postgres import PostgresUnavailable, start_postgres
from tests.devtools.records import synthetic_records
from tests.devtools.warehouse import warehouse_on


def generate(out: Path) -> int:
    import psycopg2

    try:
        server = start_postgres()
    except PostgresUnavailable as exc:
        print(f"make warehouse-docs needs a local PostgreSQL server: {exc}")
        return 1
    try:
        conn = psycopg2.connect(server.create_database("warehouse"))
        records = [r.to_dict() for r in synthetic_records(30, "docs", "2026-11-25T06:00:00Z")]
        load_records(conn, records, file_key="linkedin/profiles/docs/profiles.jsonl")
        conn.close()
        dbt = warehouse_on(server, "warehouse")
        try:
            dbt.build()
        except RuntimeError as exc:
            print(f"the warehouse's dbt build failed: {exc}")
            return 1
        done = dbt.dbt("docs", "generate", "--static", target_dir=out)
        if done.returncode != 0:
            print(f"dbt docs generate failed:\n{done.output[-3000:]}")
            return 1
    finally:
        server.stop()
    print(f"dbt docs of warehouse/: {out / 'static_index.html'} (one self-contained page)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("out/warehouse-docs"))
    parser.add_argument("--serve", action="store_true", help="serve the page on 127.0.0.1 until Ctrl-C")
    parser.add_argument("--port", type=int, default=8081)
    args = parser.parse_args(argv)
    code = generate(args.out.resolve())
    if code or not args.serve:
        return code
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(args.out.resolve()))
    with http.server.ThreadingHTTPServer(("127.0.0.1", args.port), handler) as httpd:
        print(f"serving http://127.0.0.1:{args.port}/static_index.html (Ctrl-C stops)", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            httpd.serve_forever()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
