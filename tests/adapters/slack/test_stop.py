"""Stopping the Slack platform lets queued follow-up work finish, within a bounded time."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from functools import partial

import pytest

from bot.adapters.slack.platform import SlackPlatform, build_slack
from bot.runtime.app import DeskApp
from bot.runtime.config import Settings
from tests.adapters.slack.conftest import ENV
from tests.adapters.slack.fake_slack import FakeSlack


@pytest.fixture
def platform(desk_app: DeskApp, http_settings: Settings,
             fake_slack: FakeSlack) -> Iterator[SlackPlatform]:
    built = build_slack(desk_app, http_settings, client_base_url=fake_slack.url,
                        environ=ENV)
    yield built
    built.stop(timeout=1)


def test_stop_runs_every_queued_job(platform: SlackPlatform) -> None:
    done: list[int] = []

    def job(n: int) -> None:
        time.sleep(0.05)
        done.append(n)

    for n in range(6):  # more than the pool's threads: most wait in its queue
        platform.deps.later(partial(job, n))
    platform.stop()
    assert sorted(done) == list(range(6))
    platform.deps.later(lambda: done.append(99))  # after the stop: dropped, not raised
    assert 99 not in done


def test_stop_is_bounded_and_never_cancels_a_running_job(platform: SlackPlatform) -> None:
    release = threading.Event()
    finished: list[str] = []

    def stuck() -> None:
        release.wait(10)
        finished.append("stuck")

    for _ in range(2):  # every worker busy …
        platform.deps.later(stuck)
    platform.deps.later(lambda: finished.append("queued"))  # … so this one waits
    started = time.monotonic()
    platform.stop(timeout=0.3)
    assert time.monotonic() - started < 2, "stop waited past its deadline"
    release.set()
    deadline = time.monotonic() + 5
    while finished.count("stuck") < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert finished.count("stuck") == 2, "running jobs finish"
    assert "queued" not in finished, "what had not started by the deadline is dropped"
