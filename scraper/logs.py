"""Logging on stderr, with secret values scrubbed from every line.

JSON lines by default (pods, pipes, files: `kubectl logs` and Airflow's task log show them verbatim);
plain `HH:MM:SS level message key=value` lines when stderr is a terminal. Either way a credential that
slipped into a message (an exception text quoting a URL with a password, say) is replaced before it is
written.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import time
from typing import IO

# Environment variables whose values must never reach a log line.
SECRET_ENV = (
    "LINKEDIN_LI_AT",
    "LINKEDIN_PASSWORD",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AIRBYTE_CLIENT_SECRET",
    "WAREHOUSE_PASSWORD",
    "DEMO_LI_AT",  # the demo site's fixed session cookie: a credential, if only a demo's
)
REDACTED = "***"


def secret_values(env: dict[str, str] | None = None) -> list[str]:
    env = os.environ if env is None else env
    # Very short values would redact ordinary words; real secrets are long.
    return sorted((v for k in SECRET_ENV if len(v := env.get(k, "")) >= 6), key=len, reverse=True)


_URL_USERINFO_RE = re.compile(r"(?<=://)[^/\s@]+@")


def redact(text: str, secrets: list[str]) -> str:
    for value in secrets:
        text = text.replace(value, REDACTED)
    return _URL_USERINFO_RE.sub(f"{REDACTED}@", text)


def redact_text(text: str) -> str:
    """`redact` with the secrets of the current environment."""
    return redact(text, secret_values())


class JsonFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__()
        self._secrets = secret_values()

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in getattr(record, "fields", {}).items():
            entry[key] = value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return redact(json.dumps(entry, ensure_ascii=False, default=str), self._secrets)


class TextFormatter(logging.Formatter):
    """One line a person reads: local time, level, message, then the structured fields as key=value."""

    def __init__(self) -> None:
        super().__init__()
        self._secrets = secret_values()

    def format(self, record: logging.LogRecord) -> str:
        stamp = time.strftime("%H:%M:%S", time.localtime(record.created))
        line = f"{stamp} {record.levelname:<7} {record.getMessage()}"
        fields = getattr(record, "fields", {})
        if fields:
            line += "  " + " ".join(f"{k}={v}" for k, v in fields.items())
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return redact(line, self._secrets)


def wants_text(fmt: str, stream: IO[str]) -> bool:
    """`auto` means text on a terminal, JSON anywhere else (a pod's stderr is never a terminal)."""
    if fmt == "auto":
        isatty = getattr(stream, "isatty", None)
        return bool(isatty and isatty())
    return fmt == "text"


def configure(level: str = "INFO", fmt: str = "json") -> None:
    """Route every logger to one handler on stderr (idempotent); `fmt` is json, text or auto."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_scraper_json", False):
            root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(TextFormatter() if wants_text(fmt, sys.stderr) else JsonFormatter())
    handler._scraper_json = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level.upper())
    # Third-party chatter (selenium's HTTP calls, botocore retries) is noise at INFO.
    for noisy in ("urllib3", "selenium", "botocore", "boto3", "s3transfer"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
