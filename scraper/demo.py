"""`make demo`: the demo site on 127.0.0.1, 10 of its profiles scraped by real headless Chromium,
and a short table of what came out. Needs only Chromium on the machine, no cluster."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from scraper.demo_site import DemoSite, all_people
from scraper.logs import configure
from scraper.pacing import Pacer
from scraper.profile_list import ProfileRef
from scraper.run import ScrapeRun, ScrapeSettings
from scraper.session import Credentials


def _table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows)


def _clip(text: str | None, width: int) -> str:
    text = text or "-"
    return text if len(text) <= width else text[: width - 1] + "…"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10)
    parser.add_argument("--out-root", type=Path, default=Path("out/demo"))
    args = parser.parse_args(argv)
    configure("WARNING")
    run_id = time.strftime("demo-%Y%m%dT%H%M%SZ", time.gmtime())
    out = args.out_root / run_id
    refs = [ProfileRef(pid) for pid in list(all_people())[: args.count]]
    with DemoSite() as site:
        print(f"demo site on {site.url}; scraping {len(refs)} profiles with headless Chromium…", flush=True)
        settings = ScrapeSettings(
            base_url=site.url, out_dir=out, run_id=run_id, state_dir=out / "state", pacer=Pacer(0, 0)
        )
        creds = Credentials(email=site.settings.email, password=site.settings.password)
        started = time.monotonic()
        code = ScrapeRun(settings, creds).run(refs)
        elapsed = time.monotonic() - started
    records = [json.loads(line) for line in (out / "profiles.jsonl").read_text(encoding="utf-8").splitlines()]
    rows = [("name", "headline", "roles", "status")] + [
        (_clip(r["name"], 24), _clip(r["headline"], 48), str(len(r["experiences"])), r["status"])
        for r in records
    ]
    print(_table(rows))
    print(f"\n{len(records)} profiles in {elapsed:.1f}s, exit code {code}")
    print(f"records: {out / 'profiles.jsonl'}\nsummary: {out / 'summary.json'}")
    return code


if __name__ == "__main__":
    raise SystemExit(main())
