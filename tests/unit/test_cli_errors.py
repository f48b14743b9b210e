"""Bad input anywhere in the CLI: one line naming the setting, exit 2, no traceback, nothing written.

Every case runs the real `python -m scraper` as a user would. Where a check must happen before anything
is started, the environment would otherwise let the command go on (credentials set, a loopback site),
so a missing check shows up as a traceback or a different message rather than passing by accident.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from scraper.models import Profile, ProfileRecord
from tests.conftest import assert_one_line_error, loopback_http_server, run_cli

# Enough for `scrape` to get past its credential check; the site is a closed loopback port and the
# browser binary does not exist, so nothing can leave this machine even if a check were missing.
SCRAPE_ENV = {
    "LINKEDIN_LI_AT": "cookie-value-for-tests",
    "CHROMIUM_BINARY": "/nonexistent/chromium",
    "CHROMEDRIVER": "/nonexistent/chromedriver",
}
SITE = "http://127.0.0.1:9"


def scrape(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> tuple[object, Path]:
    out = tmp_path / "out"
    base = ["scrape", "--profile", "ada-l", "--out", str(out), "--state-dir", str(tmp_path / "state")]
    if "--base-url" not in args and "LINKEDIN_BASE_URL" not in (env or {}):
        base += ["--base-url", SITE]
    return run_cli(*base, *args, env={**SCRAPE_ENV, **(env or {})}), out


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SCRAPER_MIN_DELAY_S", "inf"),
        ("SCRAPER_MIN_DELAY_S", "nan"),
        ("SCRAPER_MAX_DELAY_S", "inf"),
        ("SCRAPER_MIN_DELAY_S", "-1"),
        ("SCRAPER_MAX_DELAY_S", "soon"),
        ("SCRAPER_DAILY_CAP", "1.5"),
        ("SCRAPER_DAILY_CAP", "-3"),
        ("SCRAPER_PAGE_TIMEOUT_S", "0"),
        ("SCRAPER_RETRY_BACKOFF_S", "nan"),
    ],
)
def test_scrape_environment_settings(tmp_path: Path, name: str, value: str) -> None:
    result, out = scrape(tmp_path, env={name: value})
    assert_one_line_error(result, 2, name, repr(value))
    assert not out.exists()


@pytest.mark.parametrize("value", ["-1", "0", "2.5"])
def test_max_profiles_must_be_a_positive_whole_number(tmp_path: Path, value: str) -> None:
    result, out = scrape(tmp_path, "--max-profiles", value)
    assert_one_line_error(result, 2, "--max-profiles")
    assert not out.exists()


@pytest.mark.parametrize("value", ["1/0", "2/2", "a/b", "1", "0/2.0"])
def test_shard_must_be_i_of_n(tmp_path: Path, value: str) -> None:
    result, out = scrape(tmp_path, "--shard", value)
    assert_one_line_error(result, 2, "--shard", repr(value))
    assert not out.exists()


@pytest.mark.parametrize("value", ["a/b c", "..", "run id", "x" * 201, ""])
def test_run_id_must_fit_a_directory_and_an_s3_key(tmp_path: Path, value: str) -> None:
    result, out = scrape(tmp_path, "--run-id", value)
    assert_one_line_error(result, 2, "--run-id")
    assert not out.exists()


def test_run_id_from_the_environment_is_checked_too(tmp_path: Path) -> None:
    result, _ = scrape(tmp_path, env={"RUN_ID": "a/b"})
    assert_one_line_error(result, 2, "RUN_ID", "'a/b'")


def test_airflow_run_ids_are_accepted() -> None:
    from scraper.settings import run_id

    for value in ("scheduled__2026-11-25T06:00:00+00:00", "manual__2026-11-25T06:00:00.123456+00:00"):
        assert run_id(value) == value


@pytest.mark.parametrize(
    "value",
    [
        "not a url",
        "http://",
        "ftp://example.com",
        "www.linkedin.com",
        "http://127.0.0.1:abc",
        "http://h/?q=1",
    ],
)
def test_base_url_needs_a_scheme_and_a_host(tmp_path: Path, value: str) -> None:
    result, out = scrape(tmp_path, "--base-url", value)
    assert_one_line_error(result, 2, "--base-url")
    assert not out.exists()


def test_a_password_in_the_base_url_is_refused_and_never_echoed(tmp_path: Path) -> None:
    for flag_or_env in ("flag", "env"):
        url = "http://scraper:hunter2-secret@127.0.0.1:9"
        args, env = (("--base-url", url), {}) if flag_or_env == "flag" else ((), {"LINKEDIN_BASE_URL": url})
        result, out = scrape(tmp_path, *args, env=env)
        line = assert_one_line_error(result, 2, "password")
        assert ("--base-url" if flag_or_env == "flag" else "LINKEDIN_BASE_URL") in line
        assert "hunter2" not in result.stdout + result.stderr
        assert not out.exists()


def test_log_level_and_format(tmp_path: Path) -> None:
    assert_one_line_error(run_cli("--log-level", "foo", "parse", str(tmp_path)), 2, "--log-level", "'foo'")
    assert_one_line_error(run_cli("--log-format", "xml", "parse", str(tmp_path)), 2, "--log-format")
    result = run_cli("parse", str(tmp_path), env={"SCRAPER_LOG_FORMAT": "fancy"})
    assert_one_line_error(result, 2, "SCRAPER_LOG_FORMAT")


def test_usage_mistakes_are_one_line_too() -> None:
    assert_one_line_error(run_cli("scrape", "--out", "x"), 2, "--profiles", "--help")
    assert_one_line_error(run_cli("frobnicate"), 2, "frobnicate")


def test_out_or_state_dir_on_a_file(tmp_path: Path) -> None:
    a_file = tmp_path / "taken"
    a_file.write_text("not a directory")
    result = run_cli(
        "scrape", "--profile", "ada-l", "--base-url", SITE, "--out", str(a_file),
        "--state-dir", str(tmp_path / "state"), env=SCRAPE_ENV,
    )  # fmt: skip
    assert_one_line_error(result, 2, "--out", "is a file")
    result = run_cli(
        "scrape", "--profile", "ada-l", "--base-url", SITE, "--out", str(tmp_path / "out"),
        "--state-dir", str(a_file / "below"), env=SCRAPE_ENV,
    )  # fmt: skip
    assert_one_line_error(result, 2, "--state-dir", "which is a file")
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------------------- upload


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    """A finished one-shard run, valid for `upload` in every respect."""
    directory = tmp_path / "run"
    directory.mkdir()
    record = ProfileRecord("ada-l", "https://www.linkedin.com/in/ada-l/", "ok", "2026-01-01T00:00:00Z", "r1")
    record.profile = Profile(name="Ada L")
    (directory / "profiles.jsonl").write_text(json.dumps(record.to_dict()) + "\n")
    summary = {"run_id": "r1", "started_at": "2026-01-01T00:00:00Z", "requested": 1, "exit_code": 0}
    (directory / "summary.json").write_text(json.dumps(summary))
    return directory


# Keys and a loopback endpoint: nothing would look for credentials or reach a real host.
UPLOAD_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing-secret",
    "AWS_REGION": "us-east-1",
}


@pytest.mark.parametrize(
    ("env", "args", "named"),
    [
        ({"AWS_MAX_ATTEMPTS": "abc"}, (), "AWS_MAX_ATTEMPTS"),
        ({"AWS_MAX_ATTEMPTS": "0"}, (), "AWS_MAX_ATTEMPTS"),
        ({"AWS_RETRY_MODE": "bogus"}, (), "AWS_RETRY_MODE"),
        ({}, ("--endpoint-url", "not a url"), "--endpoint-url"),
        ({"S3_ENDPOINT_URL": "localhost:8333"}, (), "S3_ENDPOINT_URL"),
        ({}, ("--bucket", "Bad_Bucket"), "--bucket"),
        ({}, ("--bucket", "ab"), "--bucket"),
        ({"S3_BUCKET": "192.168.0.1"}, (), "S3_BUCKET"),
        ({"AWS_REGION": "bad region!"}, (), "AWS_REGION"),
        ({"AWS_REQUEST_CHECKSUM_CALCULATION": "bogus"}, (), "AWS_REQUEST_CHECKSUM_CALCULATION"),
        ({"AWS_RESPONSE_CHECKSUM_VALIDATION": "bogus"}, (), "AWS_RESPONSE_CHECKSUM_VALIDATION"),
        ({"AWS_PROFILE": "nope", "AWS_CONFIG_FILE": "/nonexistent/config"}, (), "AWS_PROFILE"),
        ({}, ("--prefix", "/linkedin"), "--prefix"),
        ({}, ("--prefix", "linkedin/../other"), "--prefix"),
        ({}, ("--prefix", "linked in"), "--prefix"),
    ],
)
def test_upload_settings(run_dir: Path, env: dict[str, str], args: tuple[str, ...], named: str) -> None:
    own_endpoint = "--endpoint-url" in args or "S3_ENDPOINT_URL" in env
    base_args = () if own_endpoint else ("--endpoint-url", "http://127.0.0.1:9")
    bucket = () if "S3_BUCKET" in env or "--bucket" in args else ("--bucket", "profiles")
    result = run_cli("upload", "--src", str(run_dir), *base_args, *bucket, *args, env={**UPLOAD_ENV, **env})
    assert_one_line_error(result, 2, named)


def test_keys_in_the_endpoint_url_are_refused_and_never_echoed(run_dir: Path) -> None:
    url = "http://AKIAKEY:s3-secret-value@127.0.0.1:9"
    result = run_cli(
        "upload", "--src", str(run_dir), "--bucket", "profiles", "--endpoint-url", url, env=UPLOAD_ENV
    )
    line = assert_one_line_error(result, 2, "--endpoint-url", "password", "AWS_ACCESS_KEY_ID")
    assert "LinkedIn" not in line  # the advice is about S3 keys, not the scraper's login
    assert "s3-secret-value" not in result.stdout + result.stderr


def test_upload_src_on_a_file(run_dir: Path) -> None:
    result = run_cli(
        "upload", "--src", str(run_dir / "summary.json"), "--bucket", "profiles", "--endpoint-url",
        "http://127.0.0.1:9", env=UPLOAD_ENV,
    )  # fmt: skip
    assert_one_line_error(result, 2, "--src", "is a file")


# ---------------------------------------------------------------------------- airbyte


AIRBYTE_ENV = {
    "AIRBYTE_CLIENT_ID": "client",
    "AIRBYTE_CLIENT_SECRET": "client-secret-value",
    "WAREHOUSE_PASSWORD": "warehouse-password",
}


def airbyte_config(
    tmp_path: Path, api_url: str = "http://127.0.0.1:9/api/public/v1", **warehouse: object
) -> Path:
    path = tmp_path / "airbyte.yaml"
    wh = {"host": "127.0.0.1", "database": "warehouse", "username": "pipeline", **warehouse}
    path.write_text(
        f"airbyte: {{api_url: '{api_url}'}}\n"
        "s3: {bucket: linkedin-profiles, endpoint: 'http://127.0.0.1:8333'}\n"
        f"warehouse: {json.dumps(wh)}\n"
    )
    return path


def test_airbyte_config_with_a_port_that_is_not_a_number(tmp_path: Path) -> None:
    result = run_cli(
        "airbyte", "ensure", "--config", str(airbyte_config(tmp_path, port="abc")), env=AIRBYTE_ENV
    )
    assert_one_line_error(result, 2, "warehouse.port", "'abc'")


def test_airbyte_config_with_an_sslmode_the_destination_cannot_take(tmp_path: Path) -> None:
    config = airbyte_config(tmp_path, sslmode="verify-full")
    result = run_cli("airbyte", "ensure", "--config", str(config), env=AIRBYTE_ENV)
    assert_one_line_error(result, 2, "warehouse.sslmode", "'verify-full'")


def test_airbyte_config_sslmode_reaches_the_destination_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scraper.airbyte.cli_config import from_file
    from scraper.airbyte.provision import postgres_destination_configuration

    for name, value in AIRBYTE_ENV.items():
        monkeypatch.setenv(name, value)
    _, _, warehouse = from_file(airbyte_config(tmp_path, sslmode="require"))
    assert postgres_destination_configuration(warehouse)["ssl_mode"] == {"mode": "require"}


def test_airbyte_yaml_config_without_pyyaml(tmp_path: Path) -> None:
    blocker = tmp_path / "no-yaml"
    (blocker / "yaml").mkdir(parents=True)
    (blocker / "yaml" / "__init__.py").write_text("raise ImportError(\"No module named 'yaml'\")\n")
    result = run_cli(
        "airbyte", "ensure", "--config", str(airbyte_config(tmp_path)), env=AIRBYTE_ENV, pythonpath=[blocker]
    )
    assert_one_line_error(result, 2, "PyYAML", "JSON")


class _Answers(BaseHTTPRequestHandler):
    """An HTTP server that is not Airbyte's API: `answers` maps a path suffix to (content type, body)."""

    answers: dict[str, tuple[str, bytes]] = {}

    def _answer(self) -> None:
        kind, body = next(
            (v for k, v in self.answers.items() if self.path.split("?")[0].endswith(k)), ("", b"")
        )
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def fake_api() -> Iterator[tuple[str, type[_Answers]]]:
    handler = type("Handler", (_Answers,), {"answers": {}})
    with loopback_http_server(handler) as url:
        yield f"{url}/api/public/v1", handler


