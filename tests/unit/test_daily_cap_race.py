"""The daily cap holds when several shard processes take from one cap file at the same time."""

from __future__ import annotations

import multiprocessing as mp
from pathlib import Path

import pytest

from scraper.errors import CapStateUnreadable, WriteFailed
from scraper.pacing import DailyCap
from tests.conftest import fill_up

_CAP = 5
_PROCESSES = 6
_ROUNDS = 20  # each round: a fresh cap file, every process trying to take more than the whole cap


def _race(base: str, barrier: mp.synchronize.Barrier, results: mp.Queue) -> None:
    taken = []
    for round_ in range(_ROUNDS):
        cap = DailyCap(Path(base) / str(round_), _CAP)
        barrier.wait()  # all processes start each round together
        taken.append(sum(cap.try_take() for _ in range(_CAP + 2)))
    results.put(taken)


def test_racing_processes_never_take_past_the_cap(tmp_path: Path) -> None:
    ctx = mp.get_context("spawn")  # fresh interpreters: no lock or file state inherited
    barrier, results = ctx.Barrier(_PROCESSES), ctx.Queue()
    workers = [ctx.Process(target=_race, args=(str(tmp_path), barrier, results)) for _ in range(_PROCESSES)]
    for worker in workers:
        worker.start()
    per_worker = [results.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
        assert worker.exitcode == 0
    per_round = [sum(taken[r] for taken in per_worker) for r in range(_ROUNDS)]
    assert per_round == [_CAP] * _ROUNDS
    assert all(DailyCap(tmp_path / str(r), _CAP).used() == _CAP for r in range(_ROUNDS))


def test_a_corrupt_cap_file_is_refused_and_left_as_it_is(tmp_path: Path) -> None:
    cap = DailyCap(tmp_path, 2)
    cap.path.write_text('["not", "a", "count"]')
    for step in (cap.try_take, cap.used):
        with pytest.raises(CapStateUnreadable, match="daily-cap.json is unusable: expected an object"):
            step()
    assert cap.path.read_text() == '["not", "a", "count"]'


def test_a_cap_that_cannot_be_written_says_so_and_counts_nothing(small_tmpfs: Path) -> None:
    cap = DailyCap(small_tmpfs, 5)
    fill_up(small_tmpfs)
    with pytest.raises(WriteFailed, match=f"cannot write {cap.path}: No space left"):
        cap.try_take()
    assert cap.used() == 0
