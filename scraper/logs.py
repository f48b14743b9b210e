"""JSON-lines logging on stderr, with secret values scrubbed from every line.

`kubectl logs` and Airflow's task log show these lines verbatim, so a credential that slipped into a
message (an exception text quoting a URL with a token, say) is replaced before it is written.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time

# Environment variables whose values must never reach a log line.
SECRET_ENV = (
    "LINKEDIN_LI_AT",
    "LINKEDIN_PASSWORD",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AIRBYTE_CLIENT_SECRET",
    "WAREHOUSE_PASSWORD",
)
REDACTED = "***"


def secret_values(env: dict[str, str] | None = None) -> list[str]:
    env = os.environ if env is None else env
    # Very short values would redact ordinary words; real secrets are long.
    return sorted((v for k in SECRET_ENV if len(v := env.get(k, "")) >= 6), key=len, reverse=True)


def redact(text: str, secrets: list[str]) -> str:
    for value in secrets:
        text = text.replace(value, REDACTED)
    return text


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


def configure(level: str = "INFO") -> None:
    """Route every logger to one JSON handler on stderr (idempotent)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_scraper_json", False):
            root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler._scraper_json = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level.upper())
    # Third-party chatter (selenium's HTTP calls, botocore retries) is noise at INFO.
    for noisy in ("urllib3", "selenium", "botocore", "boto3", "s3transfer"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
