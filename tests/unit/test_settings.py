"""The rules of each setting, one reader per kind: what passes, what is refused and how it is said."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from scraper import settings
from scraper.errors import BadInput
from tests.conftest import loopback_http_server


@pytest.mark.parametrize(
    ("raw", "whole", "minimum", "expected"),
    [
        ("2.5", False, 0, 2.5),
        (" 7 ", True, 0, 7),
        ("0", False, 0, 0.0),
        ("1", True, 1, 1),
        ("1e3", False, 0, 1000.0),
    ],
)
def test_numbers_that_pass(raw: str, whole: bool, minimum: float, expected: float) -> None:
    assert settings.number(raw, "X", whole=whole, minimum=minimum) == expected


@pytest.mark.parametrize(
    ("raw", "whole", "minimum", "says"),
    [
        ("inf", False, 0, "finite"),
        ("-inf", False, 0, "finite"),
        ("nan", False, 0, "finite"),
        ("-0.5", False, 0, "at least 0"),
        ("2.5", True, 0, "whole number"),
        ("0", True, 1, "at least 1"),
        ("ten", False, 0, "must be a number"),
        ("", True, 0, "whole number"),
    ],
)
def test_numbers_that_are_refused(raw: str, whole: bool, minimum: float, says: str) -> None:
    with pytest.raises(BadInput, match=says) as caught:
        settings.number(raw, "SOME_SETTING", whole=whole, minimum=minimum)
    assert str(caught.value).startswith("SOME_SETTING ") and repr(raw) in str(caught.value)


def test_unset_environment_numbers_take_their_default() -> None:
    assert settings.env_number("X", 5.0, env={}) == 5.0
    assert settings.env_number("X", 5.0, env={"X": "  "}) == 5.0
    env = settings.scrape_env({})
    assert (env.min_delay_s, env.max_delay_s, env.daily_cap) == (20.0, 45.0, 80)
    assert settings.scrape_env({"SCRAPER_MIN_DELAY_S": "60"}).max_delay_s == 60.0  # max follows a larger min
    with pytest.raises(BadInput, match="SCRAPER_MAX_DELAY_S .* below SCRAPER_MIN_DELAY_S"):
        settings.scrape_env({"SCRAPER_MIN_DELAY_S": "10", "SCRAPER_MAX_DELAY_S": "5"})


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://www.linkedin.com", "https://www.linkedin.com"),
        ("https://www.linkedin.com/", "https://www.linkedin.com"),
        (" http://127.0.0.1:8080/ ", "http://127.0.0.1:8080"),
        ("http://demo-site.pipeline.svc:8080/prefix/", "http://demo-site.pipeline.svc:8080/prefix"),
        ("http://[::1]:8080", "http://[::1]:8080"),
    ],
)
def test_urls_that_pass(raw: str, expected: str) -> None:
    assert settings.url(raw, "--base-url") == expected


@pytest.mark.parametrize(
    "raw",
    [
        "https://user:hunter2-secret@www.linkedin.com",
        "https://hunter2-secret@www.linkedin.com",
        "http://:hunter2-secret@127.0.0.1:8080/",
    ],
)
def test_urls_with_credentials_are_refused_without_repeating_them(raw: str) -> None:
    with pytest.raises(BadInput, match="user name or password") as caught:
        settings.url(raw, "--base-url")
    assert "hunter2" not in str(caught.value) and "***@" in str(caught.value)


@pytest.mark.parametrize(
    "raw",
    ["", "not a url", "localhost:8333", "ftp://h", "http://", "http://h:99999", "http://h/#x", "http://h /x"],
)
def test_urls_that_are_refused(raw: str) -> None:
    with pytest.raises(BadInput, match="^S3_ENDPOINT_URL "):
        settings.url(raw, "S3_ENDPOINT_URL")


@pytest.mark.parametrize("name", ["linkedin-profiles", "abc", "a.b-c.1", "x" * 63])
def test_bucket_names_that_pass(name: str) -> None:
    assert settings.bucket(name, "--bucket") == name


@pytest.mark.parametrize(
    "name",
    ["ab", "x" * 64, "Profiles", "under_score", "-lead", "trail-", "two..dots", "dot.-dash", "10.0.0.1"],
)
def test_bucket_names_that_are_refused(name: str) -> None:
    with pytest.raises(BadInput, match="not a valid bucket name"):
        settings.bucket(name, "--bucket")


def test_aws_retry_settings() -> None:
    assert settings.aws_retries({}) == {"mode": "standard", "total_max_attempts": 5}
    assert settings.aws_retries({"AWS_RETRY_MODE": "adaptive", "AWS_MAX_ATTEMPTS": "2"}) == {
        "mode": "adaptive",
        "total_max_attempts": 2,
    }
    with pytest.raises(BadInput, match="AWS_RETRY_MODE must be one of legacy, standard, adaptive"):
        settings.aws_retries({"AWS_RETRY_MODE": "bogus"})
    with pytest.raises(BadInput, match="AWS_MAX_ATTEMPTS must be a whole number"):
        settings.aws_retries({"AWS_MAX_ATTEMPTS": "abc"})


def test_log_levels() -> None:
    assert settings.log_level("debug") == "DEBUG" and settings.log_level("warn") == "WARNING"
    with pytest.raises(BadInput, match="--log-level must be one of DEBUG, INFO"):
        settings.log_level("foo")


def test_ports() -> None:
    assert settings.port("0", "--port") == 0 and settings.port("65535", "--port") == 65535
    for bad in ("65536", "-1", "http", "80.5"):
        with pytest.raises(BadInput, match="--port"):
            settings.port(bad, "--port")


def test_directories(tmp_path: Path) -> None:
    a_file = tmp_path / "file"
    a_file.write_text("x")
    assert settings.directory(tmp_path / "new" / "deeper", "--out") == tmp_path / "new" / "deeper"
    with pytest.raises(BadInput, match="--out .* is a file, not a directory"):
        settings.directory(a_file, "--out")
    with pytest.raises(BadInput, match="sits under .*, which is a file"):
        settings.directory(a_file / "sub", "--out")
    with pytest.raises(BadInput, match="--src .* does not exist"):
        settings.existing_directory(tmp_path / "missing", "--src")


class _Unavailable(BaseHTTPRequestHandler):
    """An S3 endpoint that answers every request 503, counting them."""

    requests = 0

    def do_HEAD(self) -> None:
        type(self).requests += 1
        self.send_response(503)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.parametrize("attempts", ["1", "3"])
def test_aws_max_attempts_counts_every_attempt_as_botocore_does(attempts: str) -> None:
    # Given to botocore's client config as `max_attempts`, 5 meant 6 requests (it counts retries there).
    import boto3
    from botocore.config import Config
    from botocore.exceptions import ClientError

    handler = type("Handler", (_Unavailable,), {"requests": 0})
    with loopback_http_server(handler) as url:
        retries = settings.aws_retries({"AWS_MAX_ATTEMPTS": attempts, "AWS_RETRY_MODE": "standard"})
        client = boto3.client(
            "s3",
            endpoint_url=url,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing-secret",
            config=Config(retries=retries, s3={"addressing_style": "path"}),
        )
        with pytest.raises(ClientError):
            client.head_bucket(Bucket="profiles")
    assert handler.requests == int(attempts)


@pytest.mark.parametrize(
    ("raw", "prefix"),
    [
        ("linkedin/profiles", "linkedin/profiles"),
        ("linkedin/profiles/", "linkedin/profiles"),
        ("a/dt=x_1.2", "a/dt=x_1.2"),
    ],
)
def test_key_prefixes_users_write_are_taken(raw: str, prefix: str) -> None:
    assert settings.key_prefix(raw, "--prefix") == prefix


@pytest.mark.parametrize(("raw", "expected"), [("", True), ("true", True), ("False", False), ("0", False)])
def test_the_page_archive_is_on_unless_switched_off(raw: str, expected: bool) -> None:
    assert settings.scrape_env({"SCRAPER_ARCHIVE_PAGES": raw}).archive_pages is expected


def test_a_page_archive_switch_that_is_not_yes_or_no_is_refused() -> None:
    with pytest.raises(BadInput, match="SCRAPER_ARCHIVE_PAGES must be true or false, got 'maybe'"):
        settings.scrape_env({"SCRAPER_ARCHIVE_PAGES": "maybe"})
