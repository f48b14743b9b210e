"""A failing S3 is visible while botocore retries: one line per failed attempt, then the usual error."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from botocore.exceptions import ClientError

from scraper.upload import s3_client


class _Unavailable(BaseHTTPRequestHandler):
    def _answer(self) -> None:
        self.send_response(503)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_HEAD = do_GET = do_PUT = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def unavailable_s3() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Unavailable)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_each_retried_attempt_is_logged(
    unavailable_s3: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing-secret"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "3")
    monkeypatch.setenv("AWS_RETRY_MODE", "standard")
    client = s3_client(unavailable_s3)
    with caplog.at_level(logging.WARNING, logger="scraper.s3_retries"), pytest.raises(ClientError):
        client.head_bucket(Bucket="profiles")
    assert caplog.messages == [
        "S3 HeadBucket: attempt 1 of 3 failed (HTTP 503); retrying",
        "S3 HeadBucket: attempt 2 of 3 failed (HTTP 503); retrying",
    ]
