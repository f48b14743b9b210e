"""Log lines are JSON and never carry a secret value."""

from __future__ import annotations

import json
import logging

import pytest

from scraper.logs import configure


def test_secret_values_are_scrubbed_from_log_lines(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LINKEDIN_PASSWORD", "hunter2-very-secret")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG")
    configure("INFO")
    logging.getLogger("scraper.test").info(
        "login with %s then %s", "hunter2-very-secret", "wJalrXUtnFEMI/K7MDENG"
    )
    line = capsys.readouterr().err.strip().splitlines()[-1]
    entry = json.loads(line)
    assert entry["msg"] == "login with *** then ***"
    assert entry["level"] == "info" and entry["logger"] == "scraper.test"
