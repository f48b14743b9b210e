"""`make bench`: speed and memory against baselines measured in the same run, printed as ratios.

- parser:  `parse(html)` vs building the `BeautifulSoup(html, "lxml")` tree alone (target <= 1.2)
- scraper: per-profile wall time of a scrape vs a bare `driver.get` + `page_source` loop over the same
           pages (target <= 1.5), and the peak PSS of the browser processes (target <= 500 MiB); the
           page archive's size per page, profile and account-year (demo pages and real saved pages)
- reparse: `scraper reparse` of archived pages (the real saved pages and every parser fixture) vs
           decompressing them and building their BeautifulSoup(lxml) trees alone, CPU time, with pages
           per second per core and the hours a year of pages takes (target <= 1.3; bench_archive.py)
- upload:  `scraper upload` of a 50,000-profile JSONL vs a bare boto3 `upload_file` (target <= 1.2),
           and a re-upload as a fraction of the first (target <= 5%)
- rotation: the plan of a 10,000-profile list vs reading its state alone (target <= 3), and folding one
           more landed day on top of 365 days of history vs on top of 1 (target <= 2; bench_rotation.py)
- warehouse: the dbt models' run time for one more day of 1,000 profiles on top of 90 days of history
           vs the same on top of 1 day, on a real PostgreSQL (target <= 2)
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SHARED_FIXTURES = REPO.parent / "shared" / "fixtures" / "linkedin-html"


def _best_of(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def _verdict(ratio: float, target: float) -> str:
    return "ok" if ratio <= target else "OVER TARGET"


def bench_parser(repeats: int) -> bool:
    from bs4 import BeautifulSoup

    from scraper.parse import parse

    pages = sorted(SHARED_FIXTURES.glob("*.html")) or sorted((REPO / "tests" / "fixtures").glob("*/*.html"))
    print(f"\nparser: parse() vs BeautifulSoup(html, 'lxml') alone, best of {repeats}")
    total_tree = total_parse = 0.0
    for page in pages:
        html = page.read_text(encoding="utf-8")
        tree = _best_of(lambda h=html: BeautifulSoup(h, "lxml"), repeats)
        parsed = _best_of(lambda h=html: parse(h), repeats)
        total_tree, total_parse = total_tree + tree, total_parse + parsed
        print(
            f"  {page.name[:48]:48} tree {tree * 1e3:7.1f} ms  parse {parsed * 1e3:7.1f} ms  "
            f"ratio {parsed / tree:4.2f}"
        )
    ratio = total_parse / total_tree
    print(f"  all pages: ratio {ratio:.2f} (target <= 1.2) {_verdict(ratio, 1.2)}")
    return ratio <= 1.2


def _pss_kib(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            continue
    return total


class _PeakPss(threading.Thread):
    def __init__(self, pids: Callable[[], list[int]]) -> None:
        super().__init__(daemon=True)
        self.pids, self.peak_kib, self._stop_event = pids, 0, threading.Event()

    def run(self) -> None:
        while not self._stop_event.wait(0.05):
            self.peak_kib = max(self.peak_kib, _pss_kib(self.pids()))

    def stop(self) -> int:
        self._stop_event.set()
        self.join()
        return self.peak_kib


def bench_scraper(count: int) -> bool:
    from scraper.browser import Browser
    from scraper.demo_site import DemoSite, all_people
    from scraper.models import DETAILS_PATHS
    from scraper.pacing import Pacer
    from scraper.profile_list import ProfileRef
    from scraper.run import ScrapeRun, ScrapeSettings
    from scraper.rundir import PROFILES_FILE
    from scraper.session import Credentials, login
    from tests.devtools.bench_archive import archived_run_sizes, bench_archive_real, print_archive_size

    ids = list(all_people())[:count]
    print(f"\nscraper: {count} demo profiles, zero delay, real headless Chromium")
    with DemoSite() as site, tempfile.TemporaryDirectory() as tmp:
        creds = Credentials(email=site.settings.email, password=site.settings.password)
        urls: dict[str, list[str]] = {}
        for pid in ids:
            truncated = site.person(pid).profile.truncated
            urls[pid] = [f"{site.url}/in/{pid}/"] + [
                f"{site.url}/in/{pid}/details/{DETAILS_PATHS[s]}/"
                for s, hidden in truncated.items()
                if hidden
            ]

        floor_browser = Browser()
        login(floor_browser, site.url, creds)
        driver = floor_browser.driver
        floor_times = []
        for pid in ids:
            started = time.perf_counter()
            for url in urls[pid]:
                driver.get(url)
                _ = driver.page_source
            floor_times.append(time.perf_counter() - started)
        floor_browser.quit()

        holder: dict[str, Browser] = {}

        def factory() -> Browser:
            holder["browser"] = Browser()
            return holder["browser"]

        sampler = _PeakPss(lambda: holder["browser"].process_ids() if "browser" in holder else [])
        sampler.start()
        run = ScrapeRun(
            ScrapeSettings(site.url, Path(tmp) / "out", "bench", Path(tmp) / "state", pacer=Pacer(0, 0)),
            creds,
            browser_factory=factory,
        )
        run.run([ProfileRef(pid) for pid in ids])
        peak_mib = sampler.stop() / 1024
        out = Path(tmp) / "out"
        records = [json.loads(line) for line in (out / PROFILES_FILE).read_text().splitlines()]
        print_archive_size("demo site", archived_run_sizes(out, records))
        bench_archive_real(Path(tmp) / "real")
    # The first profile of a scrape also starts Chromium and logs in: both sides leave it out.
    scrape = statistics.fmean(run.progress.durations[1:])
    floor_per_profile = statistics.fmean(floor_times[1:])
    ratio = scrape / floor_per_profile
    pages = sum(len(v) for v in urls.values())
    print(f"  pages per run: {pages} ({pages - count} /details/ pages)")
    print(f"  bare get+page_source: {floor_per_profile * 1e3:7.1f} ms/profile")
    print(
        f"  scraper scrape:       {scrape * 1e3:7.1f} ms/profile  ratio {ratio:.2f} (target <= 1.5) "
        f"{_verdict(ratio, 1.5)}"
    )
    print(
        f"  peak PSS of chromedriver + Chromium: {peak_mib:.0f} MiB (target <= 500) {_verdict(peak_mib, 500)}"
    )
    return ratio <= 1.5 and peak_mib <= 500


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parts_all = ("parser", "reparse", "scraper", "upload", "rotation", "warehouse")
    parser.add_argument("--only", choices=parts_all, action="append")
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args(argv)
    parts = args.only or list(parts_all)
    results = {}
    if "parser" in parts:
        results["parser"] = bench_parser(args.repeats)
    if "reparse" in parts:
        from tests.devtools.bench_archive import bench_reparse

        results["reparse"] = bench_reparse(min(args.repeats, 3))
    if "scraper" in parts:
        results["scraper"] = bench_scraper(20)
    if "upload" in parts:
        from tests.devtools.bench_upload import bench_upload

        results["upload"] = bench_upload()
    if "rotation" in parts:
        from tests.devtools.bench_rotation import bench_rotation

        results["rotation"] = bench_rotation()
    if "warehouse" in parts:
        from tests.devtools.bench_warehouse import bench_warehouse

        results["warehouse"] = bench_warehouse()
    print("\n" + "  ".join(f"{k}: {'ok' if v else 'OVER TARGET'}" for k, v in results.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
