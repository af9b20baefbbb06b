"""Over a real socket: uvicorn serving the shared Starlette app with /slack/events."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from bot.adapters.slack import runtime
from handlers.i18n import t
from tests.adapters.slack.conftest import SlackDesk, desk_held, desk_refusing, signed_headers

FORM = "application/x-www-form-urlencoded"


def post(url: str, body: str, headers: dict[str, str]) -> httpx.Response:
    with httpx.Client(timeout=10) as client:
        return client.post(f"{url}/slack/events", content=body.encode(), headers=headers)


def test_signed_slash_command_over_http(slack: SlackDesk, live_server: str) -> None:
    body = slack.command_body("U0ALICE", "it laptop my screen flickers", probe="http")
    response = post(live_server, body, signed_headers(body, FORM))
    assert response.status_code == 200
    reply = response.json()
    assert reply["response_type"] == "ephemeral" and reply["text"].startswith("Opened IT-1")
    assert slack.request("IT-1") is not None
    assert httpx.get(f"{live_server}/healthz", timeout=5).json()["ok"] is True


def test_bad_signature_is_refused_and_nothing_is_stored(slack: SlackDesk,
                                                        live_server: str) -> None:
    body = slack.command_body("U0ALICE", "it laptop broken")
    forged = signed_headers(body, FORM, secret="not-the-signing-secret")
    assert post(live_server, body, forged).status_code == 401
    tampered = signed_headers(body, FORM)
    assert post(live_server, body.replace("broken", "stolen"), tampered).status_code == 401
    assert post(live_server, body, {"content-type": FORM}).status_code == 401
    assert slack.requests() == [] and not slack.fake.calls


def test_stale_timestamp_is_refused(slack: SlackDesk, live_server: str) -> None:
    body = slack.command_body("U0ALICE", "it laptop broken")
    stale = signed_headers(body, FORM, timestamp=int(time.time()) - 6 * 60)
    assert post(live_server, body, stale).status_code == 401
    assert slack.requests() == []


def test_retried_delivery_opens_one_request(slack: SlackDesk, live_server: str) -> None:
    body = slack.command_body("U0ALICE", "it laptop broken")
    first = post(live_server, body, signed_headers(body, FORM))
    assert first.status_code == 200 and first.json()["text"].startswith("Opened IT-1")
    retry = {**signed_headers(body, FORM), "x-slack-retry-num": "1",
             "x-slack-retry-reason": "http_timeout"}
    again = post(live_server, body, retry)
    assert again.status_code == 200 and again.json()["text"] == first.json()["text"]
    assert [r.ref for r in slack.requests()] == ["IT-1"], "a retried command never runs twice"
    other = slack.command_body("U0ALICE", "it laptop broken again")
    unseen_retry = {**signed_headers(other, FORM), "x-slack-retry-num": "2"}
    answered = post(live_server, other, unseen_retry)
    assert answered.json()["text"].startswith("Opened IT-2"), \
        "a retry whose first delivery never arrived runs"
    assert [r.ref for r in slack.requests()] == ["IT-1", "IT-2"]


def test_oversized_body_is_refused(slack: SlackDesk, live_server: str) -> None:
    body = "x" * (1024 * 1024 + 1)
    assert post(live_server, body, signed_headers(body, FORM)).status_code == 413


def test_concurrent_opens_get_distinct_ids(slack: SlackDesk, live_server: str) -> None:
    bodies = [slack.command_body("U0ALICE", f"it laptop broken #{n}", probe=f"c{n}")
              for n in range(20)]
    with ThreadPoolExecutor(10) as pool:
        replies = list(pool.map(lambda b: post(live_server, b, signed_headers(b, FORM)), bodies))
    assert all(r.status_code == 200 for r in replies)
    answers = [r.json() for r in replies]
    assert {a["text"].split(":")[0] for a in answers} == {f"Opened IT-{n}" for n in range(1, 21)}


def test_a_slow_store_is_acked_still_working_and_answered_later(
        slack: SlackDesk, live_server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The database is locked past the ack budget: Slack gets "still working" in time, in the
    typer's language, and the answer follows on the response_url once the lock is gone."""
    monkeypatch.setattr(runtime, "ACK_BUDGET_SECONDS", 0.3)
    with desk_held(slack):
        body = slack.command_body("U0ALICE", "it laptop my screen flickers", probe="slow")
        started = time.monotonic()
        response = post(live_server, body, signed_headers(body, FORM))
        took = time.monotonic() - started
    assert response.status_code == 200 and took < 2.0, took
    assert response.json() == {"text": t("en", "slack.still_working"),
                               "response_type": "ephemeral"}
    assert slack.answer("slow")["text"].startswith("Opened IT-1")
    assert [r.ref for r in slack.requests()] == ["IT-1"]


def test_a_store_the_database_refuses_is_acked_try_again_and_can_be_retried(
        slack: SlackDesk, live_server: str) -> None:
    """The database refuses the command: the typer is told at once, in Chinese, to try again,
    nothing is stored, and Slack's retry of the same delivery opens the request once."""
    with desk_refusing(slack):
        body = slack.command_body("U0HENRY", "finance reimbursement taxi 86 CNY", probe="refused")
        response = post(live_server, body, signed_headers(body, FORM))
    assert response.status_code == 200
    answer = response.json()
    assert (answer["text"], answer["response_type"]) == (t("zh-CN", "err.try_again"),
                                                         "ephemeral")
    assert slack.requests() == [] and not slack.fake.calls_to("response_url")
    retry = {**signed_headers(body, FORM), "x-slack-retry-num": "1"}
    again = post(live_server, body, retry)
    assert again.status_code == 200 and again.json()["text"].startswith("已提交 FIN-1")
    assert [r.ref for r in slack.requests()] == ["FIN-1"]


def test_the_try_again_answer_is_in_the_typers_language_not_the_desks(
        slack: SlackDesk, live_server: str) -> None:
    """The desk writes Chinese; an English-speaking typer whose command the database refused
    is told in English (the language Slack's user is known to read, without the database)."""
    assert slack.platform.deps.app.settings.policy.locale == "zh-CN"
    with desk_refusing(slack):
        body = slack.command_body("U0ALICE", "it laptop my screen flickers", probe="refused")
        answer = post(live_server, body, signed_headers(body, FORM)).json()
    assert answer["text"] == t("en", "err.try_again")
    assert slack.requests() == []
