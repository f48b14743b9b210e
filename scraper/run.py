"""The scrape loop: one profile at a time, durable output, and one way to stop.

A profile that cannot be read (it never loads, or keeps showing a page we do not recognise) costs that
profile only: it is written as `error`, the run goes on, and the rotation tries it on a later day.
What stops all profiles (a barrier, a failed login, a browser that cannot start, a site that stops
answering, a signal, the account's daily cap) is a `ScraperError` raised from wherever it is noticed;
`ScrapeRun.run` handles all of them in one place: it writes a placeholder line (`attempted: false`)
for each profile the stop keeps it from, records the reason in `summary.json` and returns the error's
exit code (0 for the daily cap: the rest is `deferred` to a later day). `--resume` retries every profile
whose newest line is not settled (docs/cli.md, "Outcomes").
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from scraper.barriers import UnrecognisedStreak
from scraper.browser import Browser, BrowserCrashed
from scraper.details import missing_items
from scraper.errors import (
    EXIT_FAILURE,
    EXIT_OK,
    BadInput,
    BarrierHit,
    DailyCapReached,
    Interrupted,
    PageLoadError,
    ScraperError,
    SiteUnreachable,
    WriteFailed,
    one_line,
)
from scraper.models import DEFAULT_ACCOUNT, Profile, ProfileRecord
from scraper.pacing import DailyCap, Pacer, account_lease
from scraper.parse import PARSER_VERSION
from scraper.parse.classify import PageClass, read_page
from scraper.profile_list import ProfileRef
from scraper.profile_pages import not_a_profile, read_profile
from scraper.rundir import (
    FINISHED_OUTCOMES,
    PROFILES_FILE,
    SUMMARY_FILE,
    PageArchive,
    RecordWriter,
    compact,
    latest,
    summarise,
    write_summary,
)
from scraper.session import Credentials, login

log = logging.getLogger(__name__)
_STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
# Profiles in a row that could not be loaded (each after its own retries) before the run stops as
# `site_unreachable`: one is a bad profile, three in a row is a site that went away.
FAILURES_BEFORE_UNREACHABLE = 3


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class ScrapeSettings:
    base_url: str
    out_dir: Path
    run_id: str
    state_dir: Path
    resume: bool = False
    account: str = DEFAULT_ACCOUNT
    pacer: Pacer = field(default_factory=Pacer)
    daily_cap: int = 80
    max_attempts: int = 3
    backoff_s: float = 2.0
    archive_pages: bool = True  # keep every fetched page beside the records (scraper/rundir.py)


@dataclass
class _Progress:
    started_at: str = field(default_factory=utc_now)
    durations: list[float] = field(default_factory=list)
    written: int = 0
    restarts: int = 0
    stopped_by: dict[str, Any] | None = None
    failure: str | None = None


class _StopSignals:
    """SIGTERM and SIGINT raise `Interrupted` wherever the run is, so both take the one stop path;
    except while a profile's line is written and counted, where the signal waits for the count (else
    the stop would miscount what is left and which profiles were written)."""

    def __init__(self) -> None:
        self._held = False
        self._pending: str | None = None

    def _handler(self, signum: int, frame: FrameType | None) -> None:
        name = signal.Signals(signum).name
        if self._held:
            self._pending = self._pending or name
            return
        raise Interrupted(name)

    @contextmanager
    def installed(self) -> Iterator[None]:
        previous = {sig: signal.signal(sig, self._handler) for sig in _STOP_SIGNALS}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    @contextmanager
    def held(self) -> Iterator[None]:
        self._held = True
        try:
            yield
        finally:
            self._held = False
        if self._pending:
            raise Interrupted(self._pending)


class ScrapeRun:
    def __init__(
        self,
        settings: ScrapeSettings,
        creds: Credentials,
        browser_factory: Callable[[], Browser] = Browser,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.settings = settings
        self.creds = creds
        self.browser_factory = browser_factory
        self.sleep = sleep
        self.browser: Browser | None = None
        self.progress = _Progress()
        self._logged_in = False
        self._opened_current = False  # the current profile's page was opened (it was attempted)
        self._load_failures = 0  # profiles in a row that could not be loaded
        self.cap = DailyCap(settings.state_dir, settings.daily_cap, account=settings.account)
        self.unrecognised = UnrecognisedStreak()
        self.summary: dict[str, Any] = {}
        self.signals = _StopSignals()
        self.archive = PageArchive(settings.out_dir) if settings.archive_pages else None
        self._current_id = ""  # the profile being read, and the names of its archived pages
        self._pages: list[str] = []

    # ------------------------------------------------------------------ records

    def _record(
        self,
        ref: ProfileRef,
        status: str,
        profile: Profile | None = None,
        errors: list[str] | None = None,
        attempted: bool = True,
        pages: list[str] | None = None,
    ) -> ProfileRecord:
        """A line for `ref`. `pages` only when the pages decided it (their class or their fields): what
        a re-parse reads again; a record decided by anything else is copied by a re-parse as it is."""
        profile = profile or Profile()
        profile.errors.extend(errors or [])
        return ProfileRecord(
            ref.profile_id,
            ref.url(self.settings.base_url),
            status,  # type: ignore[arg-type]
            utc_now(),
            self.settings.run_id,
            profile,
            attempted=attempted,
            account=self.settings.account,
            parser_version=PARSER_VERSION,
            pages=list(pages or []),
        )

    # ------------------------------------------------------------------ browsing

    def _ensure_browser(self) -> Browser:
        if self.browser is None:
            self.browser = self.browser_factory()
        if not self._logged_in:
            try:
                login(self.browser, self.settings.base_url, self.creds)
            except PageLoadError as exc:
                raise SiteUnreachable(f"cannot open {exc.url}: {exc.reason}") from exc
            self._logged_in = True
        return self.browser

    def _open(
        self, url: str, page_name: str, section: str | None, total: int | None
    ) -> tuple[PageClass, Profile | None]:
        browser = self._ensure_browser()
        if not self._opened_current:  # a profile's first page request is what spends the budget
            if not self.cap.try_take():
                raise DailyCapReached(self.cap.cap, self.cap.account)
            self._opened_current = True
        page = browser.open(url, more=missing_items(section, total) if section else None)
        if self.archive is not None:  # before the page is judged: a barrier's page is kept too
            self._pages.append(self.archive.write(self._current_id, page_name, page))
        verdict, profile = read_page(page.html, page.url, page.title, page.status, page.text)
        verdict.raise_if_stop()  # sign-in walls and rate limits stop the run (BarrierHit)
        if page.status >= 500:
            raise PageLoadError(url, f"HTTP {page.status}")
        return verdict, profile

    def _fetch(self, ref: ProfileRef) -> ProfileRecord:
        self._current_id, self._pages = ref.profile_id, []
        verdict, profile = read_profile(ref.url(self.settings.base_url), self._open)
        self.unrecognised.observe(verdict.kind, verdict.url)  # several in a row: SiteUnrecognised
        if profile is None:
            return self._record(ref, verdict.status, errors=not_a_profile(verdict), pages=self._pages)
        return self._record(ref, "ok", profile, pages=self._pages)

    def _after_failed_attempt(self, ref: ProfileRef, attempt: int, exc: ScraperError) -> str:
        if isinstance(exc, BrowserCrashed):
            log.warning("browser crashed on %s (attempt %d); starting a new one", ref.profile_id, attempt)
            self.progress.restarts += 1
            if self.browser is not None:
                self.browser.quit()  # the next attempt starts a fresh one and logs in again
            self._logged_in = False
            return one_line(exc)
        assert isinstance(exc, PageLoadError)
        log.warning("could not load %s (attempt %d): %s", exc.url, attempt, exc.reason)
        return one_line(exc.reason)

    def _scrape_one(self, ref: ProfileRef) -> ProfileRecord:
        """The profile's record; a crash or a page that does not load is retried a few times."""
        problems: list[str] = []
        retrying = Retrying(
            stop=stop_after_attempt(self.settings.max_attempts),
            wait=wait_exponential(multiplier=self.settings.backoff_s, min=0),
            retry=retry_if_exception_type((BrowserCrashed, PageLoadError)),
            sleep=self.sleep,
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    try:
                        record = self._fetch(ref)
                    except (BrowserCrashed, PageLoadError) as exc:
                        number = attempt.retry_state.attempt_number
                        problems.append(f"attempt {number}: {self._after_failed_attempt(ref, number, exc)}")
                        raise
                    self._load_failures = 0
                    return record
        except (BrowserCrashed, PageLoadError):
            pass
        self._load_failures += 1
        return self._record(ref, "error", errors=problems)

    # ------------------------------------------------------------------ the run

    def run(self, refs: list[ProfileRef]) -> int:
        out = self.settings.out_dir
        existing = out / PROFILES_FILE
        if not self.settings.resume and existing.exists() and existing.stat().st_size > 0:
            raise BadInput(
                f"{existing} already holds results: pass --resume to continue that run, "
                "or choose another --out"
            )
        with account_lease(self.settings.state_dir, self.settings.account):
            return self._run_leased(refs)

    def _run_leased(self, refs: list[ProfileRef]) -> int:
        out = self.settings.out_dir
        existing = out / PROFILES_FILE
        # The budget fails closed: an unusable cap state stops the run here, before any request.
        used = self.cap.used()
        log.info("account %s: %d of %d profile views used today", self.cap.account, used, self.cap.cap)
        done = latest(out).settled if self.settings.resume else set()
        todo = [r for r in refs if r.profile_id not in done]
        requested = [r.profile_id for r in refs]
        if self.settings.resume:
            log.info("resuming: %d of %d profiles already settled", len(refs) - len(todo), len(refs))
        writer = RecordWriter(out)
        self._write_summary(requested, len(refs) - len(todo), None, running=True)
        code = EXIT_OK
        try:
            with self.signals.installed():
                self._loop(todo, writer)
        except ScraperError as stop:  # the one stop path
            code = stop.exit_code
            if isinstance(stop, WriteFailed):  # not a stop the run chose: it failed
                self.progress.failure = one_line(stop)
            try:
                self._stop(stop, todo, writer)
            except WriteFailed as exc:  # no placeholders: `--resume` picks those profiles up all the same
                log.error("%s; the profiles left have no line", one_line(exc))
                code, self.progress.failure = exc.exit_code, one_line(exc)
        except Exception as exc:  # a bug: recorded in the summary, then reported with its traceback
            code = EXIT_FAILURE
            self.progress.failure = (
                f"{type(exc).__name__}: {one_line(exc)}" if str(exc) else type(exc).__name__
            )
            log.exception("the run failed: %s", self.progress.failure)
        finally:
            writer.close()
            if self.browser is not None:
                self.browser.quit()
            seen = latest(out)
            if seen.lines > len(seen.status):  # a resumed run: keep only each profile's newest line
                code = self._compact(existing) or code
        try:
            summary = self._write_summary(requested, len(refs) - len(todo), code)
        except WriteFailed as exc:
            log.error("%s: the summary could not be written and still says `running`", one_line(exc))
            return EXIT_FAILURE
        return int(summary["exit_code"])

    def _compact(self, path: Path) -> int | None:
        """Compact `path`; the exit code when that fails (the file stays whole, uncompacted)."""
        try:
            compact(path, path)
        except ScraperError as exc:
            log.error("%s; %s keeps every line, uncompacted", one_line(exc), path)
            self.progress.failure = self.progress.failure or one_line(exc)
            return exc.exit_code
        return None

    def _loop(self, todo: list[ProfileRef], writer: RecordWriter) -> None:
        total = len(todo)
        for index, ref in enumerate(todo, 1):
            self._opened_current = False
            started = time.monotonic()
            record = self._scrape_one(ref)
            with self.signals.held():
                writer.write(record)
                self.progress.written += 1
                self._opened_current = False  # a stop from here on keeps the run from the next one
            elapsed = time.monotonic() - started
            self.progress.durations.append(elapsed)
            log.info(
                "profile %d/%d %s %s %.1fs",
                index,
                total,
                record.status,
                ref.profile_id,
                elapsed,
                extra={"fields": {"profile_id": ref.profile_id, "status": record.status, "url": record.url}},
            )
            if self._load_failures >= FAILURES_BEFORE_UNREACHABLE:
                raise SiteUnreachable(
                    f"{self._load_failures} profiles in a row could not be loaded, the last {record.url}"
                )
            if index < total:
                self.settings.pacer.wait(index, total, elapsed)

    def _stop(self, stop: ScraperError, todo: list[ProfileRef], writer: RecordWriter) -> None:
        """Record why the run stopped and mark the profiles it did not get to."""
        rest = todo[self.progress.written :]
        self.progress.stopped_by = stop.stopped_by()
        where = f"profile {self.progress.written + 1}/{len(todo)} {rest[0].profile_id}: " if rest else ""
        if isinstance(stop, DailyCapReached):
            log.info("%s%s; %d profiles deferred to a later day", where, one_line(stop), len(rest))
        else:
            log.error(
                "%s%s; stopping the run, %d profiles left for --resume", where, one_line(stop), len(rest)
            )
        if stop.status is None or not rest:
            return
        records = []
        if self._opened_current:  # the current profile was opened: that attempt hit the stop
            pages = self._pages if isinstance(stop, BarrierHit) else None  # the page that was the barrier
            records.append(self._record(rest[0], stop.status, errors=[one_line(stop)], pages=pages))
            rest = rest[1:]
        records += [
            self._record(ref, stop.status, errors=[f"not attempted: {one_line(stop)}"], attempted=False)
            for ref in rest
        ]
        writer.write(*records)

    def _write_summary(
        self, requested: list[str], resumed: int, code: int | None, running: bool = False
    ) -> dict[str, Any]:
        durations = sorted(self.progress.durations)
        summary = summarise(
            self.settings.out_dir,
            self.settings.run_id,
            requested,
            stopped_by=self.progress.stopped_by,
            failure=self.progress.failure,
            running=running,
            base_url=self.settings.base_url,
            account=self.settings.account,
            started_at=self.progress.started_at,
            finished_at=None if running else utc_now(),
            skipped_by_resume=resumed,
            written_this_run=self.progress.written,
            pages_fetched=self.browser.pages_fetched if self.browser else 0,
            browser_restarts=self.progress.restarts,
            seconds_per_profile={
                "p50": round(statistics.median(durations), 3) if durations else None,
                "p95": round(durations[max(0, int(len(durations) * 0.95 + 0.5) - 1)], 3)
                if durations
                else None,
            },
        )
        if code == EXIT_OK and summary["outcome"] == "failed":  # its file failed the final check
            code = EXIT_FAILURE
        elif code == EXIT_OK and summary["outcome"] not in FINISHED_OUTCOMES:
            code = EXIT_FAILURE  # only a run that settled what it was asked (or deferred it) succeeds
            log.error(
                "%d of %d profiles are not settled; `--resume` retries them",
                summary["requested"] - summary["settled"],
                summary["requested"],
            )
        summary["exit_code"] = code
        self.summary = summary
        write_summary(self.settings.out_dir, summary)
        if not running:
            log.info(
                "summary written to %s: %s",
                self.settings.out_dir / SUMMARY_FILE,
                summary["outcome"],
                extra={
                    "fields": {"counts": summary["counts"], "exit_code": code, "outcome": summary["outcome"]}
                },
            )
        return summary
