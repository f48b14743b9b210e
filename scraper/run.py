"""The scrape loop: one profile at a time, durable output, barriers stop the run, crashes do not.

Every requested profile ends with exactly one line in `profiles.jsonl`, except on SIGTERM, where the
run stops between profiles and `--resume` picks up the rest.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import signal
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from scraper.barriers import detect_barrier, profile_status
from scraper.browser import Browser, BrowserCrashed, PageSnapshot
from scraper.errors import (
    EXIT_BLOCKED,
    EXIT_FAILURE,
    EXIT_OK,
    BadInput,
    BarrierHit,
    LoginFailed,
    PageLoadError,
    ScraperError,
)
from scraper.models import SECTIONS, Profile, ProfileRecord
from scraper.output import PROFILES_FILE, RecordWriter, done_profile_ids, write_summary
from scraper.pacing import DailyCap, Pacer
from scraper.parse import parse
from scraper.profile_list import ProfileRef
from scraper.session import Credentials, login

log = logging.getLogger(__name__)
_DETAILS_PATHS = {"experiences": "experience", "educations": "education", "skills": "skills"}


class Terminated(Exception):  # noqa: N818 - named for the signal it stands for
    """SIGTERM arrived (pod eviction): stop between profiles and write the summary."""


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class ScrapeSettings:
    base_url: str
    out_dir: Path
    run_id: str
    state_dir: Path
    resume: bool = False
    pacer: Pacer = field(default_factory=Pacer)
    daily_cap: int = 80
    max_attempts: int = 3
    backoff_s: float = 2.0


@dataclass
class _Progress:
    started_at: str = field(default_factory=utc_now)
    durations: list[float] = field(default_factory=list)
    written: int = 0
    restarts: int = 0
    stopped_by: dict[str, Any] | None = None


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
        self.summary: dict[str, Any] = {}

    # ------------------------------------------------------------------ records

    def _record(
        self, ref: ProfileRef, status: str, profile: Profile | None = None, errors: list[str] | None = None
    ) -> ProfileRecord:
        profile = profile or Profile()
        profile.errors.extend(errors or [])
        return ProfileRecord(
            ref.profile_id,
            ref.url(self.settings.base_url),
            status,  # type: ignore[arg-type]
            utc_now(),
            self.settings.run_id,
            profile,
        )

    # ------------------------------------------------------------------ browsing

    def _ensure_browser(self) -> Browser:
        if self.browser is None:
            self.browser = self.browser_factory()
        if not self._logged_in:
            login(self.browser, self.settings.base_url, self.creds)
            self._logged_in = True
        return self.browser

    def _open(self, url: str) -> PageSnapshot:
        page = self._ensure_browser().open(url)
        barrier = detect_barrier(page.url, page.title, page.text, page.status)
        if barrier:
            raise BarrierHit(page.url, barrier)
        if page.status >= 500:
            raise PageLoadError(url, f"HTTP {page.status}")
        return page

    def _fetch(self, ref: ProfileRef) -> ProfileRecord:
        url = ref.url(self.settings.base_url)
        page = self._open(url)
        status = profile_status(page.title, page.text) or ("not_found" if page.status == 404 else None)
        if status:
            return self._record(ref, status)
        profile = parse(page.html, url)
        if profile.name is None:
            return self._record(ref, "error", profile, [f"no profile on {page.url} ({page.title!r})"])
        for section in SECTIONS:
            if profile.truncated[section]:  # the main page hides items behind "Show all"
                details_url = f"{url}details/{_DETAILS_PATHS[section]}/"
                details = parse(self._open(details_url).html, details_url)
                setattr(profile, section, getattr(details, section))
                profile.errors.extend(f"{section} details: {e}" for e in details.errors)
        return self._record(ref, "ok", profile)

    def _scrape_one(self, ref: ProfileRef) -> ProfileRecord:
        problems: list[str] = []
        for attempt in range(1, self.settings.max_attempts + 1):
            try:
                return self._fetch(ref)
            except BrowserCrashed as exc:
                problems.append(f"attempt {attempt}: {exc}")
                log.warning("browser crashed on %s (attempt %d); starting a new one", ref.profile_id, attempt)
                self.progress.restarts += 1
                if self.browser is not None:
                    self.browser.quit()  # the next attempt starts a fresh one and logs in again
                self._logged_in = False
            except PageLoadError as exc:
                problems.append(f"attempt {attempt}: {exc.reason}")
                log.warning("could not load %s (attempt %d): %s", exc.url, attempt, exc.reason)
            if attempt < self.settings.max_attempts:
                self.sleep(self.settings.backoff_s * 2 ** (attempt - 1))
        return self._record(ref, "error", errors=problems)

    # ------------------------------------------------------------------ the run

    def _on_sigterm(self, signum: int, frame: FrameType | None) -> None:
        raise Terminated()

    def run(self, refs: list[ProfileRef]) -> int:
        out = self.settings.out_dir
        existing = out / PROFILES_FILE
        if not self.settings.resume and existing.exists() and existing.stat().st_size > 0:
            raise BadInput(
                f"{existing} already holds results: pass --resume to continue that run, "
                "or choose another --out"
            )
        done = done_profile_ids(out) if self.settings.resume else set()
        todo = [r for r in refs if r.profile_id not in done]
        if done:
            log.info("resuming: %d of %d profiles already written", len(refs) - len(todo), len(refs))
        writer = RecordWriter(out)
        cap = DailyCap(self.settings.state_dir, self.settings.daily_cap)
        previous = signal.signal(signal.SIGTERM, self._on_sigterm)
        code = EXIT_OK
        try:
            code = self._loop(todo, writer, cap)
        except Terminated:
            log.warning("SIGTERM: stopping; %d profiles left for --resume", len(todo) - self.progress.written)
            self.progress.stopped_by = {"reason": "sigterm"}
            code = EXIT_FAILURE
        finally:
            signal.signal(signal.SIGTERM, previous)
            writer.close()
            if self.browser is not None:
                self.browser.quit()
            self._write_summary(len(refs), len(refs) - len(todo), code)
        return code

    def _loop(self, todo: list[ProfileRef], writer: RecordWriter, cap: DailyCap) -> int:
        total = len(todo)
        for index, ref in enumerate(todo, 1):
            if not cap.try_take():
                reason = f"daily cap of {cap.cap} profiles reached"
                log.warning("%s; %d profiles marked rate_limited", reason, total - index + 1)
                self.progress.stopped_by = {"reason": "daily_cap", "cap": cap.cap}
                self._write_rest(todo[index - 1 :], writer, "rate_limited", f"not attempted: {reason}")
                return EXIT_BLOCKED
            started = time.monotonic()
            try:
                record = self._scrape_one(ref)
            except BarrierHit as barrier:
                log.error(
                    "profile %d/%d %s: %s barrier at %s; stopping the run",
                    index,
                    total,
                    ref.profile_id,
                    barrier.kind,
                    barrier.url,
                )
                self.progress.stopped_by = {"reason": "barrier", "kind": barrier.kind, "url": barrier.url}
                self._write_rest(
                    todo[index - 1 :],
                    writer,
                    barrier.status,
                    f"not attempted: {barrier.kind} barrier at {barrier.url}",
                )
                return EXIT_BLOCKED
            except LoginFailed as exc:
                log.error("login failed: %s; stopping the run", exc)
                self.progress.stopped_by = {"reason": "login_failed"}
                self._write_rest(todo[index - 1 :], writer, "auth_required", f"not attempted: {exc}")
                return EXIT_BLOCKED
            except ScraperError as exc:  # the browser cannot start, for instance: nothing more can be done
                log.error("profile %d/%d %s: %s; stopping the run", index, total, ref.profile_id, exc)
                self.progress.stopped_by = {"reason": "error", "message": str(exc)}
                self._write_rest(todo[index - 1 :], writer, "error", f"not attempted: {exc}")
                return EXIT_FAILURE
            writer.write(record)
            self.progress.written += 1
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
            if index < total:
                self.settings.pacer.wait(index, total, elapsed)
        return EXIT_OK

    def _write_rest(self, refs: list[ProfileRef], writer: RecordWriter, status: str, reason: str) -> None:
        for ref in refs:
            writer.write(self._record(ref, status, errors=[reason]))
            self.progress.written += 1

    def _write_summary(self, requested: int, resumed: int, code: int) -> None:
        counts: Counter[str] = Counter()
        lines = 0
        path = self.settings.out_dir / PROFILES_FILE
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                try:
                    counts[json.loads(line)["status"]] += 1
                    lines += 1
                except (json.JSONDecodeError, KeyError, TypeError):
                    continue
        durations = sorted(self.progress.durations)
        summary = {
            "run_id": self.settings.run_id,
            "base_url": self.settings.base_url,
            "started_at": self.progress.started_at,
            "finished_at": utc_now(),
            "requested": requested,
            "skipped_by_resume": resumed,
            "written_this_run": self.progress.written,
            "records": lines,
            "counts": dict(sorted(counts.items())),
            "pages_fetched": self.browser.pages_fetched if self.browser else 0,
            "browser_restarts": self.progress.restarts,
            "seconds_per_profile": {
                "p50": round(statistics.median(durations), 3) if durations else None,
                "p95": round(durations[max(0, int(len(durations) * 0.95 + 0.5) - 1)], 3)
                if durations
                else None,
            },
            "stopped_by": self.progress.stopped_by,
            "exit_code": code,
        }
        self.summary = summary
        write_summary(self.settings.out_dir, summary)
        log.info(
            "summary written to %s",
            self.settings.out_dir / "summary.json",
            extra={"fields": {"counts": summary["counts"], "exit_code": code}},
        )
