"""A small client for Airbyte's public API (/api/public/v1), used by provisioning only (the sync runs
through the Airflow provider): client-credentials tokens refreshed before they expire or when
rejected, bounded retries with backoff on 5xx and connection errors. A slow call (a source's discover)
waits longer, says so in the log while it waits, and is never sent twice while it may still run."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from typing import Any
from urllib.parse import urljoin, urlparse

import requests

from scraper.errors import AirbyteError

log = logging.getLogger(__name__)

# What the provider's hook uses when the connection has no token URL (schema).
DEFAULT_TOKEN_PATH = "v1/applications/token"
WRITES_FORBIDDEN_ISSUE = "https://github.com/airbytehq/airbyte/issues/76439"
# A slow call's bound: a source's discover on a cold cluster (image pull, then the discover pod).
SLOW_TIMEOUT_S = 900.0


class AirbyteWritesForbidden(AirbyteError):
    """Airbyte answers POST with 403 under a token it accepts for GET (OSS 2.x, airbytehq/airbyte#76439).

    Retrying cannot help: the task should fail at once, with this sentence.
    """


def token_url_for(api_url: str, token_path: str | None) -> str:
    """The token URL exactly as the provider's SDK (airbyte-api) builds it from the connection:
    `urljoin(host without trailing slash, schema)` unless the schema is an absolute URL.

    So host `http://airbyte:8001/api/public/v1` with `v1/applications/token` (the hook's default)
    gives `…/api/public/v1/applications/token`: the host's last segment is replaced. The SDK's own
    default `/applications/token` and a bare `applications/token` miss the API and get 404
    (airbyte-api-python-sdk#121). Provisioning joins the same way so that one connection serves
    both it and the sync, and a wrong pair already fails in provisioning.
    """
    path = token_path or DEFAULT_TOKEN_PATH
    return path if urlparse(path).netloc else urljoin(api_url.rstrip("/"), path)


class _Answer(dict):
    """A JSON object from the API. A field it lacks is an AirbyteError naming the request and the
    field (one line for the user), not a KeyError deep in the provisioning code."""

    what = "the Airbyte API"

    def __missing__(self, key: object) -> Any:
        raise AirbyteError(f"{self.what} answered JSON without the field {key!r}")


def _json(response: requests.Response, what: str) -> Any:
    """The body as JSON, or one line saying what came instead (a proxy's HTML page, say)."""

    def answer(pairs: dict[str, Any]) -> _Answer:
        obj = _Answer(pairs)
        obj.what = what
        return obj

    try:
        data = response.json(object_hook=answer)
    except ValueError:
        kind = response.headers.get("Content-Type", "no content type").split(";")[0]
        start = " ".join(response.text[:80].split())
        raise AirbyteError(
            f"{what} answered HTTP {response.status_code} with {kind}, not JSON ({start!r}): "
            "is the URL that of Airbyte's public API?",
            response.status_code,
        ) from None
    return data


def _json_object(data: Any, what: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise AirbyteError(f"{what} answered a JSON {type(data).__name__}, not an object")
    return data


@contextmanager
def _waiting_lines(what: str, every_s: float) -> Iterator[None]:
    """A log line every `every_s` while the block runs: a long wait is visible in the task log."""
    done, started = threading.Event(), time.monotonic()

    def tell() -> None:
        while not done.wait(every_s):
            log.info("still waiting for %s (%.0f s so far)", what, time.monotonic() - started)

    teller = threading.Thread(target=tell, name="airbyte-wait-log", daemon=True)
    teller.start()
    try:
        yield
    finally:
        done.set()
        teller.join()


class AirbyteClient:
    def __init__(
        self,
        api_url: str,
        client_id: str,
        client_secret: str,
        token_url: str | None = None,
        *,
        max_attempts: int = 4,
        backoff_s: float = 1.0,
        timeout_s: float = 30.0,
        slow_timeout_s: float = SLOW_TIMEOUT_S,
        wait_log_every_s: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.api_url = api_url.rstrip("/") + "/"
        self.token_url = token_url or urljoin(self.api_url, "applications/token")
        self._reads_worked = False
        self._client_id = client_id
        self._client_secret = client_secret
        self.max_attempts, self.backoff_s, self.timeout_s, self.sleep = (
            max_attempts,
            backoff_s,
            timeout_s,
            sleep,
        )
        # A slow call's own bound (`request(..., slow=...)`), and how often a wait for it is logged.
        self.slow_timeout_s, self.wait_log_every_s = slow_timeout_s, wait_log_every_s
        self.session = requests.Session()
        self._token: str | None = None
        self._token_expires = 0.0

    def __repr__(self) -> str:
        return f"AirbyteClient({self.api_url!r})"

    @classmethod
    def from_connection(
        cls, host: str, login: str, password: str, schema: str | None, **kwargs: Any
    ) -> AirbyteClient:
        """From the Airflow connection `airbyte_default`: host = API URL, login/password = client
        id/secret, schema = token URL, read the way the provider's hook reads them."""
        if not host or bool(login) != bool(password):
            raise AirbyteError(
                "the Airbyte connection needs host (API URL), and login (client id) and password (client "
                "secret) both or neither (an Airbyte with auth off): check AIRFLOW_CONN_AIRBYTE_DEFAULT in "
                "the airflow-connections Secret"
            )
        return cls(host, login, password, token_url_for(host, schema), **kwargs)

    # ------------------------------------------------------------------ transport

    def _retrying(
        self, what: str, send: Callable[[], requests.Response], *, slow: str | None = None
    ) -> requests.Response:
        for attempt in range(1, self.max_attempts + 1):
            try:
                response = send()
            except requests.ReadTimeout as exc:
                if slow:  # the server may still be at it: a second request would start a second one
                    raise AirbyteError(
                        f"{what}: no answer within {self.slow_timeout_s:.0f} s ({slow}); not sent again "
                        "while the first may still run"
                    ) from exc
                problem = f"{type(exc).__name__}: {exc}"
            except requests.RequestException as exc:
                problem = f"{type(exc).__name__}: {exc}"
            else:
                if response.status_code < 500:
                    return response
                problem = f"HTTP {response.status_code}"
            if attempt == self.max_attempts:
                raise AirbyteError(f"{what} failed after {attempt} attempts: {problem}")
            delay = self.backoff_s * 2 ** (attempt - 1)
            log.warning(
                "%s: %s; retrying in %.1fs (attempt %d/%d)", what, problem, delay, attempt, self.max_attempts
            )
            self.sleep(delay)
        raise AssertionError("unreachable")

    def _fetch_token(self) -> None:
        body = {
            "client_id": self._client_id,
            "client_secret": self._client_secret,
            # The spec names the field both ways (required "grant_type", property "grant-type"); Airbyte
            # reads "grant-type". Sending both satisfies either reading.
            "grant-type": "client_credentials",
            "grant_type": "client_credentials",
        }
        response = self._retrying(
            f"POST {self.token_url}",
            lambda: self.session.post(self.token_url, json=body, timeout=self.timeout_s),
        )
        if response.status_code in (400, 401, 403):
            raise AirbyteError(
                f"Airbyte refused the client credentials at {self.token_url} (HTTP {response.status_code}): check "
                "global.auth.instanceAdmin clientId/clientSecret and AIRFLOW_CONN_AIRBYTE_DEFAULT",
                response.status_code,
            )
        if response.status_code == 404:
            raise AirbyteError(
                f"token request to {self.token_url} answered HTTP 404: Airbyte serves tokens at "
                "<API URL>/applications/token; give airbyte_default the host …/api/public/v1 and the "
                "token URL (schema) v1/applications/token (docs/warehouse.md)",
                404,
            )
        if response.status_code != 200:
            raise AirbyteError(
                f"token request to {self.token_url} answered HTTP {response.status_code}",
                response.status_code,
            )
        data = _json_object(_json(response, what := f"token request to {self.token_url}"), what)
        if not isinstance(data.get("access_token"), str):
            raise AirbyteError(f"token request to {self.token_url} answered JSON without an access_token")
        self._token = data["access_token"]
        self._token_expires = time.monotonic() + float(data.get("expires_in") or 180)
        log.info(
            "obtained an Airbyte access token from %s (expires in %ss)",
            self.token_url,
            data.get("expires_in"),
        )

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        slow: str | None = None,
    ) -> Any:
        """`slow` names what the server does meanwhile (e.g. a discover pod): the call may then take up
        to `slow_timeout_s`, is logged every `wait_log_every_s` while it waits, and a timeout is final."""
        url = urljoin(self.api_url, path.lstrip("/"))
        timeout = (self.timeout_s, self.slow_timeout_s) if slow else self.timeout_s
        for refreshed in (False, True):
            headers = {"Accept": "application/json"}
            if self._client_id:  # without a client pair: an Airbyte with auth off, no token to send
                if self._token is None or time.monotonic() > self._token_expires - 30:
                    self._fetch_token()
                headers["Authorization"] = f"Bearer {self._token}"
            with _waiting_lines(f"{method} {url}: {slow}", self.wait_log_every_s) if slow else nullcontext():
                response = self._retrying(
                    f"{method} {url}",
                    lambda h=headers: self.session.request(
                        method, url, params=params, json=json, headers=h, timeout=timeout
                    ),
                    slow=slow,
                )
            if response.status_code == 401 and not refreshed:
                log.info("Airbyte answered 401 to %s %s; refreshing the token", method, url)
                self._token = None
                continue
            if response.status_code == 401:
                raise AirbyteError(f"Airbyte rejected a fresh token for {method} {url} (HTTP 401)", 401)
            if response.status_code == 403 and method != "GET" and self._reads_worked:
                raise AirbyteWritesForbidden(
                    f"Airbyte answered {method} {url} with 403 although it accepts this token for reads: "
                    "this Airbyte lets the application token read but not write, a known problem of "
                    f"Airbyte OSS 2.x ({WRITES_FORBIDDEN_ISSUE}); neither provisioning nor the sync can "
                    "run through the public API until it is fixed there (see docs/warehouse.md)",
                    403,
                )
            if response.status_code >= 400:
                raise AirbyteError(
                    f"{method} {url} answered HTTP {response.status_code}: {response.text[:300]}",
                    response.status_code,
                )
            log.info("%s %s -> %d", method, url, response.status_code)
            self._reads_worked = self._reads_worked or method == "GET"
            return _json(response, f"{method} {url}") if response.content else None
        raise AssertionError("unreachable")

    def list_all(self, path: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        """Every item of a paged list endpoint (`data` + `next`)."""
        items: list[dict[str, Any]] = []
        offset, limit = 0, 100
        while True:
            page = _json_object(
                self.request("GET", path, params={**params, "limit": limit, "offset": offset}), f"GET {path}"
            )
            data = page.get("data") or []
            items.extend(data)
            if not page.get("next") or len(data) < limit:
                return items
            offset += limit
