"""Shared fixtures and helpers. Paths to `../shared` are resolved once; tests that need it skip
with a clear reason when it is absent (a clone without the design workspace beside it)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("PIPELINE_SHARED_DIR", REPO.parent / "shared"))
SHARED_FIXTURES = SHARED / "fixtures" / "linkedin-html"
SHARED_REFERENCE = SHARED / "reference"
OWN_FIXTURES = REPO / "tests" / "fixtures"


def require_shared(path: Path) -> Path:
    """Skip the calling test unless `path` (inside ../shared) exists."""
    if not path.exists():
        pytest.skip(f"{path} not present: the shared design workspace is not beside this clone")
    return path


@pytest.fixture
def shared_reference() -> Path:
    return require_shared(SHARED_REFERENCE)
