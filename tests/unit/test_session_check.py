"""The logged-in check before the first profile: only the feed itself counts as a session."""

from __future__ import annotations

import pytest

from scraper.browser import PageSnapshot
from scraper.session import not_logged_in_reason
from tests.conftest import OWN_FIXTURES

_FEED = "<html><head><title>Feed | LinkedIn</title></head><body><main><h1>Your feed</h1></main></body></html>"


def _page(url: str, html: str, status: int = 200) -> PageSnapshot:
    return PageSnapshot(url, "", "", html, status)


def _fixture(name: str) -> str:
    return (OWN_FIXTURES / "pages" / f"{name}.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("page", "reason"),
    [
        (_page("https://www.linkedin.com/feed/", _FEED), None),
        (_page("https://www.linkedin.com/", _fixture("guest-home")), "sign_in_page"),  # expired li_at
        (_page("https://www.linkedin.com/login?session_redirect=%2Ffeed%2F", _fixture("sign-in")), "login"),
        (_page("https://www.linkedin.com/checkpoint/challenge/x", _fixture("checkpoint")), "checkpoint"),
        (_page("https://www.linkedin.com/feed/", _fixture("interstitial")), "interstitial"),
        (_page("https://www.linkedin.com/feed/", "", 999), "http_999"),
        (_page("https://www.linkedin.com/company/x/", _fixture("company-page")), "logged_out"),
    ],
)
def test_only_the_feed_itself_is_a_session(page: PageSnapshot, reason: str | None) -> None:
    assert not_logged_in_reason(page) == reason
