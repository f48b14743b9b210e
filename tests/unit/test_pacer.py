"""The pacer refuses delays that would switch pacing off, and announces each wait with an ETA."""

from __future__ import annotations

import logging
import random
import re

import pytest

from scraper.pacing import Pacer


@pytest.mark.parametrize(
    ("low", "high"),
    [(float("inf"), float("inf")), (float("nan"), 45.0), (20.0, float("nan")), (0, float("inf"))],
)
def test_delays_that_would_switch_pacing_off_are_refused(low: float, high: float) -> None:
    with pytest.raises(ValueError, match="finite"):
        Pacer(low, high)


def test_each_wait_is_announced_with_position_and_eta(caplog: pytest.LogCaptureFixture) -> None:
    slept: list[float] = []
    pacer = Pacer(20.0, 20.0, rng=random.Random(1), sleep=slept.append)
    with caplog.at_level(logging.INFO, logger="scraper.pacing"):
        pacer.wait(1, 4, work_s=10.0)
        pacer.wait(2, 4, work_s=20.0)
    assert slept == [20.0, 20.0]
    first, second = caplog.messages
    # 3 profiles left at 10 s each, 2 waits between them, and this wait: 20 + 30 + 40 = 90 s
    assert re.fullmatch(
        r"profile 1/4 done; waiting 20s before the next; about 1m30s left, done near \d\d:\d\d UTC", first
    )
    # the mean profile took 15 s: 20 + 2 * 15 + 1 * 20 = 70 s
    assert "profile 2/4 done" in second and "about 1m10s left" in second
    assert caplog.records[0].fields == {"position": 1, "total": 4, "wait_s": 20.0}


def test_no_line_when_there_is_no_wait(caplog: pytest.LogCaptureFixture) -> None:
    pacer = Pacer(0, 0, sleep=lambda s: None)
    with caplog.at_level(logging.INFO, logger="scraper.pacing"):
        assert pacer.wait(1, 3, work_s=1.0) == 0
    assert caplog.messages == []
