"""Headless Chromium through Selenium: one browser per run, explicit waits, restart on crash.

Fetching only: no HTML parsing here (that is `scraper.parse`). What a page shows comes back as a
`PageSnapshot` in one WebDriver round trip.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from selenium import webdriver
from selenium.common.exceptions import (
    InvalidSessionIdException,
    NoSuchWindowException,
    TimeoutException,
    WebDriverException,
)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, stop_after_delay, wait_fixed
from urllib3.exceptions import HTTPError as Urllib3Error

from scraper.errors import BrowserUnavailable, PageLoadError, ScraperError, one_line
from scraper.snapshot import PageSnapshot

log = logging.getLogger(__name__)

# Flags that keep headless Chromium quiet and working in a container without a sandbox or /dev/shm.
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-extensions",
    "--mute-audio",
    "--window-size=1280,1000",
    # Memory: one site is visited, so one renderer suffices; no images are read, so none are decoded.
    "--renderer-process-limit=1",
    "--disable-frame-rate-limit",
    "--disable-gpu-vsync",
    "--blink-settings=imagesEnabled=false",
    "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication",
)

# Installed in every new document: counts in-flight fetch/XHR requests, and scrolls to the bottom as
# soon as the page has loaded, noting when a frame has been rendered since (lazy loaders run then).
# Doing this inside the page overlaps the first scroll with WebDriver's own round trip.
_PAGE_HELPER_JS = """
(() => { if (window.__pipelineInflight !== undefined) return;
  window.__pipelineInflight = 0; window.__pipelineNetAt = 0;
  const mark = () => { window.__pipelineNetAt = performance.now(); };
  const f = window.fetch; window.fetch = function() { window.__pipelineInflight++; mark();
    return f.apply(this, arguments).finally(() => { window.__pipelineInflight--; mark(); }); };
  // A page reads the body after fetch() resolves: a body being read counts as in flight, too.
  for (const name of ['text', 'json', 'blob', 'arrayBuffer']) { const read = Response.prototype[name];
    Response.prototype[name] = function() { window.__pipelineInflight++;
      return read.apply(this, arguments).finally(() => { window.__pipelineInflight--; mark(); }); }; }
  const send = XMLHttpRequest.prototype.send; XMLHttpRequest.prototype.send = function() {
    window.__pipelineInflight++; mark();
    this.addEventListener('loadend', () => { window.__pipelineInflight--; mark(); });
    return send.apply(this, arguments); };
  window.__pipelineScrolled = null;
  window.__pipelineScrollDown = () => { window.scrollTo(0, document.documentElement.scrollHeight);
    // Chromium drops the scroll event of a programmatic scroll before the first frame; send one.
    window.dispatchEvent(new Event('scroll')); };
  window.addEventListener('load', () => { window.__pipelineScrollDown();
    const h = document.documentElement.scrollHeight;
    requestAnimationFrame(() => setTimeout(() => { window.__pipelineScrolled = h; }, 0)); });
})();
"""

# Scroll to the bottom until the page stops growing and no request is in flight (or time runs out).
# Resolves at once when the load-time scroll above already saw a rendered frame with nothing pending.
_SCROLL_JS = """
const finish = arguments[arguments.length - 1]; const deadline = Date.now() + arguments[0];
const done = (rounds) => finish([rounds].concat(__SNAPSHOT__));
const root = document.documentElement; let rounds = 0;
// Quiet: same height, nothing in flight, and 20 ms since the last response was read (the page has
// applied it by then: marks come after body reads and XHR loadend, which follow the handlers).
const quiet = (last) => root.scrollHeight === last && (window.__pipelineInflight || 0) === 0
  && performance.now() - (window.__pipelineNetAt || 0) > 20;
if (window.__pipelineScrolled !== null && window.__pipelineScrolled !== undefined
    && quiet(window.__pipelineScrolled) && root.scrollTop + window.innerHeight >= root.scrollHeight - 2) {
  done(0);
} else {
  let last = root.scrollHeight;
  const step = () => { window.__pipelineScrollDown(); rounds++;
    requestAnimationFrame(() => setTimeout(() => {
      if (quiet(last)) { done(rounds); return; }
      if (Date.now() > deadline) { done(-rounds); return; }
      const grew = root.scrollHeight !== last; last = root.scrollHeight;
      grew ? step() : setTimeout(step, 10); }, 0)); };
  step();
}
"""

# One more scroll to the end of a list that loads its next items only when scrolled there (LinkedIn's
# 2026 /details/ lists): resolves [grew, ...snapshot] once the page has grown and gone quiet, or after
# `patience` ms without growth (twice that while a request is still in flight).
_MORE_JS = """
const finish = arguments[arguments.length - 1]; const patience = arguments[0];
const root = document.documentElement; const before = root.scrollHeight; const t0 = performance.now();
const idle = () => (window.__pipelineInflight || 0) === 0
  && performance.now() - (window.__pipelineNetAt || 0) > 20;
