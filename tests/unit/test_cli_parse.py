"""`scraper parse` prints one JSON object per file; an unreadable file is exit 2, the rest still parsed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import OWN_FIXTURES, REPO


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scraper", *args], capture_output=True, text=True, cwd=REPO, check=False
    )


def test_parse_prints_one_object_per_file() -> None:
    pages = [
        OWN_FIXTURES / "2026" / "main-localized-no-badges.html",
        OWN_FIXTURES / "2022" / "odd-dates.html",
    ]
    result = run_cli("parse", *map(str, pages))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [json.loads(line)["name"] for line in lines] == ["Iñaki Etxeberria Goikoetxea", "Li Wei 李伟"]


def test_unreadable_file_is_exit_2_and_others_still_parsed(tmp_path: Path) -> None:
    missing = tmp_path / "missing.html"
    page = OWN_FIXTURES / "2025" / "missing-sections.html"
    result = run_cli("parse", str(missing), str(page))
    assert result.returncode == 2
    assert len(result.stdout.splitlines()) == 1
    assert f"cannot read {missing}" in result.stderr
    assert len([line for line in result.stderr.splitlines() if "cannot read" in line]) == 1
