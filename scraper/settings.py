"""Every setting and argument, checked where it is read: one `BadInput` sentence naming the setting.

Each reader takes the raw text and the name the user knows it by (`--base-url`, `SCRAPER_MIN_DELAY_S`),
and returns a typed value or raises `BadInput` (exit 2). Nothing here touches the network; the disk only
to see what a path already is and, for AWS_PROFILE, to read the AWS config botocore would read.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from scraper.errors import BadInput

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOG_FORMATS = ("auto", "json", "text")
AWS_RETRY_MODES = ("legacy", "standard", "adaptive")
DEFAULT_AWS_MAX_ATTEMPTS = 5
DEFAULT_AWS_RETRY_MODE = "standard"

# A run id names a directory (`/data/runs/<id>`) and an S3 key part (`run=<id>`): Airflow's run ids
# (`scheduled__2026-11-25T06:00:00+00:00`) fit, a slash or a space does not.
RUN_ID_RE = re.compile(r"[\w.:+-]{1,200}")
_REGION_RE = re.compile(r"[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?")  # botocore's own check
_BUCKET_RE = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_KEY_SEGMENT_RE = re.compile(r"[A-Za-z0-9_.=-]+")


def _env(env: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if env is None else env


def number(raw: str, setting: str, *, whole: bool = False, minimum: float = 0) -> float:
    """A finite number >= `minimum`; with `whole`, an integer (returned as int)."""
    text = str(raw).strip()
    kind = "a whole number" if whole else "a number"
    try:
        value: float = int(text) if whole else float(text)
    except ValueError:
        raise BadInput(f"{setting} must be {kind}, got {raw!r}") from None
    if not math.isfinite(value):
        raise BadInput(f"{setting} must be a finite number, got {raw!r}")
    if value < minimum:
        bound = int(minimum) if float(minimum).is_integer() else minimum
        raise BadInput(f"{setting} must be {kind} of at least {bound}, got {raw!r}")
    return value


def env_number(
    name: str,
    default: float,
    *,
    whole: bool = False,
    minimum: float = 0,
    env: Mapping[str, str] | None = None,
) -> float:
    """`number()` of an environment variable; unset or empty means `default`."""
    raw = _env(env).get(name)
    if raw is None or raw.strip() == "":
        return default
    return number(raw, name, whole=whole, minimum=minimum)


DEFAULT_PREFIX = "linkedin/profiles"  # the S3 key prefix of the runs (`scraper upload --prefix`)
_TRUE = ("true", "1", "yes", "on")
_FALSE = ("false", "0", "no", "off")


def env_flag(name: str, default: bool, env: Mapping[str, str] | None = None) -> bool:
    """A yes/no environment variable; unset or empty means `default`."""
    raw = (_env(env).get(name) or "").strip().lower()
    if not raw:
        return default
    if raw not in _TRUE + _FALSE:
        raise BadInput(f"{name} must be true or false, got {raw!r}")
    return raw in _TRUE


@dataclass(frozen=True)
class ScrapeEnv:
    """The scrape settings that come from the environment (the chart's ConfigMap in a pod)."""

    min_delay_s: float
    max_delay_s: float
    daily_cap: int
    page_timeout_s: float
    backoff_s: float
    archive_pages: bool  # SCRAPER_ARCHIVE_PAGES: keep every fetched page beside the records


def scrape_env(env: Mapping[str, str] | None = None) -> ScrapeEnv:
    from scraper.pacing import DEFAULT_DAILY_CAP, DEFAULT_MAX_DELAY_S, DEFAULT_MIN_DELAY_S

    low = env_number("SCRAPER_MIN_DELAY_S", DEFAULT_MIN_DELAY_S, env=env)
    high = env_number("SCRAPER_MAX_DELAY_S", max(DEFAULT_MAX_DELAY_S, low), env=env)
    if high < low:
        raise BadInput(f"SCRAPER_MAX_DELAY_S ({high:g}) is below SCRAPER_MIN_DELAY_S ({low:g})")
    return ScrapeEnv(
        min_delay_s=low,
        max_delay_s=high,
        daily_cap=int(env_number("SCRAPER_DAILY_CAP", DEFAULT_DAILY_CAP, whole=True, env=env)),
        # Below a second no real page loads; 0 would make every load fail with a driver error.
        page_timeout_s=env_number("SCRAPER_PAGE_TIMEOUT_S", 30.0, minimum=1, env=env),
        backoff_s=env_number("SCRAPER_RETRY_BACKOFF_S", 2.0, env=env),
        archive_pages=env_flag("SCRAPER_ARCHIVE_PAGES", True, env=env),
    )


def _hide_userinfo(raw: str) -> str:
    """The URL as the user wrote it, minus whatever sits before an '@' in its authority."""
    return re.sub(r"(://)[^/@]*@", r"\1***@", raw)


def url(raw: str, setting: str, credentials_from: str = "") -> str:
    """An http(s) URL with a host and without credentials; trailing slashes removed.
    `credentials_from` says where the credentials belong instead (for the refusal's message)."""
    text = str(raw).strip()
    shown = _hide_userinfo(text)
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises on a non-numeric or out-of-range port
    except ValueError as exc:
        raise BadInput(f"{setting} is not a valid URL ({exc}): {shown!r}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadInput(f"{setting} must be an http:// or https:// URL with a host, got {shown!r}")
    if parts.username is not None or parts.password is not None:
        # Whatever follows would be stored in every record and log line: refuse instead of storing it.
        where = f"; {credentials_from}" if credentials_from else ""
        raise BadInput(f"{setting} must not carry a user name or password ({shown!r}){where}")
    if parts.query or parts.fragment:
        raise BadInput(f"{setting} must not have a query or fragment, got {shown!r}")
    if any(c.isspace() for c in text):
        raise BadInput(f"{setting} must not contain spaces, got {shown!r}")
    return urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))


