"""The demo site's HTTP server: sessions, profile pages, barriers and faults.

Routes (see docs/demo-site.md):
  /  (guest home when logged out)  /login (GET form, POST credentials)  /feed/  /in/<id>/
  /in/<id>/details/<section>/ (+ ?content=1&start=N, the batch of its list it loads after the load
  event, or once scrolled to the end)
  /in/<id>/lazy-sections/  /checkpoint/challenge/  /authwall  /__demo/expected/<id>.json

Barriers, faults and the other page classes (guest home, "Profile Not Found", interstitial, an
unrecognised page) are switched per profile id (`DemoSettings.faults`) or for the whole site
(`barrier_after`: every profile view after the N-th meets that barrier).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
import re
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from scraper.demo_site import render
from scraper.demo_site.people import Person, all_people, people_as_of
from scraper.models import DETAILS_PATHS

log = logging.getLogger(__name__)

DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "demo-password"  # noqa: S105 - a public credential of the local demo site, not a secret
# A second demo account (same password), so that several accounts can scrape side by side.
DEMO_EMAIL_2 = "demo-2@example.com"
FAULTS = (
    "checkpoint",
    "authwall",
    "http_999",
    "rate_limit",
    "slow",
    "server_error",
    "never_loads",
    "not_found",
    "private",
    "guest_home",
    "sign_in",
    "profile_not_found",
    "interstitial",
    "unrecognised",
)
# Profile ids that always behave this way, so a profile list alone can show each case.
BUILTIN_FAULT_IDS = {
    "checkpoint-me": "checkpoint",
    "authwall-me": "authwall",
    "denied-999": "http_999",
    "too-many-requests": "rate_limit",
    "slow-page": "slow",
    "flaky-500": "server_error",
    "never-loads": "never_loads",
    "private-profile": "private",
    "guest-home": "guest_home",  # what an expired session gets at a profile URL
    "sign-in-page": "sign_in",
    "profile-not-found": "profile_not_found",
    "interstitial-page": "interstitial",
    "unrecognised-page": "unrecognised",
}
_PROFILE_RE = re.compile(
    r"^/in/(?P<id>[^/]+)/(?:(?P<kind>details|lazy-sections)/(?:(?P<section>[a-z-]+)/)?)?$"
)
_SECTIONS = {path: section for section, path in DETAILS_PATHS.items()}  # details path -> section
_PAGE_CLASSES = ("guest_home", "sign_in", "profile_not_found", "interstitial", "unrecognised")


@dataclass
class DemoSettings:
    email: str = DEMO_EMAIL
    password: str = DEMO_PASSWORD
    # A fixed `li_at` value the site accepts besides the tokens it issues at login (the first account's).
    li_at: str | None = None
    # More accounts (email -> password) besides the first: each logs in and is counted on its own.
    other_accounts: dict[str, str] = field(default_factory=lambda: {DEMO_EMAIL_2: DEMO_PASSWORD})
    faults: dict[str, str] = field(default_factory=dict)
    barrier_after: int | None = None
    # Per account (email): every profile view of that account after the N-th meets `barrier_kind`.
    account_barrier_after: dict[str, int] = field(default_factory=dict)
    barrier_kind: str = "checkpoint"
    welcome_back: bool = False  # the login page first shows LinkedIn's "Welcome back" account chooser
    slow_seconds: float = 3.0
    server_errors_before_ok: int = 2
    # The site as of each day (UTC): JOB_CHANGER moves company from one day to the next, so the daily
    # runs of a long-running demo site (the cluster's) give the warehouse a job change to show.
    daily_job_change: bool = False
    # The whole site stops answering (set while it runs: a site that dies mid-run).
    down: bool = False
    # A layout change rolled out to part of the members, as LinkedIn stages its redesigns: this share
    # of the 2026-layout people (a stable choice by profile id) get a top card whose headline and
    # location the parser no longer reads (people.Variant.linked_top_lines).
    top_card_redesign_share: float = 0.0

    @property
    def accounts(self) -> dict[str, str]:
        """Every account that can log in: email -> password."""
        return {self.email: self.password, **self.other_accounts}


def redesigned(person: Person, share: float) -> Person:
    """`person` as the site shows them while a top-card redesign reaches `share` of the 2026 pages."""
    bucket = int(hashlib.sha256(person.profile_id.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    if person.layout != "sdui" or bucket >= share:
        return person
    return dataclasses.replace(person, variant=dataclasses.replace(person.variant, linked_top_lines=True))


@dataclass(frozen=True)
class ProfileView:
    """One main profile page served: who looked, at what, when (UTC)."""

    account: str
    session: str  # the session cookie's first characters: one login, one browser
    profile_id: str
    at: dt.datetime


class DemoState:
    """Mutable site state shared by the handler threads."""

    def __init__(self, settings: DemoSettings, today: Callable[[], dt.date] | None = None) -> None:
        self.settings = settings
        self.today = today or (lambda: dt.datetime.now(dt.UTC).date())
        self._people: dict[str, Person] | None = None
        # What the built-in slow/flaky ids show once they answer.
        self.stand_in: Person = next(iter(self.people.values()))
        self.tokens: dict[str, str] = {}  # session token -> account email
        self.lock = threading.Lock()
        self.profile_views = 0
        self.views: list[ProfileView] = []
        self.error_counts: dict[str, int] = {}
        self.requests: list[str] = []
        self.stopping = threading.Event()

    @property
    def people(self) -> dict[str, Person]:
        """Everyone the site shows now: set explicitly (a test's or the demo's own), else as of today
        when the settings ask for daily job changes, else the fixed cast."""
        if self._people is not None:
            return self._people
        return people_as_of(self.today()) if self.settings.daily_job_change else all_people()

    @people.setter
    def people(self, people: dict[str, Person]) -> None:
        self._people = people

    def fault_for(self, profile_id: str) -> str | None:
        return self.settings.faults.get(profile_id) or BUILTIN_FAULT_IDS.get(profile_id)

    def session(self, cookie_header: str | None) -> tuple[str, str] | None:
        """(account, token) of the session the request carries; None when it carries none the site knows."""
        cookie = SimpleCookie(cookie_header or "")
        token = cookie["li_at"].value if "li_at" in cookie else None
        if token is None:
            return None
        if self.settings.li_at is not None and token == self.settings.li_at:
            return self.settings.email, token
        with self.lock:
            account = self.tokens.get(token)
        return (account, token) if account else None

    def valid_session(self, cookie_header: str | None) -> bool:
        return self.session(cookie_header) is not None

    def views_by(self, account: str) -> int:
        with self.lock:
            return sum(1 for view in self.views if view.account == account)


# Pages LinkedIn serves in place of a profile, with HTTP 200: only their content says what they are.
def _guest_home() -> tuple[int, str, str]:
    return (
        200,
        "LinkedIn: Log In or Sign Up",
        "<header><a href='/'>LinkedIn</a><a href='/signup/cold-join'>Join now</a>"
        "<a href='/login?fromSignIn=true'>Sign in</a></header><main><section>"
        "<h1>Welcome to your professional community</h1><form action='/uas/login-submit' method='post'>"
        "<input id='session_key' name='session_key' type='text'><input id='session_password' "
        "name='session_password' type='password'><button type='submit'>Sign in</button></form>"
        "</section></main>",
    )


def _page_class_page(kind: str, profile_id: str) -> tuple[int, str, str]:
    if kind == "guest_home":
        return _guest_home()
    if kind == "profile_not_found":
        return (
            200,
            "Profile Not Found | LinkedIn",
            "<header><a href='/signup/cold-join'>Join now</a><a href='/login'>Sign in</a></header><main>"
            "<section><h1>Profile Not Found</h1><p>An exact match for "
            f"{profile_id} could not be found. Try one of these people:</p></section></main>",
        )
    if kind == "interstitial":
        return 200, "", ""
    return (  # unrecognised: a page of the site that is not a profile
        200,
        "Tidewater Bank: Overview | LinkedIn",
        "<main><section><h1>Tidewater Bank</h1><p>Banking · 12,408 followers</p>"
        "<button>Follow</button></section></main>",
    )


_INTERSTITIAL = (
    "<html><head><meta http-equiv='refresh' content='30'><script>document.cookie='trkInfo='"
    "+Math.random().toString(36).slice(2)+'; path=/';</script></head><body></body></html>"
)


def _barrier_page(kind: str) -> tuple[int, str, str]:
    """(status, title, body) of each barrier, as LinkedIn shows them."""
    return {
        "checkpoint": (
            200,
            "Security Verification | LinkedIn",
            "<h1>Let's do a quick security check</h1><p>We noticed unusual activity.</p>",
        ),
        "authwall": (200, "Sign Up | LinkedIn", "<h1>Join LinkedIn</h1><p>Sign in to view this profile.</p>"),
        "http_999": (999, "Request denied", "<h1>Request denied</h1>"),
        "rate_limit": (429, "Too Many Requests", "<h1>Too many requests</h1><p>Please slow down.</p>"),
    }[kind]


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        log.debug("demo-site %s", format % args)

    @property
    def state(self) -> DemoState:
        return self.server.state

    # ----------------------------------------------------------- responses

    def _send(
        self,
        status: int,
        body: str,
        content_type: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _redirect(self, location: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(HTTPStatus.FOUND)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()

    def _not_found(self) -> None:
        """LinkedIn's 404 page, for an unknown path and an unknown profile alike."""
        self._send(
            404, render.page("Page not found | LinkedIn", "<main><h1>This page doesn’t exist</h1></main>")
        )

    def _barrier(self, kind: str, profile_id: str = "") -> None:
        if kind == "checkpoint":
            self._redirect("/checkpoint/challenge/")
        elif kind == "authwall":
            self._redirect("/authwall?trk=public_profile")
        elif kind == "interstitial":
            self._send(200, _INTERSTITIAL)
        elif kind == "sign_in":
            self._redirect(f"/login?session_redirect=%2Fin%2F{profile_id}%2F")
        elif kind in ("guest_home", "profile_not_found", "unrecognised"):
            status, title, body = _page_class_page(kind, profile_id)
            self._send(status, render.page(title, body))
        else:
            status, title, body = _barrier_page(kind)
            self._send(status, render.page(title, body))

    # ----------------------------------------------------------- routes

    def _down(self) -> bool:
        """A site that went away: the connection closes without an answer (the browser's
        ERR_EMPTY_RESPONSE), on connections already open too."""
        if self.state.settings.down:
            self.close_connection = True
        return self.state.settings.down

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        if self._down():
            return
        url = urlparse(self.path)
        with self.state.lock:
            self.state.requests.append(url.path)
        path = url.path
        logged_in = self.state.valid_session(self.headers.get("Cookie"))
        if path == "/" and not logged_in:  # LinkedIn's guest home page
            self._send(200, render.page(*_guest_home()[1:]))
        elif path in ("/", "/feed/", "/feed"):
            if not logged_in:
                self._redirect("/")
                return
            self._send(200, render.page("Feed | LinkedIn", "<main><h1>Your feed</h1></main>"))
        elif path == "/login":
            self._login_form(parse_qs(url.query))
        elif path.startswith("/checkpoint/"):
            self._send(200, render.page(*_barrier_page("checkpoint")[1:]))
        elif path == "/authwall":
            self._send(200, render.page(*_barrier_page("authwall")[1:]))
        elif path.startswith("/__demo/expected/") and path.endswith(".json"):
            person = self.state.people.get(path.removeprefix("/__demo/expected/").removesuffix(".json"))
            if person is None:
                self._send(404, "{}", "application/json")
            else:
                self._send(200, json.dumps(person.profile.to_dict()), "application/json")
        elif m := _PROFILE_RE.match(path):
            query = parse_qs(url.query)
            start = query.get("start", ["0"])[0]
            self._profile(
                m["id"],
                m["kind"],
                m["section"],
                content="content" in query,
                start=int(start) if start.isdigit() else 0,
            )
        else:
            self._not_found()

    def do_POST(self) -> None:  # noqa: N802 - stdlib name
        if self._down():
            return
        if urlparse(self.path).path != "/login":
            self._send(404, "")
            return
        length = int(self.headers.get("Content-Length") or 0)
        form = parse_qs(self.rfile.read(length).decode("utf-8"))
        email = form.get("session_key", [""])[0]
        password = form.get("session_password", [""])[0]
        settings = self.state.settings
        if email in settings.accounts and password == settings.accounts[email]:
            token = secrets.token_hex(16)
            with self.state.lock:
                self.state.tokens[token] = email
            self._redirect("/feed/", {"Set-Cookie": f"li_at={token}; Path=/; HttpOnly"})
        else:
            self._login_form({}, error="Wrong email or password. Try again or create an account.")

    def _login_form(self, query: dict[str, list[str]], error: str | None = None) -> None:
        if self.state.settings.welcome_back and "fresh" not in query and error is None:
            body = (
                "<main><h1>Welcome back</h1><div class='member-profile__details'>"
                f"<button id='remembered-account'>{self.state.settings.email}</button></div>"
                "<a id='other-account' href='/login?fresh=1'>Sign in using another account</a></main>"
            )
            self._send(200, render.page("LinkedIn Login, Sign in | LinkedIn", body))
            return
        err = f"<div id='error-for-password' role='alert'>{error}</div>" if error else ""
        body = (
            "<main><h1>Sign in</h1><form method='post' action='/login'>"
            "<input id='username' name='session_key' type='email' autocomplete='username'>"
            "<input id='password' name='session_password' type='password'>"
            f"{err}<button type='submit' aria-label='Sign in'>Sign in</button></form></main>"
        )
        self._send(200, render.page("LinkedIn Login, Sign in | LinkedIn", body))

    def _profile(
        self, profile_id: str, kind: str | None, section: str | None, content: bool = False, start: int = 0
    ) -> None:
        state = self.state
        session = state.session(self.headers.get("Cookie"))
        if session is None:
            self._redirect("/authwall?trk=public_profile")
            return
        account, token = session
        if kind is None:  # only main pages count towards the barriers
            with state.lock:
                state.profile_views += 1
                state.views.append(ProfileView(account, token[:8], profile_id, dt.datetime.now(dt.UTC)))
                views = state.profile_views
                by_account = sum(1 for view in state.views if view.account == account)
            after = state.settings.barrier_after
            account_after = state.settings.account_barrier_after.get(account)
            if (after is not None and views > after) or (
                account_after is not None and by_account > account_after
            ):
                self._barrier(state.settings.barrier_kind, profile_id)
                return
        fault = state.fault_for(profile_id) if kind is None else None  # faults hit main pages only
        if fault in ("checkpoint", "authwall", "http_999", "rate_limit", *_PAGE_CLASSES):
            self._barrier(fault, profile_id)
            return
        if fault == "never_loads":
            self._never_finish()
            return
        if fault == "slow":
            state.stopping.wait(state.settings.slow_seconds)
        if fault == "server_error":
            with state.lock:
                count = state.error_counts[profile_id] = state.error_counts.get(profile_id, 0) + 1
            if count <= state.settings.server_errors_before_ok:
                self._send(500, render.page("Error | LinkedIn", "<h1>Something went wrong</h1>"))
                return
        if fault == "private":
            self._send(
                200,
                render.page(
                    "LinkedIn",
                    "<main><h1>This profile is not available</h1>"
                    "<p>The profile you’re looking for is private.</p></main>",
                ),
            )
            return
        person = state.people.get(profile_id)
        if person is None and profile_id in BUILTIN_FAULT_IDS:  # slow-page, flaky-500: someone's real page
            person = state.stand_in
        if person is None or fault == "not_found":
            self._not_found()
            return
        person = redesigned(person, state.settings.top_card_redesign_share)
        if kind == "lazy-sections":
            self._send(200, render.lazy_fragment(person))
        elif kind == "details" and section in _SECTIONS and content and person.layout == "sdui":
            self._send(200, render.sdui_details_content(person, _SECTIONS[section], start))
        elif kind == "details" and section in _SECTIONS:
            self._send(200, render.details_page(person, _SECTIONS[section]))
        else:
            self._send(200, render.profile_page(person, notifications=len(profile_id) % 3))

    def _never_finish(self) -> None:
        """Headers and half a page, then nothing until the site stops: the browser never finishes loading."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", "100000")
        self.end_headers()
        self.wfile.write(b"<!DOCTYPE html><html><head><title>Loading | LinkedIn</title></head><body><main>")
        self.wfile.flush()
        self.state.stopping.wait(600)
        self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], state: DemoState) -> None:
        super().__init__(address, _Handler)
        self.state = state


class DemoSite:
    """Run the site in a background thread: `with DemoSite() as site: site.url`."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, settings: DemoSettings | None = None) -> None:
        self.state = DemoState(settings or DemoSettings())
        self._server = _Server((host, port), self.state)
        self._thread: threading.Thread | None = None

    @property
    def settings(self) -> DemoSettings:
        return self.state.settings

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def person(self, profile_id: str) -> Person:
        return self.state.people[profile_id]

    def start(self) -> DemoSite:
        self._thread = threading.Thread(target=self._server.serve_forever, name="demo-site", daemon=True)
        self._thread.start()
        log.info("demo site listening on %s", self.url)
        return self

    def serve_forever(self) -> None:
        log.info("demo site listening on %s", self.url)
        self._server.serve_forever()

    def stop(self) -> None:
        self.state.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> DemoSite:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
