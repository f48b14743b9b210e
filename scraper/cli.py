"""The `scraper` command (docs/cli.md). Exit codes: 0 ok, 1 failure, 2 bad input, 3 blocked."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from scraper import __version__, settings
from scraper.errors import EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_OK, BadInput, ScraperError
from scraper.logs import configure, redact_text

if TYPE_CHECKING:
    from scraper.profile_list import ProfileRef
    from scraper.session import Credentials

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://www.linkedin.com"


def cmd_parse(args: argparse.Namespace) -> int:
    from scraper.models import Profile
    from scraper.page_text import decode_page
    from scraper.parse.classify import read_page

    code = EXIT_OK
    for path in args.files:
        try:
            html = Path(path).read_bytes()
        except OSError as exc:
            print(f"scraper parse: cannot read {path}: {exc.strerror or exc}", file=sys.stderr)
            code = EXIT_BAD_INPUT
            continue
        page = decode_page(html)
        # Classified first, as a scrape does: a sign-in or "Profile Not Found" page is never read
        # into a profile, so its banner text does not come out as somebody's name.
        verdict, profile = read_page(page.text, url=str(path))
        if profile is None:
            profile = Profile(errors=[f"not a profile: {verdict.describe()}"])
        profile.errors[:0] = page.problems
        line = {"source": str(path), "page_class": verdict.kind, **profile.to_dict()}
        print(json.dumps(line, ensure_ascii=False), flush=True)
    return code


def _push_xcom(data: dict) -> None:
    """In a KubernetesPodOperator pod, hand a small result (no secrets) to Airflow's XCom sidecar."""
    path = os.environ.get("XCOM_RETURN_PATH")
    if path and Path(path).parent.is_dir():
        Path(path).write_text(json.dumps(data), encoding="utf-8")


def _from(args_value: object, flag: str, env_name: str) -> str:
    """The name to blame in a message: the flag when given, else the environment variable."""
    return flag if args_value is not None else env_name


def check_scrape_args(args: argparse.Namespace, env: dict[str, str] | None = None) -> settings.ScrapeEnv:
    """Every scrape input but the profile list, checked before anything is read or started."""
    env = dict(os.environ) if env is None else env
    base_url = (
        args.base_url if args.base_url is not None else env.get("LINKEDIN_BASE_URL") or DEFAULT_BASE_URL
    )
    args.base_url = settings.url(
        base_url,
        _from(args.base_url, "--base-url", "LINKEDIN_BASE_URL"),
        "LinkedIn credentials come from LINKEDIN_LI_AT or LINKEDIN_EMAIL/LINKEDIN_PASSWORD",
    )
    if args.run_id is not None:  # None: the run id is chosen later (a resumed run's own, or a new one)
        from_env = env.get("RUN_ID") and args.run_id == env["RUN_ID"]
        args.run_id = settings.run_id(args.run_id, "RUN_ID" if from_env else "--run-id")
    if args.max_profiles is not None:
        args.max_profiles = int(
            settings.number(str(args.max_profiles), "--max-profiles", whole=True, minimum=1)
        )
    if args.shard:
        from scraper.profile_list import parse_shard

        parse_shard(args.shard)
    settings.directory(args.out, "--out")
    from_env = env.get("SCRAPER_ACCOUNT") and args.account == env["SCRAPER_ACCOUNT"]
    args.account = settings.account(args.account, "SCRAPER_ACCOUNT" if from_env else "--account")
    from_env = env.get("SCRAPER_STATE_DIR") and str(args.state_dir) == env["SCRAPER_STATE_DIR"]
    settings.directory(args.state_dir, "SCRAPER_STATE_DIR" if from_env else "--state-dir")
    return settings.scrape_env(env)


def _run_id(args: argparse.Namespace) -> str:
    """`--resume` continues the run the output directory belongs to; a different --run-id is refused."""
    from scraper.rundir import existing_run_id

    found = existing_run_id(args.out) if args.resume and args.out.is_dir() else None
    if found and args.run_id and args.run_id != found:
        raise BadInput(f"{args.out} holds run {found!r}, not {args.run_id!r}: resume it without --run-id")
    return found or args.run_id or time.strftime("manual-%Y%m%dT%H%M%SZ", time.gmtime())


