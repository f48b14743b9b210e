"""Log lines are JSON (in pods) or plain text (on a terminal) and never carry a secret value."""

from __future__ import annotations

import io
import json
import logging
import re
import sys
from pathlib import Path

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


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _log_to(stream: io.StringIO, fmt: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(sys, "stderr", stream)
    configure("INFO", fmt)
    logging.getLogger("scraper.run").info(
        "profile %d/%d %s", 3, 10, "ok", extra={"fields": {"profile_id": "ada-l", "status": "ok"}}
    )
    return stream.getvalue().strip()


def test_a_terminal_gets_readable_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    line = _log_to(_Terminal(), "auto", monkeypatch)
    assert re.fullmatch(r"\d\d:\d\d:\d\d INFO    profile 3/10 ok  profile_id=ada-l status=ok", line), line


def test_json_stays_the_default_off_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    entry = json.loads(_log_to(io.StringIO(), "auto", monkeypatch))  # a pod's stderr is a pipe
    assert entry["msg"] == "profile 3/10 ok" and entry["profile_id"] == "ada-l"
    assert json.loads(_log_to(_Terminal(), "json", monkeypatch).splitlines()[-1])["status"] == "ok"


def test_text_lines_are_scrubbed_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LINKEDIN_LI_AT", "AQEDAS-li-at-cookie-value")
    stream = _Terminal()
    monkeypatch.setattr(sys, "stderr", stream)
    configure("INFO", "text")
    logging.getLogger("scraper.test").warning(
        "cookie %s rejected at %s", "AQEDAS-li-at-cookie-value", "https://user:pa55word@proxy.example/x"
    )
    line = stream.getvalue()
    assert "AQEDAS" not in line and "pa55word" not in line and "user:" not in line
    assert "cookie *** rejected at https://***@proxy.example/x" in line


@pytest.mark.parametrize(
    ("argv", "env", "stream", "text"),
    [
        ([], None, _Terminal, True),
        ([], None, io.StringIO, False),
        ([], "json", _Terminal, False),
        ([], "text", io.StringIO, True),
        (["--log-format", "json"], "text", _Terminal, False),
    ],
)
def test_the_cli_chooses_the_format(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    env: str | None,
    stream: type[io.StringIO],
    text: bool,
) -> None:
    from scraper.cli import main

    page = tmp_path / "page.html"
    page.write_text("<html><body><main><h1>Ada</h1></main></body></html>")
    if env:
        monkeypatch.setenv("SCRAPER_LOG_FORMAT", env)
    else:
        monkeypatch.delenv("SCRAPER_LOG_FORMAT", raising=False)
    err = stream()
    monkeypatch.setattr(sys, "stderr", err)
    assert main([*argv, "parse", str(page)]) == 0
    logging.getLogger("scraper.test").info("after the command")
    last = err.getvalue().strip().splitlines()[-1]
    assert last.startswith("{") is not text, last
