"""The work pool the build renders pages and checks materials with: every task's result, whoever did it."""

from __future__ import annotations

import os
import signal
import time

import pytest

from studyportal.forks import Failed, ForkPool, can_fork

pytestmark = pytest.mark.skipif(not can_fork(), reason="forking needs POSIX")


def test_the_build_and_its_worker_share_the_tasks_and_every_result_comes_back_in_order():
    parent = os.getpid()

    def work(i: int) -> tuple[int, int]:
        time.sleep(0.002)
        return i * i, os.getpid()

    pool = ForkPool(200, work, 1, helping=True)
    try:
        got = [pool.take(i) for i in range(200)]
    finally:
        pool.close()
    assert [square for square, _ in got] == [i * i for i in range(200)]
    doers = {pid for _, pid in got}
    assert parent in doers and len(doers) == 2  # the build did some tasks, its one worker the others


def test_a_failing_task_is_reported_and_the_rest_still_arrive():
    def work(i: int) -> int:
        if i == 7:
            raise ValueError("材料 7 有问题")
        return i

    pool = ForkPool(20, work, 1, helping=True)
    try:
        got = [pool.take(i) for i in range(20)]
    finally:
        pool.close()
    assert isinstance(got[7], Failed) and "材料 7 有问题" in got[7].detail
    assert [g for i, g in enumerate(got) if i != 7] == [i for i in range(20) if i != 7]
    assert len(pool.failures) == 1


def test_when_the_worker_dies_the_build_does_what_is_left():
    def work(i: int) -> int:
        time.sleep(0.01)
        return -i

    pool = ForkPool(300, work, 1, helping=True)
    try:
        first = pool.take(0)
        os.kill(pool._pids[0], signal.SIGKILL)
        rest = [pool.take(i) for i in range(1, 300)]
    finally:
        pool.close()
    assert first == 0
    # A task the worker had taken when it died comes back as None (the caller does it); every other one is done.
    assert sum(r is None for r in rest) <= 1
    assert all(r == -i for i, r in enumerate(rest, start=1) if r is not None)
