"""`make bench`, page archive: its size per page, per profile and per account-year, on the demo site's
pages (from the scraper bench's own scrape) and on the real saved pages (docs/architecture.md); and
the speed of re-parsing archived pages (`scraper reparse`) against decompressing them and building
their BeautifulSoup(lxml) trees alone, in the same run (target <= 1.3; docs/operations.md)."""

from __future__ import annotations

import gzip
import statistics
import tempfile
import time
from pathlib import Path

from scraper.pacing import DEFAULT_DAILY_CAP
from scraper.rundir import PageArchive
from scraper.snapshot import PageSnapshot

REPO = Path(__file__).resolve().parents[2]
SHARED_FIXTURES = REPO.parent / "shared" / "fixtures" / "linkedin-html"
PROFILES_A_YEAR = DEFAULT_DAILY_CAP * 365  # one account at the default budget


def print_archive_size(label: str, profiles: list[list[int]]) -> None:
    """`profiles`: the gzip'd size of each archived page, per profile."""
    pages = [size for sizes in profiles for size in sizes]
    per_profile = [sum(sizes) for sizes in profiles]
    year = statistics.fmean(per_profile) * PROFILES_A_YEAR
    print(
        f"  archive, {label}: {len(pages)} pages of {len(profiles)} profiles, "
        f"{statistics.fmean(pages) / 1024:.1f} KiB a page, {statistics.fmean(per_profile) / 1024:.1f} KiB "
        f"a profile (max {max(per_profile) / 1024:.1f}), {year / 1e9:.2f} GB an account-year "
        f"({PROFILES_A_YEAR} profiles)"
    )


def archived_run_sizes(out_dir: Path, records: list[dict]) -> list[list[int]]:
    return [[(out_dir / name).stat().st_size for name in r["pages"]] for r in records if r["pages"]]


def real_pages_archived(tmp: Path) -> dict[str, Path]:
    """The real saved pages archived as a scrape would keep them: saved page -> archived file."""
    archive = PageArchive(tmp)
    archived = {}
    for page in sorted(SHARED_FIXTURES.glob("*.html")):
        html = page.read_text(encoding="utf-8")
        profile, _, kind = page.stem.rpartition("_")
        snapshot = PageSnapshot(f"https://www.linkedin.com/in/{profile}/", "", "", html, 200)
        archived[page.name] = tmp / archive.write(profile, "main" if kind == "profile" else kind, snapshot)
    return archived


def bench_archive_real(tmp: Path) -> None:
    archived = real_pages_archived(tmp)
    if not archived:
        print(f"  archive, real saved pages: none at {SHARED_FIXTURES}")
        return
    by_profile: dict[str, list[int]] = {}
    for path in archived.values():
        by_profile.setdefault(path.parent.name, []).append(path.stat().st_size)
    for name, path in archived.items():
        raw = (SHARED_FIXTURES / name).stat().st_size
        print(f"  {name[:48]:48} {raw / 1024:7.0f} KiB of HTML -> {path.stat().st_size / 1024:5.0f} KiB")
    print_archive_size("real saved pages", list(by_profile.values()))


def _archived_run(root: Path) -> tuple[Path, list[Path]]:
    """A one-shard run directory whose records name archived pages: the real saved pages (a profile
    with its details page) and every parser fixture page (one layout each)."""
    from scraper.models import ProfileRecord
    from scraper.rundir import RecordWriter, summarise, write_summary

    shard = root / "shard-0"
    pages = list(real_pages_archived(shard).values())
    archive = PageArchive(shard)
    for html in sorted((REPO / "tests" / "fixtures").glob("*/*.html")):
        profile = f"{html.parent.name}-{html.stem}"
        snapshot = PageSnapshot(
            f"https://www.linkedin.com/in/{profile}/", "", "", html.read_text("utf-8"), 200
        )
        pages.append(shard / archive.write(profile, "main", snapshot))
    by_profile: dict[str, list[str]] = {}
    for path in sorted(pages, key=lambda p: p.name != "main.html.gz"):  # main pages first
        by_profile.setdefault(path.parent.name, []).append(path.relative_to(shard).as_posix())
    records = [
        ProfileRecord(
            pid, f"https://www.linkedin.com/in/{pid}/", "ok", "2026-11-25T06:00:00Z", "bench", pages=names
        )
        for pid, names in by_profile.items()
    ]
    writer = RecordWriter(shard)
    writer.write(*records)
    writer.close()
    write_summary(shard, summarise(shard, "bench", [r.profile_id for r in records], started_at="2026-11-25"))
    return root, pages


def _cpu_best_of(fn: object, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        fn()  # type: ignore[operator]
        best = min(best, time.process_time() - start)
    return best


def bench_reparse(repeats: int = 3) -> bool:
    from bs4 import BeautifulSoup

    from scraper.reparse import reparse_run

    print(
        f"\nreparse: `scraper reparse` of archived pages vs gunzip + BeautifulSoup(lxml) alone, CPU s, best of {repeats}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        src, pages = _archived_run(Path(tmp) / "run")
        blobs = [path.read_bytes() for path in pages]
        floor = _cpu_best_of(lambda: [BeautifulSoup(gzip.decompress(b), "lxml") for b in blobs], repeats)
        outs = iter(range(repeats))
        reparse = _cpu_best_of(lambda: reparse_run(src, Path(tmp) / f"out-{next(outs)}"), repeats)
        real = [b for path, b in zip(pages, blobs, strict=True) if len(b) > 2**15]  # the real saved pages
        real_floor = _cpu_best_of(lambda: [BeautifulSoup(gzip.decompress(b), "lxml") for b in real], repeats)
    ratio = reparse / floor
    rate = len(pages) / reparse
    # Real pages are 50-100 times a fixture page: the year is estimated at their rate (the floor's
    # rate on them times the ratio measured over all pages).
    real_rate = len(real) / (real_floor * ratio) if real else rate
    year = PROFILES_A_YEAR * 3  # a main page and two details pages a profile
    print(
        f"  {len(pages)} pages ({sum(len(b) for b in blobs) / 2**20:.1f} MiB gzip'd), {len(real)} of them real"
    )
    print(f"  gunzip + lxml tree: {floor:6.2f} s   reparse: {reparse:6.2f} s   {rate:.1f} pages/s per core")
    print(f"  ratio {ratio:.2f} (target <= 1.3) {'ok' if ratio <= 1.3 else 'OVER TARGET'}")
    hours = year / real_rate / 3600
    print(
        f"  real pages: {real_rate:.1f} pages/s per core; a year of one account at the default budget "
        f"({year} pages, 3 a profile): {hours:.1f} h on one pod, {hours / 4:.1f} h on 4, {hours / 8:.1f} h on 8"
    )
    return ratio <= 1.3