def test_airbyte_api_answering_html(tmp_path: Path, fake_api: tuple[str, type[_Answers]]) -> None:
    url, handler = fake_api
    handler.answers = {"": ("text/html", b"<html><body>Sign in to the proxy</body></html>")}
    result = run_cli("airbyte", "ensure", "--config", str(airbyte_config(tmp_path, url)), env=AIRBYTE_ENV)
    assert_one_line_error(result, 1, "text/html", "not JSON", logs_allowed=True)


def test_airbyte_api_answering_unexpected_json(tmp_path: Path, fake_api: tuple[str, type[_Answers]]) -> None:
    url, handler = fake_api
    token = json.dumps({"access_token": "token-value", "expires_in": 180}).encode()
    handler.answers = {
        "/applications/token": ("application/json", token),
        "/workspaces": ("application/json", json.dumps({"data": [{"name": "no id here"}]}).encode()),
    }
    result = run_cli("airbyte", "ensure", "--config", str(airbyte_config(tmp_path, url)), env=AIRBYTE_ENV)
    assert_one_line_error(result, 1, "workspaceId", logs_allowed=True)
    handler.answers["/workspaces"] = ("application/json", b"[1, 2]")
    result = run_cli("airbyte", "ensure", "--config", str(airbyte_config(tmp_path, url)), env=AIRBYTE_ENV)
    assert_one_line_error(result, 1, "JSON list", logs_allowed=True)


# ---------------------------------------------------------------------------- demo site


def test_demo_site_on_a_busy_port() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        result = run_cli("demo-site", "--port", port, timeout=20)
    assert_one_line_error(result, 2, f"127.0.0.1:{port}", "in use")


@pytest.mark.parametrize(("args", "named"), [(("--port", "70000"), "--port"), (("--port", "http"), "--port")])
def test_demo_site_on_an_invalid_port(args: tuple[str, ...], named: str) -> None:
    assert_one_line_error(run_cli("demo-site", *args, timeout=20), 2, named)


def test_profiles_on_other_sites_are_not_taken_as_linkedin_ids(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_cli(
        "scrape", "--profile", "https://evil.example.com/in/x-y", "--profile", "facebook.com/in/someone",
        "--base-url", SITE, "--out", str(out), "--state-dir", str(tmp_path / "state"), env=SCRAPE_ENV,
    )  # fmt: skip
    assert_one_line_error(result, 2, "no valid profiles", "2 invalid lines", logs_allowed=True)
    assert result.stderr.count("skipping invalid profile list entry") == 2
    assert not out.exists()
