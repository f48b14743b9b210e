"""A page fetcher with the scraper's `Browser` interface over plain HTTP, for tests that run the
pipeline for weeks of simulated days against the demo site, where real Chromium would take hours.

It keeps cookies, follows redirects, posts the login form and reports each page's final URL, status,
title and visible text as the browser's snapshot does; it runs no JavaScript, so the demo site's
lazily loaded sections stay empty. Everything else a scrape does (login, classification, parsing,
the cap, the lease, the run directory) is the product's own code. Real Chromium is tested in
tests/browser/.
"""

from __future__ import annotations

import http.cookiejar
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from http.client import HTTPResponse

from bs4 import BeautifulSoup

from scraper.browser import PageSnapshot
from scraper.errors import PageLoadError

_TEXT_CHARS = 2000  # as much of the visible text as the browser's snapshot carries


class HttpBrowser:
    def __init__(self, *_: object, timeout_s: float = 30.0) -> None:
        self.cookies = http.cookiejar.CookieJar()
        self._opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        self.timeout_s = timeout_s
        self.pages_fetched = 0
        self._last: PageSnapshot | None = None

    def _request(self, request: urllib.request.Request) -> PageSnapshot:
        url = request.full_url
        try:
            response: HTTPResponse = self._opener.open(request, timeout=self.timeout_s)
        except urllib.error.HTTPError as exc:  # 4xx/5xx/999: a page all the same
            response = exc  # type: ignore[assignment]
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            raise PageLoadError(url, str(getattr(exc, "reason", exc))) from None
        with response:
            html = response.read().decode("utf-8", "replace")
            final_url, status = response.geturl(), response.status
        soup = BeautifulSoup(html, "lxml")
        title = soup.title.get_text(strip=True) if soup.title else ""
        text = soup.body.get_text("\n", strip=True)[:_TEXT_CHARS] if soup.body else ""
        self._last = PageSnapshot(final_url, title, text, html, status)
        return self._last

    def open(
        self, url: str, *, scroll: bool = True, more: Callable[[PageSnapshot], bool] | None = None
    ) -> PageSnapshot:
        """The page as served: without JavaScript, a list that loads while scrolled stays as it is."""
        snapshot = self._request(urllib.request.Request(url))
        self.pages_fetched += 1
        return snapshot

    def set_cookie(self, url: str, name: str, value: str, secure: bool) -> None:
        host = urllib.parse.urlsplit(url).hostname or ""
        self.cookies.set_cookie(
            http.cookiejar.Cookie(
                0,
                name,
                value,
                None,
                False,
                host,
                False,
                False,
                "/",
                True,
                secure,
                None,
                False,
                None,
                None,
                {},
            )
        )

    def fill_login_form(self, email: str, password: str, timeout_s: float = 15.0) -> PageSnapshot:
        if (
            self._last is None
            or 'id="username"' not in self._last.html
            and "id='username'" not in self._last.html
        ):
            raise PageLoadError(self._last.url if self._last else "?", "no sign-in form")
        form = urllib.parse.urlencode({"session_key": email, "session_password": password}).encode()
        action = urllib.parse.urljoin(self._last.url, "/login")
        return self._request(urllib.request.Request(action, data=form, method="POST"))

    def click_link_text(self, text: str) -> bool:
        return False

    def quit(self) -> None:
        self.cookies.clear()
