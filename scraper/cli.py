"""The `scraper` command (DESIGN.md §3). Exit codes: 0 ok, 1 failure, 2 bad input, 3 blocked."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path

from scraper import __version__
from scraper.errors import EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_OK, ScraperError
from scraper.logs import configure

log = logging.getLogger(__name__)
Handler = Callable[[argparse.Namespace], int]


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

    for register in _REGISTRARS:
        register(sub)
    return parser


# Later sub-commands register themselves here so that importing the CLI stays cheap.
_REGISTRARS: list[Callable[[argparse._SubParsersAction], None]] = []


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    configure(args.log_level)
    handler: Handler = args.handler
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