def url_host(value: str) -> str:
    """The host of a URL already checked by `url()`, lower-case."""
    return (urlsplit(value).hostname or "").lower()


def run_id(raw: str, setting: str = "--run-id") -> str:
    text = str(raw)
    if not RUN_ID_RE.fullmatch(text) or text in (".", ".."):
        raise BadInput(
            f"{setting} {text!r} cannot name a directory and an S3 key: use 1-200 letters, digits "
            "and . _ - : + (no slash, no space)"
        )
    return text


# An account's name appears in file paths, Kubernetes names and labels: a DNS label, short.
ACCOUNT_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")


def account(raw: str, setting: str = "--account") -> str:
    text = str(raw)
    if not ACCOUNT_RE.fullmatch(text):
        raise BadInput(
            f"{setting} {text!r} is not an account name: use 1-40 lowercase letters, digits and '-', "
            "starting and ending with a letter or digit"
        )
    return text


def log_level(raw: str, setting: str = "--log-level") -> str:
    level = str(raw).strip().upper()
    if level == "WARN":
        level = "WARNING"
    if level not in LOG_LEVELS:
        raise BadInput(f"{setting} must be one of {', '.join(LOG_LEVELS)}, got {raw!r}")
    return level


def log_format(raw: str, setting: str = "--log-format") -> str:
    fmt = str(raw).strip().lower()
    if fmt not in LOG_FORMATS:
        raise BadInput(f"{setting} must be one of {', '.join(LOG_FORMATS)}, got {raw!r}")
    return fmt


def aws_retries(env: Mapping[str, str] | None = None) -> dict[str, str | int]:
    """botocore's `retries` config from AWS_RETRY_MODE and AWS_MAX_ATTEMPTS.

    AWS_MAX_ATTEMPTS counts every attempt, the first included, as botocore reads it from the
    environment: that is `total_max_attempts` in a client config (its `max_attempts` counts retries)."""
    values = _env(env)
    mode = (values.get("AWS_RETRY_MODE") or DEFAULT_AWS_RETRY_MODE).strip()
    if mode not in AWS_RETRY_MODES:
        raise BadInput(f"AWS_RETRY_MODE must be one of {', '.join(AWS_RETRY_MODES)}, got {mode!r}")
    attempts = int(env_number("AWS_MAX_ATTEMPTS", DEFAULT_AWS_MAX_ATTEMPTS, whole=True, minimum=1, env=env))
    return {"mode": mode, "total_max_attempts": attempts}