def cmd_scrape(args: argparse.Namespace) -> int:
    from scraper.profile_list import load_profiles, shard
    from scraper.rundir import locked
    from scraper.session import Credentials

    env = check_scrape_args(args)
    refs = load_profiles(args.profiles, args.profile or [], base_url=args.base_url)
    if args.max_profiles is not None:  # before sharding: N shards split the first N profiles between them
        refs = refs[: args.max_profiles]
    refs = shard(refs, args.shard)
    if not refs:  # more shards than profiles: this pod has nothing to do, which is not an error
        log.info("shard %s of the profile list holds no profile", args.shard)
    creds = Credentials.from_env()
    with locked(args.out, "scrape"):  # before anything in --out is read: one writer at a time
        return _scrape(args, env, refs, creds)


def _scrape(
    args: argparse.Namespace, env: settings.ScrapeEnv, refs: list[ProfileRef], creds: Credentials
) -> int:
    from scraper.browser import Browser, BrowserConfig
    from scraper.pacing import Pacer
    from scraper.run import ScrapeRun, ScrapeSettings

    run_settings = ScrapeSettings(
        base_url=args.base_url,
        out_dir=args.out,
        run_id=_run_id(args),
        state_dir=args.state_dir,
        resume=args.resume,
        account=args.account,
        pacer=Pacer(env.min_delay_s, env.max_delay_s),
        daily_cap=env.daily_cap,
        backoff_s=env.backoff_s,
        archive_pages=env.archive_pages if args.archive is None else args.archive,
    )
    browser_config = BrowserConfig(page_load_timeout_s=env.page_timeout_s)
    log.info(
        "scraping %d profiles from %s into %s as account %s; %g-%g s between profiles, daily cap %d",
        len(refs),
        run_settings.base_url,
        args.out,
        args.account,
        env.min_delay_s,
        env.max_delay_s,
        env.daily_cap,
        extra={"fields": {"run_id": run_settings.run_id, "base_url": run_settings.base_url}},
    )
    run = ScrapeRun(run_settings, creds, browser_factory=lambda: Browser(browser_config))
    code = run.run(refs)
    _push_xcom(run.summary)
    return code


def check_demo_site_args(args: argparse.Namespace) -> int:
    """The port to listen on; --barrier-after is a count."""
    if args.barrier_after is not None:
        settings.number(str(args.barrier_after), "--barrier-after", whole=True, minimum=0)
    return settings.port(args.port, "--port")


def cmd_demo_site(args: argparse.Namespace) -> int:
    from scraper.demo_site import DemoSettings, DemoSite
    from scraper.demo_site.server import FAULTS

    port = check_demo_site_args(args)
    faults = {}
    for spec in args.fault or []:
        profile_id, _, kind = spec.partition("=")
        if kind not in FAULTS:
            raise BadInput(f"--fault {spec!r}: expected ID=KIND with KIND one of {', '.join(FAULTS)}")
        faults[profile_id] = kind
    site_settings = DemoSettings(
        li_at=os.environ.get("DEMO_LI_AT") or None,
        faults=faults,
        barrier_after=args.barrier_after,
        welcome_back=args.welcome_back,
        daily_job_change=args.daily_job_change,
    )
    try:
        site = DemoSite(args.host, port, site_settings)
    except OSError as exc:  # busy port, unknown host, no permission for a low port
        raise BadInput(f"cannot listen on {args.host}:{port}: {exc.strerror or exc}") from None
    print(f"demo site on {site.url} (login {site_settings.email} / {site_settings.password})", flush=True)
    try:
        site.serve_forever()
    finally:
        site.stop()
    return EXIT_OK


def check_upload_args(args: argparse.Namespace, env: dict[str, str] | None = None) -> tuple[str, str | None]:
    """The bucket and endpoint, the run directory and botocore's retry settings, before S3 is touched."""
    env = dict(os.environ) if env is None else env
    if args.src is not None:  # (a re-parse of uploaded runs has none)
        settings.existing_directory(args.src, "--src")
    endpoint = args.endpoint_url or env.get("S3_ENDPOINT_URL") or None
    if endpoint is not None:
        endpoint = settings.url(
            endpoint,
            _from(args.endpoint_url, "--endpoint-url", "S3_ENDPOINT_URL"),
            "S3 keys come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
        )
    bucket = args.bucket or env.get("S3_BUCKET")
    if not bucket:
        raise BadInput("no bucket: pass --bucket or set S3_BUCKET")
    settings.bucket(bucket, _from(args.bucket, "--bucket", "S3_BUCKET"))
    args.prefix = settings.key_prefix(args.prefix, "--prefix")
    settings.aws_retries(env)
    settings.aws_region(env)
    settings.aws_checksums(env)
    settings.aws_profile()
    return bucket, endpoint


