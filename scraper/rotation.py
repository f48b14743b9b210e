"""Which profiles to scrape today: the rotation's rules, as pure functions over each profile's state.

A profile's state (one row of the warehouse table `linkedin.profile_freshness`, kept by
`scraper.freshness`) is folded from the attempts that landed in the warehouse: a scrape that never
landed leaves the profile due. The rules (docs/operations.md, "Day to day"):

- every listed profile is scraped again `refresh_days` after its last ok scrape;
- `private` waits `private_refresh_days`; `not_found` and `error` back off 1, 2, 4 … days (never more
  than `refresh_days`), so a profile takes at most one attempt a day;
- `not_found` on `retire_not_found_after` landed attempts in a row retires the profile until it is
  removed from the list and added again; a profile removed from the list is not scraped (its history
  stays);
- the plan takes the due profiles (never scraped first, then the longest since their last attempt)
  up to today's budget, and when fewer are due than a steady share of the list (its size over
  `refresh_days`), tops up with the ok profiles closest to due, so that the daily load stays even
  instead of repeating the first days' burst every `refresh_days`.

Barrier and budget statuses (`auth_required`, `rate_limited`, `deferred`) are the run's, not the
profile's: they change nothing here, and the profile stays due.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from scraper.models import SETTLED_STATUSES


@dataclass(frozen=True)
class RotationSettings:
    refresh_days: int = 7
    private_refresh_days: int = 30
    retire_not_found_after: int = 3


@dataclass(frozen=True)
class Attempt:
    """One landed record that settled its profile (ok, not_found, private or error)."""

    profile_id: str
    scraped_at: dt.datetime
    status: str
    account: str


@dataclass(frozen=True)
class ProfileState:
    profile_id: str
    in_list: bool = True
    listed_on: dt.date | None = None  # the day it last entered the list
    last_attempt_at: dt.datetime | None = None
    last_ok_at: dt.datetime | None = None
    last_status: str | None = None
    last_account: str | None = None
    consecutive_failures: int = 0  # landed attempts in a row that ended with `last_status` (not ok)
    retired: bool = False


def observe(state: ProfileState, attempt: Attempt, settings: RotationSettings) -> ProfileState:
    """The state after one more landed attempt. An attempt no newer than the last one folded (a file
    Airbyte synced twice, a re-parse of an old page) changes nothing, so folding is idempotent."""
    if attempt.status not in SETTLED_STATUSES:
        return state
    if state.last_attempt_at is not None and attempt.scraped_at <= state.last_attempt_at:
        return state
    ok = attempt.status == "ok"
    failures = 0 if ok else (state.consecutive_failures + 1 if attempt.status == state.last_status else 1)
    return replace(
        state,
        last_attempt_at=attempt.scraped_at,
        last_ok_at=attempt.scraped_at if ok else state.last_ok_at,
        last_status=attempt.status,
        last_account=attempt.account,
        consecutive_failures=failures,
        retired=attempt.status == "not_found" and failures >= settings.retire_not_found_after,
    )


def relisted(state: ProfileState, in_list: bool, today: dt.date) -> ProfileState:
    """The state after today's profile list: a profile added back is no longer retired."""
    if in_list == state.in_list and state.listed_on is not None:
        return state
    if not in_list:
        return replace(state, in_list=False)
    back = state.listed_on is not None  # it was listed before, then removed
    return replace(
        state,
        in_list=True,
        listed_on=today,
        retired=False if back else state.retired,
        consecutive_failures=0 if back and state.retired else state.consecutive_failures,
    )


def _day(at: dt.datetime) -> dt.date:
    """The UTC day of a timestamp, whatever zone the warehouse session handed it back in."""
    return at.astimezone(dt.UTC).date()


def next_due(state: ProfileState, settings: RotationSettings) -> dt.date | None:
    """The first day the profile may be scraped again; None when it is not scraped at all."""
    if not state.in_list or state.retired:
        return None
    if state.last_attempt_at is None:
        return state.listed_on
    last = _day(state.last_attempt_at)
    if state.last_status == "ok":
        return last + dt.timedelta(days=settings.refresh_days)
    if state.last_status == "private":
        return last + dt.timedelta(days=settings.private_refresh_days)
    back_off = min(2 ** (max(state.consecutive_failures, 1) - 1), settings.refresh_days)
    return last + dt.timedelta(days=back_off)


@dataclass
class Plan:
    """Today's work, per account, and the figures the plan task reports."""

    assignments: dict[str, list[str]]
    listed: int
    retired: int
    due: int
    budget_left: int
    early: int  # planned before they were due, to keep the daily load even
    deferred: int = field(init=False)

    def __post_init__(self) -> None:
        self.deferred = max(self.due - (self.planned - self.early), 0)

    @property
    def planned(self) -> int:
        return sum(len(ids) for ids in self.assignments.values())

    def describe(self) -> str:
        return (
            f"{self.listed} listed, {self.retired} retired, {self.due} due today, {self.planned} planned "
            f"({self.early} ahead of time to keep the load even), budget left {self.budget_left}, "
            f"{self.deferred} due but deferred to a later day"
        )


def _never_then_oldest(state: ProfileState) -> tuple[bool, dt.datetime]:
    """Sort key: never attempted first, then the longest since the last attempt (ties keep the list's
    order: `sorted` is stable and the states come in list order)."""
    last = state.last_attempt_at
    return (last is not None, last or dt.datetime.min.replace(tzinfo=dt.UTC))


def plan(
    states: list[ProfileState],
    today: dt.date,
    budgets: Mapping[str, int],
    settings: RotationSettings,
) -> Plan:
    """Pick today's profiles and spread them over the accounts, each up to its budget left today."""
    active = [s for s in states if s.in_list and not s.retired]
    fresh = [s for s in active if s.last_attempt_at is None or _day(s.last_attempt_at) < today]
    due = sorted(
        (s for s in fresh if (day := next_due(s, settings)) is not None and day <= today),
        key=_never_then_oldest,
    )
    budget = sum(max(b, 0) for b in budgets.values())
    picked = due[:budget]
    target = min(math.ceil(len(active) / settings.refresh_days), budget)
    early: list[ProfileState] = []
    if len(picked) < target:
        due_ids = {s.profile_id for s in due}
        waiting = (s for s in fresh if s.profile_id not in due_ids and s.last_status == "ok")
        early = sorted(waiting, key=_never_then_oldest)[: target - len(picked)]
    return Plan(
        assignments=spread([s.profile_id for s in picked + early], budgets),
        listed=sum(1 for s in states if s.in_list),
        retired=sum(1 for s in states if s.in_list and s.retired),
        due=len(due),
        budget_left=budget,
        early=len(early),
    )


def spread(profile_ids: list[str], budgets: Mapping[str, int]) -> dict[str, list[str]]:
    """Deal the profiles out to the accounts in turn, each up to its budget; accounts that get
    nothing are left out."""
    out: dict[str, list[str]] = {name: [] for name in budgets}
    left = {name: max(budget, 0) for name, budget in budgets.items()}
    pending = iter(profile_ids)
    while any(left.values()):
        for name in budgets:
            if not left[name]:
                continue
            profile_id = next(pending, None)
            if profile_id is None:
                return {name: ids for name, ids in out.items() if ids}
            out[name].append(profile_id)
            left[name] -= 1
    return {name: ids for name, ids in out.items() if ids}
