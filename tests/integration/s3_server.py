"""A real S3 HTTP server on 127.0.0.1 (moto's ThreadedMotoServer) behind a small proxy that counts
requests, can check the access key, and can play dead, so tests see what the server saw."""

from __future__ import annotations

import http.client
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from moto.server import ThreadedMotoServer

_KEY_RE = re.compile(r"Credential=([^/]+)/")
_HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "proxy-connection", "host"}


@dataclass
class ProxyState:
    upstream: tuple[str, int]
    access_key: str | None = None
    down: bool = False
    fail_after_puts: int | None = None  # go down once this many PUTs went through
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, method: str) -> int:
        return sum(1 for m, _, _ in self.requests if m == method)


class _Proxy(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _ProxyServer

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        return

    def _handle(self) -> None:
        state = self.server.state
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        with state.lock:
            if (
                state.fail_after_puts is not None
                and self.command == "PUT"
                and state.count("PUT") >= state.fail_after_puts
            ):
                state.down = True
            if state.down:
                self.close_connection = True
                self.connection.close()  # like a server that went away mid-upload
                return
            state.requests.append((self.command, self.path, dict(self.headers)))
        key = _KEY_RE.search(self.headers.get("Authorization", ""))
        if state.access_key and (key is None or key.group(1) != state.access_key):
            payload = (
                b"<?xml version='1.0' encoding='UTF-8'?><Error><Code>InvalidAccessKeyId</Code><Message>"
                b"The AWS Access Key Id you provided does not exist in our records.</Message></Error>"
            )
            self.send_response(403)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(payload) if self.command != "HEAD" else 0))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)
            return
        conn = http.client.HTTPConnection(*state.upstream, timeout=60)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_HEADERS}
        headers["Host"] = self.headers.get("Host", "")
        conn.request(self.command, self.path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        self.send_response(resp.status)
        for k, v in resp.getheaders():
            if k.lower() not in _HOP_HEADERS and k.lower() != "content-length":
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        conn.close()

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _handle  # noqa: N815 - stdlib names


class _ProxyServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, state: ProxyState) -> None:
        super().__init__(("127.0.0.1", 0), _Proxy)
        self.state = state


class S3Server:
    """moto + counting proxy; `endpoint` is what clients use."""

    def __init__(self) -> None:
        self.moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)

    def start(self) -> S3Server:
        self.moto.start()
        self.state = ProxyState(self.moto.get_host_and_port())
        self.proxy = _ProxyServer(self.state)
        threading.Thread(target=self.proxy.serve_forever, daemon=True).start()
        return self

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.proxy.server_address[1]}"

    @property
    def moto_endpoint(self) -> str:
        host, port = self.moto.get_host_and_port()
        return f"http://{host}:{port}"

    def reset_counts(self) -> None:
        with self.state.lock:
            self.state.requests.clear()

    def stop(self) -> None:
        self.proxy.shutdown()
        self.proxy.server_close()
        self.moto.stop()