def cmd_upload(args: argparse.Namespace) -> int:
    from scraper.rundir import locked_run
    from scraper.upload import unfinished, upload_run

    bucket, endpoint = check_upload_args(args)
    with locked_run(args.src, "upload"):  # no scrape may append to what is being uploaded
        result = upload_run(
            args.src,
            bucket,
            args.prefix,
            endpoint,
            create_bucket=args.create_bucket,
            allow_partial=args.allow_partial,
        )
    for uri in result.uris:
        print(uri)
    _push_xcom(
        {
            "run_id": result.manifest["run_id"],
            "records": result.manifest["records"],
            "manifest": result.uris[-1],
            "uploaded": result.uploaded,
            "skipped": result.skipped,
            "unfinished": unfinished(result.manifest),
            "shards": sorted({item["shard"] for item in result.manifest["files"] if "shard" in item}),
        }
    )
    return EXIT_OK


def cmd_reparse(args: argparse.Namespace) -> int:
    """A run directory (`--src`), or the runs uploaded from `--since` to `--until` (`--bucket`),
    re-parsed with the current parser into run directories that `scraper upload` ships."""
    from scraper.reparse import reparse_run
    from scraper.rundir import locked, locked_run

    settings.directory(args.out, "--out")
    if args.src is not None:
        settings.existing_directory(args.src, "--src")
        with locked_run(args.src, "reparse"), locked(args.out, "reparse"):
            results = [reparse_run(args.src, args.out)]
        runs = [args.out]
    else:
        runs, results = _reparse_uploaded(args)
    for run in runs:
        print(run)
    _push_xcom(
        {
            "runs": [str(run) for run in runs],
            "records": sum(r.records for r in results),
            "reparsed": sum(r.reparsed for r in results),
        }
    )
    return EXIT_OK


def _reparse_uploaded(args: argparse.Namespace) -> tuple[list[Path], list]:
    import tempfile

    from botocore.exceptions import BotoCoreError, ClientError

    from scraper.profile_list import parse_shard
    from scraper.reparse import reparse_run
    from scraper.upload import Uploader, download_run, explain, uploaded_runs

    bucket, endpoint = check_upload_args(args)
    since = settings.date(args.since, "--since")
    until = settings.date(args.until, "--until") if args.until else since
    if until < since:
        raise BadInput(f"--until {until} is before --since {since}")
    index, count = parse_shard(args.shard) if args.shard else (0, 1)
    uploader = Uploader(bucket, args.prefix, endpoint)
    runs, results = [], []
    try:
        keys = uploaded_runs(uploader, since, until)[index::count]
        log.info("re-parsing %d uploaded runs from %s to %s", len(keys), since, until)
        for key in keys:
            with tempfile.TemporaryDirectory(prefix="reparse-") as tmp:
                src = download_run(uploader, key, Path(tmp))
                result = reparse_run(src, args.out / key.rsplit("/", 2)[1].removeprefix("run="))
            runs.append(args.out / result.run_id)
            results.append(result)
    except (ClientError, BotoCoreError) as exc:
        raise explain(exc, bucket, endpoint) from exc
    return runs, results


def cmd_airbyte(args: argparse.Namespace) -> int:
    from scraper.airbyte.cli_config import from_file
    from scraper.airbyte.provision import Provisioner

    client, source, warehouse = from_file(args.config)
    report = Provisioner(client).ensure(source, warehouse)
    print(report.connection_id)
    return EXIT_OK


