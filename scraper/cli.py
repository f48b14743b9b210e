"""The `scraper` command (DESIGN.md §3). Exit codes: 0 ok, 1 failure, 2 bad input, 3 blocked."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path

from scraper import __version__
from scraper.errors import EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_OK, BadInput, ScraperError
from scraper.logs import configure

log = logging.getLogger(__name__)


def cmd_parse(args: argparse.Namespace) -> int:
    from scraper.parse import parse

    code = EXIT_OK
    for path in args.files:
        try:
            html = Path(path).read_bytes()
        except OSError as exc:
            print(f"scraper parse: cannot read {path}: {exc.strerror or exc}", file=sys.stderr)
            code = EXIT_BAD_INPUT
            continue
        profile = parse(html, url=str(path))
        print(json.dumps(profile.to_dict(), ensure_ascii=False), flush=True)
    return code


def _push_xcom(data: dict) -> None:
    """In a KubernetesPodOperator pod, hand a small result (no secrets) to Airflow's XCom sidecar."""
    path = os.environ.get("XCOM_RETURN_PATH")
    if path and Path(path).parent.is_dir():
        Path(path).write_text(json.dumps(data), encoding="utf-8")


def _env_number(name: str, default: float, kind: type = float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise BadInput(f"{name} must be a number, got {raw!r}") from None
    if value < 0:
        raise BadInput(f"{name} must not be negative, got {raw!r}")
    return value


def cmd_scrape(args: argparse.Namespace) -> int:
    from scraper.browser import Browser, BrowserConfig
    from scraper.pacing import DEFAULT_DAILY_CAP, DEFAULT_MAX_DELAY_S, DEFAULT_MIN_DELAY_S, Pacer
    from scraper.profile_list import load_profiles, shard
    from scraper.run import ScrapeRun, ScrapeSettings
    from scraper.session import Credentials

    refs = load_profiles(args.profiles, args.profile or [])
    if args.max_profiles is not None:  # before sharding: N shards split the first N profiles between them
        refs = refs[: args.max_profiles]
    refs = shard(refs, args.shard)
    if not refs:  # more shards than profiles: this pod has nothing to do, which is not an error
        log.info("shard %s of the profile list holds no profile", args.shard)
    creds = Credentials.from_env()
    min_delay = _env_number("SCRAPER_MIN_DELAY_S", DEFAULT_MIN_DELAY_S)
    max_delay = _env_number("SCRAPER_MAX_DELAY_S", max(DEFAULT_MAX_DELAY_S, min_delay))
    if max_delay < min_delay:
        raise BadInput(f"SCRAPER_MAX_DELAY_S ({max_delay}) is below SCRAPER_MIN_DELAY_S ({min_delay})")
    settings = ScrapeSettings(
        base_url=args.base_url.rstrip("/"),
        out_dir=args.out,
        run_id=args.run_id,
        state_dir=args.state_dir,
        resume=args.resume,
        pacer=Pacer(min_delay, max_delay),
        daily_cap=int(_env_number("SCRAPER_DAILY_CAP", DEFAULT_DAILY_CAP, int)),
        backoff_s=_env_number("SCRAPER_RETRY_BACKOFF_S", 2.0),
    )
    browser_config = BrowserConfig(page_load_timeout_s=_env_number("SCRAPER_PAGE_TIMEOUT_S", 30.0))
    log.info("scraping %d profiles from %s into %s", len(refs), settings.base_url, args.out)
    run = ScrapeRun(settings, creds, browser_factory=lambda: Browser(browser_config))
    code = run.run(refs)
    _push_xcom(run.summary)
    return code


def cmd_demo_site(args: argparse.Namespace) -> int:
    from scraper.demo_site import DemoSettings, DemoSite
    from scraper.demo_site.server import FAULTS

    faults = {}
    for spec in args.fault or []:
        profile_id, _, kind = spec.partition("=")
        if kind not in FAULTS:
            raise BadInput(f"--fault {spec!r}: expected ID=KIND with KIND one of {', '.join(FAULTS)}")
        faults[profile_id] = kind
    settings = DemoSettings(
        li_at=os.environ.get("DEMO_LI_AT") or None,
        faults=faults,
        barrier_after=args.barrier_after,
        welcome_back=args.welcome_back,
    )
    site = DemoSite(args.host, args.port, settings)
    print(f"demo site on {site.url} (login {settings.email} / {settings.password})", flush=True)
    try:
        site.serve_forever()
    finally:
        site.stop()
    return EXIT_OK


def cmd_upload(args: argparse.Namespace) -> int:
    from scraper.upload import upload_run

    endpoint = args.endpoint_url or os.environ.get("S3_ENDPOINT_URL") or None
    bucket = args.bucket or os.environ.get("S3_BUCKET")
    if not bucket:
        raise BadInput("no bucket: pass --bucket or set S3_BUCKET")
    result = upload_run(args.src, bucket, args.prefix, endpoint, create_bucket=args.create_bucket)
    for uri in result.uris:
        print(uri)
    _push_xcom(
        {
            "run_id": result.manifest["run_id"],
            "records": result.manifest["records"],
            "manifest": result.uris[-1],
            "uploaded": result.uploaded,
            "skipped": result.skipped,
        }
    )
    return EXIT_OK


def cmd_airbyte(args: argparse.Namespace) -> int:
    from scraper.airbyte.cli_config import from_file
    from scraper.airbyte.provision import Provisioner

    client, source, warehouse = from_file(args.config)
    report = Provisioner(client).ensure(source, warehouse)
    print(report.connection_id)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scraper",
        description="LinkedIn profile pipeline: parse, scrape, upload, provision Airbyte.",
        epilog="Exit codes: 0 ok, 1 failure, 2 bad input, 3 blocked by an auth barrier or rate limit.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--log-level", default="INFO", help="log level of the JSON lines on stderr")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("parse", help="parse saved profile pages; one JSON object per file on stdout")
    p.add_argument("files", nargs="+", metavar="FILE.html")
    p.set_defaults(handler=cmd_parse)

    p = sub.add_parser("scrape", help="log in and scrape profiles into DIR/profiles.jsonl + DIR/summary.json")
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--profiles", type=Path, metavar="FILE", help="profile list: URLs/ids per line, or CSV"
    )
    source.add_argument("--profile", action="append", metavar="ID", help="a profile id or URL (repeatable)")
    p.add_argument("--out", type=Path, required=True, metavar="DIR")
    p.add_argument("--base-url", default=os.environ.get("LINKEDIN_BASE_URL", "https://www.linkedin.com"))
    p.add_argument("--max-profiles", type=int, metavar="N")
    p.add_argument("--shard", metavar="I/N", help="keep every N-th profile starting at I (0-based)")
    p.add_argument(
        "--state-dir",
        type=Path,
        default=Path(os.environ.get("SCRAPER_STATE_DIR", "/data/state")),
        help="state that outlives a run (the daily-cap count)",
    )
    p.add_argument("--resume", action="store_true", help="skip profiles already in DIR/profiles.jsonl")
    p.add_argument(
        "--run-id", default=os.environ.get("RUN_ID") or time.strftime("manual-%Y%m%dT%H%M%SZ", time.gmtime())
    )
    p.set_defaults(handler=cmd_scrape)

    p = sub.add_parser("upload", help="upload a run directory to S3 idempotently; prints the S3 URIs")
    p.add_argument(
        "--src", type=Path, required=True, metavar="DIR", help="run dir (shard-<i>/ or profiles.jsonl)"
    )
    p.add_argument("--bucket", default=None, help="default: $S3_BUCKET")
    p.add_argument("--prefix", default="linkedin/profiles")
    p.add_argument(
        "--endpoint-url", default=None, help="default: $S3_ENDPOINT_URL (SeaweedFS/MinIO, path-style)"
    )
    p.add_argument("--create-bucket", action="store_true", help="create the bucket when missing (kind)")
    p.set_defaults(handler=cmd_upload)

    # Syncs run in Airflow through the Airbyte provider (or from Airbyte's UI), not from here.
    p = sub.add_parser("airbyte", help="provision the S3 -> Postgres connection; prints its id")
    p.add_argument("action", choices=("ensure",))
    p.add_argument("--config", type=Path, required=True, metavar="FILE", help="YAML/JSON without secrets")
    p.set_defaults(handler=cmd_airbyte)

    p = sub.add_parser("demo-site", help="serve the synthetic LinkedIn-like demo site")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8080)
    p.add_argument("--fault", action="append", metavar="ID=KIND", help="make one profile misbehave")
    p.add_argument(
        "--barrier-after", type=int, metavar="N", help="checkpoint every profile view after the N-th"
    )
    p.add_argument("--welcome-back", action="store_true", help="show the account chooser on /login")
    p.set_defaults(handler=cmd_demo_site)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    configure(args.log_level)
    handler = args.handler
    try:
        return handler(args)
    except ScraperError as exc:
        log.error("%s", exc)
        print(f"scraper {args.command}: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return EXIT_FAILURE


if __name__ == "__main__":
    raise SystemExit(main())
