"""The rotation's rules (scraper/rotation.py): when a profile is due, retirement, and how a day's
budget is spent and spread over the accounts."""

from __future__ import annotations

import datetime as dt

import pytest

from scraper.rotation import (
    Attempt,
    ProfileState,
    RotationSettings,
    next_due,
    observe,
    plan,
    relisted,
    spread,
)

SETTINGS = RotationSettings(refresh_days=7, private_refresh_days=30, retire_not_found_after=3)
DAY = dt.date(2026, 3, 2)


def _at(day: int) -> dt.datetime:
    return dt.datetime.combine(DAY + dt.timedelta(days=day), dt.time(6), dt.UTC)


def _attempts(profile_id: str, *statuses: str) -> ProfileState:
    state = ProfileState(profile_id, listed_on=DAY)
    for day, status in enumerate(statuses):
        state = observe(state, Attempt(profile_id, _at(day), status, "main"), SETTINGS)
    return state


@pytest.mark.parametrize(
    ("statuses", "due_after"),
    [
        (("ok",), 7),
        (("private",), 30),
        (("error",), 1),
        (("error", "error"), 2),
        (("error", "error", "error"), 4),
        (("error",) * 6, 7),  # the back-off never exceeds the refresh interval
        (("not_found",), 1),
        (("not_found", "not_found"), 2),
        (("ok", "error"), 1),
    ],
)
def test_when_a_profile_is_due_again(statuses: tuple[str, ...], due_after: int) -> None:
    state = _attempts("p", *statuses)
    assert next_due(state, SETTINGS) == (DAY + dt.timedelta(days=len(statuses) - 1 + due_after))


def test_not_found_three_times_in_a_row_retires_until_the_profile_is_listed_again() -> None:
    assert not _attempts("p", "not_found", "not_found", "ok", "not_found", "not_found").retired
    retired = _attempts("p", "not_found", "not_found", "not_found")
    assert retired.retired and next_due(retired, SETTINGS) is None
    removed = relisted(retired, in_list=False, today=DAY + dt.timedelta(days=9))
    assert next_due(removed, SETTINGS) is None
    back = relisted(removed, in_list=True, today=DAY + dt.timedelta(days=10))
    assert not back.retired and next_due(back, SETTINGS) == DAY + dt.timedelta(days=3)


@pytest.mark.parametrize("status", ["auth_required", "rate_limited", "deferred"])
def test_the_runs_own_statuses_change_nothing(status: str) -> None:
    state = _attempts("p", "ok")
    assert observe(state, Attempt("p", _at(3), status, "main"), SETTINGS) == state


def test_an_attempt_folded_twice_counts_once() -> None:
    state = _attempts("p", "not_found", "not_found")
    again = observe(state, Attempt("p", _at(1), "not_found", "main"), SETTINGS)
    assert again == state and again.consecutive_failures == 2


def test_never_scraped_first_in_list_order_then_the_oldest_within_the_budget() -> None:
    states = [
        _attempts("old-ok", "ok"),  # day 0: due on day 7
        ProfileState("new-b", listed_on=DAY),
        _attempts("older-ok", "ok"),
        ProfileState("new-a", listed_on=DAY),
    ]
    states[2] = ProfileState(
        "older-ok", listed_on=DAY, last_attempt_at=_at(-1), last_ok_at=_at(-1), last_status="ok"
    )
    today = plan(states, DAY + dt.timedelta(days=8), {"main": 3}, SETTINGS)
    assert today.assignments == {"main": ["new-b", "new-a", "older-ok"]}
    assert (today.due, today.planned, today.deferred) == (4, 3, 1)


def test_a_profile_attempted_today_is_not_planned_again_today() -> None:
    state = _attempts("p", "error")
    assert plan([state], DAY, {"main": 10}, SETTINGS).planned == 0


def test_fewer_due_than_a_steady_share_tops_up_with_the_closest_to_due() -> None:
    states = [_attempts(f"p{i}", "ok") for i in range(70)]  # all scraped on day 0: due on day 7
    today = plan(states, DAY + dt.timedelta(days=3), {"main": 80}, SETTINGS)
    assert (today.due, today.planned, today.early) == (0, 10, 10)  # 70 profiles / 7 days


def test_spread_deals_in_turn_within_each_budget() -> None:
    ids = [f"p{i}" for i in range(7)]
    assert spread(ids, {"a": 2, "b": 10, "c": 0}) == {"a": ["p0", "p2"], "b": ["p1", "p3", "p4", "p5", "p6"]}
    assert spread(ids, {"a": 1, "b": 1}) == {"a": ["p0"], "b": ["p1"]}