class _Parser(argparse.ArgumentParser):
    """Usage mistakes as one line (exit 2) rather than argparse's usage block."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    from scraper.models import DEFAULT_ACCOUNT
    from scraper.rundir import STATE_DIR

    parser = _Parser(
        prog="scraper",
        description="LinkedIn profile pipeline: parse, scrape, upload, provision Airbyte.",
        epilog="Exit codes: 0 ok, 1 failure, 2 bad input, 3 blocked by an auth barrier or rate limit.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--log-level", default="INFO", help="DEBUG, INFO, WARNING, ERROR or CRITICAL")
    parser.add_argument(
        "--log-format",
        default=None,
        help="json, text, or auto (default, or $SCRAPER_LOG_FORMAT): text on a terminal, JSON lines otherwise",
    )
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
    p.add_argument("--base-url", default=None, help=f"default: $LINKEDIN_BASE_URL or {DEFAULT_BASE_URL}")
    p.add_argument("--max-profiles", type=int, metavar="N")
    p.add_argument("--shard", metavar="I/N", help="keep every N-th profile starting at I (0-based)")
    p.add_argument(
        "--state-dir",
        type=Path,
        default=Path(os.environ.get("SCRAPER_STATE_DIR") or STATE_DIR),
        help="state that outlives a run (the daily-cap count)",
    )
    p.add_argument(
        "--account",
        default=os.environ.get("SCRAPER_ACCOUNT") or DEFAULT_ACCOUNT,
        help="the LinkedIn account these credentials belong to: its daily cap and lease (default: "
        f"$SCRAPER_ACCOUNT or {DEFAULT_ACCOUNT})",
    )
    p.add_argument(
        "--resume",
        action="store_true",
        help="continue the run in DIR: scrape the profiles that have no final status (ok, not_found, private)",
    )
    p.add_argument(
        "--run-id",
        default=os.environ.get("RUN_ID") or None,
        help="default: $RUN_ID, the run found in DIR with --resume, else manual-<UTC time>",
    )
    p.add_argument(
        "--archive",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="keep every fetched page, gzip'd, in DIR/pages/ (default: $SCRAPER_ARCHIVE_PAGES, else on)",
    )
    p.set_defaults(handler=cmd_scrape)

    p = sub.add_parser("upload", help="upload a run directory to S3 idempotently; prints the S3 URIs")
    p.add_argument(
        "--src", type=Path, required=True, metavar="DIR", help="run dir (shard-<i>/ or profiles.jsonl)"
    )
    p.add_argument("--bucket", default=None, help="default: $S3_BUCKET")
    p.add_argument("--prefix", default=settings.DEFAULT_PREFIX)
    p.add_argument(
        "--endpoint-url", default=None, help="default: $S3_ENDPOINT_URL (SeaweedFS/MinIO, path-style)"
    )
    p.add_argument("--create-bucket", action="store_true", help="create the bucket when missing (kind)")
    p.add_argument(
        "--allow-partial",
        action="store_true",
        help="ship a run that did not finish (stopped, partial, crashed); the manifest says so",
    )
    p.set_defaults(handler=cmd_upload)

    p = sub.add_parser(
        "reparse",
        help="re-parse archived pages with the current parser into new run directories; prints them",
    )
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--src", type=Path, metavar="DIR", help="a run directory with its pages/")
    where.add_argument("--since", metavar="YYYY-MM-DD", help="the uploaded runs from this date (S3)")
    p.add_argument("--until", metavar="YYYY-MM-DD", help="... to this date (default: --since)")
    p.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="DIR",
        help="the new run directory (with --since: one per run in DIR)",
    )
    p.add_argument("--shard", metavar="I/N", help="with --since: every N-th run starting at I (0-based)")
    p.add_argument("--bucket", default=None, help="default: $S3_BUCKET")
    p.add_argument("--prefix", default=settings.DEFAULT_PREFIX)
    p.add_argument("--endpoint-url", default=None, help="default: $S3_ENDPOINT_URL")
    p.set_defaults(handler=cmd_reparse)

    # Syncs run in Airflow through the Airbyte provider (or from Airbyte's UI), not from here.
    p = sub.add_parser("airbyte", help="provision the S3 -> Postgres connection; prints its id")
    p.add_argument("action", choices=("ensure",))
    p.add_argument("--config", type=Path, required=True, metavar="FILE", help="YAML/JSON without secrets")
    p.set_defaults(handler=cmd_airbyte)

    p = sub.add_parser("demo-site", help="serve the synthetic LinkedIn-like demo site")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", default="8080", help="0 picks a free port")
    p.add_argument("--fault", action="append", metavar="ID=KIND", help="make one profile misbehave")
    p.add_argument(
        "--barrier-after", type=int, metavar="N", help="checkpoint every profile view after the N-th"
    )
    p.add_argument("--welcome-back", action="store_true", help="show the account chooser on /login")
    p.add_argument(
        "--daily-job-change",
        action="store_true",
        help="show the site as of each day (UTC): one person changes company from one day to the next",
    )
    p.set_defaults(handler=cmd_demo_site)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        log_format = args.log_format or os.environ.get("SCRAPER_LOG_FORMAT") or "auto"
        configure(
            settings.log_level(args.log_level),
            settings.log_format(log_format, "--log-format" if args.log_format else "SCRAPER_LOG_FORMAT"),
        )
        return args.handler(args)
    except ScraperError as exc:
        # One line, once: the message already names the setting or file at fault.
        message = " ".join(redact_text(str(exc)).split())
        print(f"scraper {args.command}: {message}", file=sys.stderr, flush=True)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"scraper {args.command}: interrupted", file=sys.stderr, flush=True)
        return EXIT_FAILURE


if __name__ == "__main__":
    raise SystemExit(main())
