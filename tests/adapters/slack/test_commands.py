"""Slash commands through the real Bolt app: run, then acked with the answer (an ephemeral
message Slack shows to the typer only); the response_url only when the desk is slow."""

from __future__ import annotations

import threading

import pytest
from sqlmodel import Session, select

from bot.adapters import command_threads
from bot.adapters.slack import runtime
from storage import people
from storage.models import Suggestion
from tests.adapters.slack.conftest import SlackDesk, desk_held, desk_refusing, reply_in, text_of


def test_open_in_english_answers_ephemerally_with_id_and_targets(slack: SlackDesk) -> None:
    ack = slack.slash("U0ALICE", "it laptop my screen flickers, need a replacement")
    answer = reply_in(ack.body)
    assert answer["response_type"] == "ephemeral"
    assert answer["text"].startswith("Opened IT-1: Laptop for IT")
    assert "First response by" in answer["text"] and "resolution by" in answer["text"]
    assert "Opened IT-1" in text_of(answer["blocks"])
    assert not slack.fake.calls_to("response_url"), "the ack itself carried the answer"
    request = slack.request("IT-1")
    assert request is not None and request.requester_id == "alice"
    assert request.title == "my screen flickers, need a replacement"
    assert slack.kicks, "the dispatcher was woken"


def test_open_in_chinese(slack: SlackDesk) -> None:
    answer = slack.ask("U0HENRY", "财务 报销 出租车去客户现场 86元")
    assert answer["text"].startswith("已提交 FIN-1：财务部 · 报销")
    assert "首次响应时限" in answer["text"]
    request = slack.request("FIN-1")
    assert request is not None and request.requester_id == "henry"
    assert request.details == "出租车去客户现场 86元"


def test_subcommands_work_as_slash_text(slack: SlackDesk) -> None:
    slack.ask("U0HENRY", "finance reimbursement taxi 86 CNY")
    assert "FIN-1" in slack.ask("U0BOB", "受理 FIN-1")["text"]
    request = slack.request("FIN-1")
    assert request is not None and request.state == "acknowledged"
    assert request.assignee_id == "bob"
    assert "FIN-1" in slack.ask("U0HENRY", "list")["text"]
    assert "/request" in slack.ask("U0ALICE", "help")["text"]


def test_refusal_is_ephemeral_and_changes_nothing(slack: SlackDesk) -> None:
    slack.ask("U0HENRY", "finance reimbursement taxi 86 CNY")
    answer = slack.ask("U0HENRY", "ack FIN-1")
    assert answer["response_type"] == "ephemeral"
    assert "未做任何更改" in answer["text"]
    request = slack.request("FIN-1")
    assert request is not None and request.state == "open"


def test_suggest(slack: SlackDesk) -> None:
    answer = slack.ask("U0ALICE", "finance please accept e-invoices", command="/suggest")
    assert answer["response_type"] == "ephemeral"
    assert "suggestion #1" in answer["text"]
    assert "/suggest" in slack.ask("U0ALICE", "", command="/suggest")["text"]


def test_unknown_slack_user_is_registered_from_users_info(slack: SlackDesk) -> None:
    answer = slack.ask("U0NEWBIE", "it laptop 键盘坏了")
    assert answer["text"].startswith("已提交 IT-1")  # users.info said zh-CN
    with Session(slack.engine) as session:
        person = people.by_platform_id(session, "slack", "U0NEWBIE")
        assert person is not None
        assert (person.id, person.name, person.source) == ("slack-u0newbie", "张小明", "slack")
    slack.ask("U0NEWBIE", "list")
    assert len(slack.fake.calls_to("users.info")) == 1, "cached after the first contact"
    assert slack.ask("U0GUEST", "it laptop broken")["text"].startswith("Opened IT-2")


def test_typo_in_a_subcommand_gets_did_you_mean_not_a_form(slack: SlackDesk) -> None:
    assert "list" in slack.ask("U0ALICE", "lsit")["text"]
    assert not slack.fake.calls_to("views.open")


def test_an_unexpected_failure_still_answers(slack: SlackDesk) -> None:
    slack.platform.deps.app.desk.engine = None  # type: ignore[assignment]
    answer = slack.ask("U0ALICE", "list")
    assert "try again" in answer["text"]