window.__pipelineScrollDown();
const poll = () => { const waited = performance.now() - t0; const grew = root.scrollHeight !== before;
  if ((grew && idle()) || (waited > patience && (idle() || waited > 2 * patience))) {
    finish([grew].concat(__SNAPSHOT__)); return; }
  setTimeout(poll, 25); };
requestAnimationFrame(() => setTimeout(poll, 0));
"""

# What a page shows, in one round trip. innerText (not textContent) so that the text of scripts and
# embedded JSON, which real pages carry in <code> blocks, can never look like a barrier.
_SNAPSHOT_EXPR = """[location.href, document.title,
  document.body ? document.body.innerText.slice(0, 2000) : '',
  document.documentElement.outerHTML,
  (performance.getEntriesByType('navigation')[0] || {}).responseStatus || 0]"""
_SNAPSHOT_JS = "return " + _SNAPSHOT_EXPR + ";"
_SCROLL_JS = _SCROLL_JS.replace("__SNAPSHOT__", "(() => " + _SNAPSHOT_EXPR + ")()")
_MORE_JS = _MORE_JS.replace("__SNAPSHOT__", "(() => " + _SNAPSHOT_EXPR + ")()")


# Where Chromium shows its own error page when a load fails without an exception (an empty response,
# a connection reset after the headers): the site did not answer, whatever the page says.
_BROWSER_ERROR_PAGE = "chrome-error://"


def _loaded(url: str, page: PageSnapshot) -> PageSnapshot:
    if page.url.startswith(_BROWSER_ERROR_PAGE):
        reason = next((line for line in page.text.splitlines() if line.strip()), "") or page.title
        raise PageLoadError(url, f"the browser shows its error page: {one_line(reason) or 'no answer'}")
    return page


class BrowserCrashed(ScraperError):
    """Chromium or chromedriver went away; the run restarts the browser and goes on."""


@dataclass(slots=True)
class BrowserConfig:
    chromium: str = field(default_factory=lambda: os.environ.get("CHROMIUM_BINARY", "/usr/bin/chromium"))
    chromedriver: str = field(default_factory=lambda: os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    page_load_timeout_s: float = 30.0
    scroll_timeout_s: float = 8.0
    # A list that loads more items only while scrolled (`open(url, more=...)`): scrolled to its end again
    # while items are missing, until a scroll brings nothing within `list_patience_s`, or after
    # `list_max_scrolls` scrolls or `list_timeout_s` in all (docs/cli.md, "Pages per profile").
    list_patience_s: float = 3.0
    list_max_scrolls: int = 40
    list_timeout_s: float = 90.0
    user_agent: str | None = None
    # A browser that cannot start stops the run after this many short tries, not after hours; a try
    # that already took this long (chromedriver waits 60 s for a Chromium that hangs) is not repeated.
    start_attempts: int = 2
    start_retry_within_s: float = 20.0
    probe_timeout_s: float = 10.0


_CRASH_ERRORS = (InvalidSessionIdException, NoSuchWindowException, Urllib3Error, ConnectionError)
_CRASH_WORDS = (
    "chrome not reachable",
    "session deleted",
    "disconnected",
    "no such session",
    "target window already closed",
    "cannot determine loading status",
    "unable to receive message",
)


def _is_crash(exc: Exception) -> bool:
    if isinstance(exc, _CRASH_ERRORS):
        return True
    return isinstance(exc, WebDriverException) and any(w in (exc.msg or "").lower() for w in _CRASH_WORDS)


def _run_version(binary: str, timeout_s: float) -> tuple[int, str, str]:
    """`binary --version` in its own process group, all of which is killed afterwards: Debian's
    chromium is a shell script, and a hung one would otherwise leave its children behind."""
    proc = subprocess.Popen(
        [binary, "--version"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = proc.communicate(timeout=timeout_s)
        return proc.returncode, stdout, stderr
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()


class Browser:
    """One Chromium for the whole run; after `quit()` (a crash, say) the next use starts a new one."""

    def __init__(self, config: BrowserConfig | None = None) -> None:
        self.config = config or BrowserConfig()
        self._driver: webdriver.Chrome | None = None
        self._profile_dir: str | None = None
        self.pages_fetched = 0

    @property
    def driver(self) -> webdriver.Chrome:
        if self._driver is None:
            self.start()
        assert self._driver is not None
        return self._driver

    def _probe(self) -> None:
        """Both binaries run and say what they are, within seconds: a wrong or broken binary is named
        at once instead of after Selenium's half-minute wait for a driver that never answers."""
        for what, binary in (("Chromium", self.config.chromium), ("chromedriver", self.config.chromedriver)):
            if not os.access(binary, os.X_OK):
                raise BrowserUnavailable(
                    f"{what} {binary} not found: install Debian's chromium and chromium-driver, "
                    "or set CHROMIUM_BINARY / CHROMEDRIVER"
                )
            try:
                returncode, stdout, stderr = _run_version(binary, self.config.probe_timeout_s)
            except subprocess.TimeoutExpired:
                raise BrowserUnavailable(
                    f"{what} {binary} did not answer --version within {self.config.probe_timeout_s:g} s"
                ) from None
            except OSError as exc:
                raise BrowserUnavailable(f"{what} {binary} cannot be run: {one_line(exc)}") from None
            if returncode != 0 or "chrom" not in stdout.lower():
                said = one_line(stdout or stderr or f"exit status {returncode}")
                raise BrowserUnavailable(f"{what} {binary} is not a working {what} (--version: {said})")

    def start(self) -> None:
        """Start chromedriver and Chromium: a probe, then a couple of short tries (a renderer hung under
        load is worth another one); if none works, `BrowserUnavailable` stops the run."""
        self._probe()
        retrying = Retrying(
            stop=stop_after_attempt(self.config.start_attempts)
            | stop_after_delay(self.config.start_retry_within_s),
            wait=wait_fixed(1),
            retry=retry_if_exception_type(BrowserCrashed),
            reraise=True,
        )
        try:
            retrying(self._start_once)
        except BrowserCrashed as exc:
            tries = retrying.statistics.get("attempt_number", 1)
            raise BrowserUnavailable(
                f"Chromium {self.config.chromium} with chromedriver {self.config.chromedriver} "
                f"did not start ({tries} {'try' if tries == 1 else 'tries'}): {exc}"
            ) from None
        log.info("browser started", extra={"fields": {"pid": self.browser_pid()}})

    def _start_once(self) -> None:
        options = webdriver.ChromeOptions()
        options.binary_location = self.config.chromium
        for flag in CHROMIUM_FLAGS:
            options.add_argument(flag)
        # A fresh profile per browser: nothing leaks between runs, and /tmp is the pod's writable emptyDir.
        self._profile_dir = tempfile.mkdtemp(prefix="chromium-profile-")
        options.add_argument(f"--user-data-dir={self._profile_dir}")
        if self.config.user_agent:
            options.add_argument(f"--user-agent={self.config.user_agent}")
        options.page_load_strategy = "normal"
        # An explicit driver path keeps Selenium Manager from trying to download one.
        service = Service(executable_path=self.config.chromedriver)
        try:
            self._driver = webdriver.Chrome(service=service, options=options)
            self._driver.set_page_load_timeout(self.config.page_load_timeout_s)
            self._driver.set_script_timeout(
                max(self.config.scroll_timeout_s, 2 * self.config.list_patience_s) + 5
            )
            self._driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": _PAGE_HELPER_JS})
        except (WebDriverException, *_CRASH_ERRORS) as exc:
            self.quit()
            log.warning("Chromium did not start: %s", one_line(exc))
            raise BrowserCrashed(one_line(exc)) from exc

    def browser_pid(self) -> int | None:
        service = getattr(self._driver, "service", None)
        process = getattr(service, "process", None)
        return process.pid if process else None

    def quit(self) -> None:
        if self._driver is not None:
            try:
                self._driver.quit()
            except (WebDriverException, *_CRASH_ERRORS):
                log.warning("browser did not quit cleanly; killing chromedriver")
                service = getattr(self._driver, "service", None)
                if service is not None and service.process is not None:
                    service.process.kill()
            self._driver = None
        if self._profile_dir:
            shutil.rmtree(self._profile_dir, ignore_errors=True)
            self._profile_dir = None

    def _call(self, what: str, url: str, fn):  # noqa: ANN001, ANN202 - small internal adapter
        try:
            return fn()
        except TimeoutException as exc:
            self._stop_loading()
            raise PageLoadError(url, f"{what} timed out") from exc
        except Exception as exc:
            if _is_crash(exc):
                raise BrowserCrashed(f"browser crashed during {what} of {url}: {one_line(exc)}") from exc
            if isinstance(exc, WebDriverException):  # net::ERR_CONNECTION_REFUSED, an invalid URL, ...
                raise PageLoadError(url, f"{what} failed: {one_line(exc)}") from exc
            raise

    def _stop_loading(self) -> None:
        try:
            self.driver.execute_script("window.stop();")
        except WebDriverException:
            log.debug("window.stop() failed after a timeout", exc_info=True)

    def open(
        self, url: str, *, scroll: bool = True, more: Callable[[PageSnapshot], bool] | None = None
    ) -> PageSnapshot:
        """Load `url`, scroll until lazy content stops arriving, and snapshot the page.

        With `more` (does this snapshot still miss items?), the page is a list that loads its next
        items only when scrolled to its end: it is scrolled again while `more` says so and a scroll
        still brings something, within the config's `list_*` bounds."""
        self._call("load", url, lambda: self.driver.get(url))
        self.pages_fetched += 1
        if not scroll:
            return _loaded(
                url,
                PageSnapshot(*self._call("snapshot", url, lambda: self.driver.execute_script(_SNAPSHOT_JS))),
            )
        rounds, *snapshot = self._call(
            "scroll",
            url,
            lambda: self.driver.execute_async_script(_SCROLL_JS, int(self.config.scroll_timeout_s * 1000)),
        )
        if rounds < 0:
            log.warning("page kept growing until the scroll timeout: %s", url)
        page = _loaded(url, PageSnapshot(*snapshot))
        return page if more is None else self._scroll_list(url, page, more)

    def _scroll_list(
        self, url: str, page: PageSnapshot, more: Callable[[PageSnapshot], bool]
    ) -> PageSnapshot:
        config = self.config
        deadline = time.monotonic() + config.list_timeout_s
        patience_ms = int(config.list_patience_s * 1000)
        for _ in range(config.list_max_scrolls):
            if not more(page):
                return page
            if time.monotonic() > deadline:
                break
            grew, *snapshot = self._call(
                "scroll", url, lambda: self.driver.execute_async_script(_MORE_JS, patience_ms)
            )
            page = PageSnapshot(*snapshot)
            if not grew:
                return page  # nothing more loads: the list is as long as it gets
        if more(page):
            log.warning(
                "list still growing after %d scrolls or %g s: %s",
                config.list_max_scrolls,
                config.list_timeout_s,
                url,
            )
        return page

    def set_cookie(self, url: str, name: str, value: str, secure: bool) -> None:
        """Set a cookie on `url`'s origin, which the browser must be showing (a browser refusing the
        site shows its own error page instead, where no cookie can be set: a `PageLoadError`)."""
        cookie = {"name": name, "value": value, "path": "/", "secure": secure, "httpOnly": True}
        self._call("setting the cookie", url, lambda: self.driver.add_cookie(cookie))

    def fill_login_form(self, email: str, password: str, timeout_s: float = 15.0) -> PageSnapshot:
        """Type the credentials into LinkedIn's (or the demo site's) login form and submit it.

        A page without the form (a --base-url that is not LinkedIn, a port the browser refuses) or a
        form that does nothing is a `PageLoadError`, which stops the run as an unreachable site."""
        wait = WebDriverWait(self.driver, timeout_s)
        try:
            username = wait.until(ec.presence_of_element_located((By.ID, "username")))
        except TimeoutException:
            url, title = self.driver.current_url, self.driver.title
            raise PageLoadError(
                url, f"no sign-in form within {timeout_s:g} s (page title {title!r})"
            ) from None
        username.clear()
        username.send_keys(email)
        field_ = self.driver.find_element(By.ID, "password")
        field_.clear()
        field_.send_keys(password)
        before = self.driver.current_url
        field_.submit()
        try:
            wait.until(lambda d: d.current_url != before or d.find_elements(By.CSS_SELECTOR, "[role=alert]"))
        except TimeoutException:
            raise PageLoadError(before, f"the sign-in form did not answer within {timeout_s:g} s") from None
        return PageSnapshot(*self.driver.execute_script(_SNAPSHOT_JS))

    def click_link_text(self, text: str) -> bool:
        links = self.driver.find_elements(By.PARTIAL_LINK_TEXT, text)
        if not links:
            return False
        links[0].click()
        return True

    def process_ids(self) -> list[int]:
        """chromedriver and every Chromium process under it (for memory measurement)."""
        root = self.browser_pid()
        return [pid for pid, _ in process_tree(root)] if root is not None else []


def process_tree(root: int) -> list[tuple[int, str]]:
    """(pid, command name) of `root` and every process below it, read from /proc."""
    children: dict[int, list[int]] = {}
    names: dict[int, str] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                stat = fh.read()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
        names[int(entry)] = stat.split("(", 1)[1].rsplit(")", 1)[0]
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append((pid, names.get(pid, "")))
        todo.extend(children.get(pid, []))
    return out
