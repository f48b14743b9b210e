"""The page archive of a real scrape: every page the scraper read for a record, kept beside it."""

from __future__ import annotations

from pathlib import Path

from scraper.demo_site import DemoSite
from scraper.models import DETAILS_PATHS
from scraper.parse import parse
from scraper.rundir import PageArchive
from tests.browser.conftest import run_scrape
from tests.browser.test_scrape_demo_site import COVERAGE_IDS


def test_every_record_names_its_main_and_details_pages_as_read(site: DemoSite, tmp_path: Path) -> None:
    ids = [*COVERAGE_IDS[:4], "no-such-person-here"]
    result = run_scrape(site, tmp_path / "out", ids)
    assert result.returncode == 0, result.stderr
    archive = PageArchive(result.out)
    for record in result.records:
        person = site.person(record["profile_id"]) if record["status"] == "ok" else None
        truncated = [s for s, cut in person.profile.truncated.items() if cut] if person else []
        assert record["pages"] == [
            archive.name(record["profile_id"], "main"),
            *(archive.name(record["profile_id"], f"details-{DETAILS_PATHS[s]}") for s in truncated),
        ]
        main = archive.read(record["pages"][0])
        assert main.url == record["url"] and main.status in (200, 404)
        if person:
            assert parse(main.html, main.url).name == record["name"]
        for name, section in zip(record["pages"][1:], truncated, strict=True):
            assert parse(archive.read(name).html).to_dict()[section] == record[section]
    assert sorted(p.relative_to(result.out).as_posix() for p in archive.files()) == sorted(
        name for record in result.records for name in record["pages"]
    )


def test_the_archive_can_be_switched_off(site: DemoSite, tmp_path: Path) -> None:
    result = run_scrape(site, tmp_path / "out", COVERAGE_IDS[:1], SCRAPER_ARCHIVE_PAGES="false")
    assert result.returncode == 0, result.stderr
    assert result.records[0]["status"] == "ok" and result.records[0]["pages"] == []
    assert not (result.out / "pages").exists()