AWS_CHECKSUM_SETTINGS = ("AWS_REQUEST_CHECKSUM_CALCULATION", "AWS_RESPONSE_CHECKSUM_VALIDATION")
AWS_CHECKSUM_VALUES = ("when_supported", "when_required")


def aws_checksums(env: Mapping[str, str] | None = None) -> None:
    values = _env(env)
    for name in AWS_CHECKSUM_SETTINGS:
        raw = values.get(name)
        if raw and raw.strip().lower() not in AWS_CHECKSUM_VALUES:
            raise BadInput(f"{name} must be one of {', '.join(AWS_CHECKSUM_VALUES)}, got {raw!r}")


def aws_profile() -> None:
    """AWS_PROFILE / AWS_CONFIG_FILE as botocore reads them: a named profile must exist."""
    import boto3
    from botocore.exceptions import BotoCoreError

    try:
        boto3.session.Session()
    except BotoCoreError as exc:
        raise BadInput(f"AWS configuration (AWS_PROFILE, AWS_CONFIG_FILE): {exc}") from None


def aws_region(env: Mapping[str, str] | None = None) -> str | None:
    """AWS_REGION (or AWS_DEFAULT_REGION) when set: a region name such as us-east-1."""
    values = _env(env)
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        if values.get(name):
            return region(values[name], name)
    return None


def region(raw: str, setting: str) -> str:
    if not _REGION_RE.fullmatch(str(raw)):
        raise BadInput(f"{setting} must be a region name such as us-east-1, got {raw!r}")
    return str(raw)


def key_prefix(raw: str, setting: str) -> str:
    """An S3 key prefix the run's objects go under: '/'-separated segments of letters, digits and
    `_ . = -`, none of them `.` or `..` (a trailing '/' is dropped)."""
    text = str(raw).strip().rstrip("/")
    segments = text.split("/")
    if not text or any(not _KEY_SEGMENT_RE.fullmatch(s) or s in (".", "..") for s in segments):
        raise BadInput(
            f"{setting} {str(raw)!r} is not a key prefix: use segments of letters, digits and _ . = - "
            "separated by '/', without a leading '/', spaces, '.' or '..' (e.g. linkedin/profiles)"
        )
    return text


def bucket(raw: str, setting: str) -> str:
    """An S3 bucket name as AWS and SeaweedFS accept it: 3-63 lower-case letters, digits, '.', '-'."""
    name = str(raw)
    problem = None
    if not _BUCKET_RE.fullmatch(name):
        problem = (
            "3-63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit"
        )
    elif ".." in name or ".-" in name or "-." in name:
        problem = "no two dots in a row and no dot next to a hyphen"
    else:
        try:
            ipaddress.IPv4Address(name)
            problem = "not shaped like an IP address"
        except ValueError:
            pass
    if problem:
        raise BadInput(f"{setting} {name!r} is not a valid bucket name: it needs {problem}")
    return name


def port(raw: str | int, setting: str) -> int:
    value = int(number(str(raw), setting, whole=True, minimum=0))
    if value > 65535:
        raise BadInput(f"{setting} must be a port number from 0 to 65535, got {raw!r}")
    return value


def directory(path: Path, setting: str) -> Path:
    """A directory that exists or can be created: neither it nor a parent may be a file."""
    for candidate in (path, *path.parents):
        if candidate.exists():
            if not candidate.is_dir():
                what = "is a file" if candidate == path else f"sits under {candidate}, which is a file"
                raise BadInput(f"{setting} {path} {what}, not a directory")
            if not os.access(candidate, os.W_OK | os.X_OK):
                raise BadInput(f"{setting} {path} cannot be written: {candidate} is not writable")
            break
    return path


def date(raw: str, setting: str) -> dt.date:
    """A calendar date written YYYY-MM-DD."""
    try:
        return dt.date.fromisoformat(str(raw).strip())
    except ValueError:
        raise BadInput(f"{setting} must be a date YYYY-MM-DD, got {raw!r}") from None


def existing_directory(path: Path, setting: str) -> Path:
    if not path.exists():
        raise BadInput(f"{setting} {path} does not exist")
    if not path.is_dir():
        raise BadInput(f"{setting} {path} is a file, not a directory")
    return path