def test_an_acked_command_is_stored_before_the_ack_returns(slack: SlackDesk) -> None:
    """A 200 means stored: nothing waits in memory for a replica that may die."""
    ack = slack.dispatch(slack.command_body("U0HENRY", "finance reimbursement taxi 86 CNY"))
    assert ack.status == 200 and "FIN-1" in reply_in(ack.body)["text"]
    request = slack.request("FIN-1")  # read at once: nothing left to run
    assert request is not None and request.state == "open"
    assert slack.pending(), "its notifications are queued in the outbox, committed with it"
    slack.slash("U0BOB", "ack FIN-1")
    request = slack.request("FIN-1")
    assert request is not None and request.state == "acknowledged"


def test_suggest_is_stored_and_answered(slack: SlackDesk) -> None:
    answer = slack.ask("U0ALICE", "finance please accept e-invoices", command="/suggest")
    assert "suggestion #1" in answer["text"]
    with Session(slack.engine) as session:
        assert len(session.exec(select(Suggestion)).all()) == 1


def test_a_replayed_command_runs_once_and_is_answered_as_before(slack: SlackDesk) -> None:
    body = slack.command_body("U0HENRY", "finance reimbursement taxi 86 CNY")
    first = reply_in(slack.dispatch(body).body)
    again = slack.dispatch(body, headers={"x-slack-retry-num": "1"})
    assert again.status == 200
    assert reply_in(again.body)["text"] == first["text"], "the same answer, not a second run"
    assert [r.ref for r in slack.requests()] == ["FIN-1"]
    assert len([r for r in slack.pending() if r.target == "dept:finance"]) == 1


def test_a_retry_whose_first_delivery_never_arrived_runs(slack: SlackDesk) -> None:
    body = slack.command_body("U0HENRY", "finance reimbursement taxi 86 CNY")
    retry = slack.dispatch(body, headers={"x-slack-retry-num": "1",
                                          "x-slack-retry-reason": "http_error"})
    assert retry.status == 200 and "FIN-1" in reply_in(retry.body)["text"]
    assert [r.ref for r in slack.requests()] == ["FIN-1"]


def test_a_desk_with_every_thread_busy_answers_busy_and_stores_nothing(
        slack: SlackDesk, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every command thread taken (other commands running) past the short wait: the person
    is told, in their language, to send it again; nothing is stored, so sending it again
    (even the same delivery) works."""
    monkeypatch.setitem(command_threads.BUSY_WAIT_SECONDS, "slack", 0.2)
    release = threading.Event()
    for _ in range(command_threads.COMMAND_THREADS):
        slack.platform.deps.commands.submit(release.wait, 10)
    body = slack.command_body("U0HENRY", "finance reimbursement taxi 86 CNY")
    try:
        busy = reply_in(slack.dispatch(body).body)
        assert "繁忙" in busy["text"] and "重新发送" in busy["text"]
        assert slack.requests() == [] and not slack.pending()
    finally:
        release.set()
    assert reply_in(slack.dispatch(body).body)["text"].startswith("已提交 FIN-1")
    assert [r.ref for r in slack.requests()] == ["FIN-1"]


def test_a_database_that_refuses_the_command_gets_try_again_and_nothing_runs(
        slack: SlackDesk) -> None:
    body = slack.command_body("U0HENRY", "finance reimbursement taxi 86 CNY")
    with desk_refusing(slack):
        ack = slack.dispatch(body)
        assert ack.status == 200
        assert "稍后" in reply_in(ack.body)["text"]
    assert slack.requests() == [] and not slack.fake.calls_to("response_url")
    retried = slack.dispatch(body, headers={"x-slack-retry-num": "1"})
    assert reply_in(retried.body)["text"].startswith("已提交 FIN-1"), "the key was not kept"


def test_a_slow_database_gets_still_working_and_the_answer_afterwards(
        slack: SlackDesk, monkeypatch: pytest.MonkeyPatch) -> None:
    """A database that holds the command up past Slack's patience: the ack says so in time,
    and the answer follows on the response_url once the command is stored."""
    monkeypatch.setattr(runtime, "ACK_BUDGET_SECONDS", 0.3)
    with desk_held(slack):
        ack = slack.dispatch(slack.command_body("U0HENRY", "finance reimbursement taxi 86 CNY",
                                                probe="slow"))
        working = reply_in(ack.body)
        assert "处理" in working["text"] and "稍后" in working["text"]
        assert not slack.fake.calls_to("response_url")  # the command waits on the lock
    late = slack.answer("slow")
    assert late["text"].startswith("已提交 FIN-1")
    assert [r.ref for r in slack.requests()] == ["FIN-1"]
