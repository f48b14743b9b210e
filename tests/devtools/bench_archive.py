"""`make bench`, page archive: its size per page, per profile and per account-year, on the demo site's
pages (from the scraper bench's own scrape) and on the real saved pages (docs/architecture.md)."""

from __future__ import annotations

import statistics
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
        archived[page.name] = tmp / archive.write(profile, kind, snapshot)
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
