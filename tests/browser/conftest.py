"""Real headless Chromium against the demo site on 127.0.0.1 (never any other host)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from scraper.demo_site import DemoSettings, DemoSite
from tests.conftest import REPO

CHROMIUM = os.environ.get("CHROMIUM_BINARY", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")

pytestmark = pytest.mark.browser


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not shutil.which(p)]
    if missing:
        skip = pytest.mark.skip(
            reason=f"{', '.join(missing)} not installed (make test installs Debian's chromium)"
        )
        for item in items:
            if "tests/browser" in str(item.fspath):
                item.add_marker(skip)


@pytest.fixture
def site() -> Iterator[DemoSite]:
    with DemoSite(settings=DemoSettings()) as demo:
        yield demo


def scrape_env(site: DemoSite, **overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LINKEDIN_", "SCRAPER_"))}
    env.update(
        LINKEDIN_EMAIL=site.settings.email,
        LINKEDIN_PASSWORD=site.settings.password,
        SCRAPER_MIN_DELAY_S="0",
        SCRAPER_MAX_DELAY_S="0",
        SCRAPER_RETRY_BACKOFF_S="0.1",
        SCRAPER_PAGE_TIMEOUT_S="5",
        PYTHONUNBUFFERED="1",
    )
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


@dataclass
class RunResult:
    returncode: int
    stdout: str
    stderr: str
    out: Path

    @property
    def records(self) -> list[dict]:
        path = self.out / "profiles.jsonl"
        return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []

    @property
    def summary(self) -> dict:
        return json.loads((self.out / "summary.json").read_text())


def scrape_cmd(site: DemoSite, out: Path, ids: list[str], *extra: str) -> list[str]:
    cmd = [
        sys.executable,
        "-m",
        "scraper",
        "scrape",
        "--out",
        str(out),
        "--base-url",
        site.url,
        "--state-dir",
        str(out.parent / "state"),
        "--run-id",
        "test-run",
    ]
    for profile_id in ids:
        cmd += ["--profile", profile_id]
    return cmd + list(extra)


def run_scrape(
    site: DemoSite, out: Path, ids: list[str], *extra: str, timeout: float = 180, **env: str
) -> RunResult:
    result = subprocess.run(
        scrape_cmd(site, out, ids, *extra),
        capture_output=True,
        text=True,
        cwd=REPO,
        env=scrape_env(site, **env),
        timeout=timeout,
        check=False,
    )
    return RunResult(result.returncode, result.stdout, result.stderr, out)


def expected_record(site: DemoSite, profile_id: str) -> dict:
    return site.person(profile_id).profile.to_dict()


def start_scrape(site: DemoSite, out: Path, ids: list[str], **env: str) -> subprocess.Popen[str]:
    """`scraper scrape` in the background, in its own process group (so a test can kill it all)."""
    return subprocess.Popen(
        scrape_cmd(site, out, ids),
        cwd=REPO,
        env=scrape_env(site, **env),
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def wait_until(condition: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        time.sleep(0.05)


def written_lines(out: Path) -> int:
    path = out / "profiles.jsonl"
    return len(path.read_text().splitlines()) if path.exists() else 0
