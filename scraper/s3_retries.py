"""A log line for each failed S3 attempt that botocore is about to retry, so that a slow or frozen
store shows up as it happens rather than as minutes of silence before the final error."""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)

# Statuses botocore's retry modes retry (throttling and server errors).
_RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504, 509})


def log_retries(client: Any, max_attempts: int) -> None:
    """Register on the client's `needs-retry` event (it fires after every attempt)."""

    def announce(
        attempts: int,
        operation: Any = None,
        response: Any = None,
        caught_exception: Exception | None = None,
        **_: Any,
    ) -> None:
        if caught_exception is not None:
            problem = f"{type(caught_exception).__name__}: {caught_exception}"
        elif response is not None and response[0].status_code in _RETRIED_STATUSES:
            problem = f"HTTP {response[0].status_code}"
        else:
            return
        if attempts >= max_attempts:  # the caller reports the final failure
            return
        log.warning(
            "S3 %s: attempt %d of %d failed (%s); retrying",
            getattr(operation, "name", "request"),
            attempts,
            max_attempts,
            problem,
            extra={"fields": {"attempt": attempts, "max_attempts": max_attempts}},
        )

    client.meta.events.register("needs-retry.s3", announce)
