"""The images' build context: .dockerignore keeps local state out and everything the Dockerfiles copy in."""

from __future__ import annotations

import fnmatch
from pathlib import Path

import pytest

from tests.conftest import REPO

DOCKERFILES = sorted((REPO / "images").glob("*/Dockerfile"))
LOCAL_STATE = [".git", ".venv", ".venv-airbyte", ".tools", "scraper/__pycache__", ".pytest_cache", "out"]


def _ignored(path: str) -> bool:
    patterns = [
        line.strip()
        for line in (REPO / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    parts = path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    return any(
        fnmatch.fnmatch(p, pat.removeprefix("**/")) or fnmatch.fnmatch(p, pat)
        for p in prefixes
        for pat in patterns
    )


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: p.parent.name)
def test_everything_a_dockerfile_copies_is_in_the_context(dockerfile: Path) -> None:
    copied = []
    for line in dockerfile.read_text().splitlines():
        if line.startswith("COPY "):
            args = [a for a in line.split()[1:] if not a.startswith("--")]
            copied += args[:-1]
    assert copied
    assert [c for c in copied if _ignored(c) or not (REPO / c).exists()] == []


@pytest.mark.parametrize("path", LOCAL_STATE)
def test_local_state_stays_out_of_the_context(path: str) -> None:
    assert _ignored(path)


def _git_ignored() -> list[str]:
    """What .gitignore keeps out of the repository: everything `make test`, `make lock` and the tools
    leave in the checkout (venvs, tools, caches, fetched wheels), as paths relative to the root."""
    lines = (REPO / ".gitignore").read_text().splitlines()
    return [line.strip().strip("/") for line in lines if line.strip() and not line.startswith("#")]


@pytest.mark.parametrize("pattern", _git_ignored())
def test_what_git_ignores_stays_out_of_the_context(pattern: str) -> None:
    """Local state in the context slows every build and changes its digest (a rebuild for nothing)."""
    assert _ignored(pattern.replace("*", "x"))
