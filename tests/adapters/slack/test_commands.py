"""Slash commands through the real Bolt app: stored and acked at once, then run by the worker,
whose answer (an ephemeral message Slack shows to the typer only) goes to the response_url."""

from __future__ import annotations

import time

import pytest
from sqlmodel import Session, select

from bot.adapters.slack import commands
from storage import inbox, people
from storage.models import InboxItem, Suggestion
from tests.adapters.slack.conftest import SlackDesk, inbox_held, inbox_refusing, reply_in, text_of


def test_open_in_english_answers_ephemerally_with_id_and_targets(slack: SlackDesk) -> None:
    probe = "first"
    ack = slack.slash("U0ALICE", "it laptop my screen flickers, need a replacement", probe=probe)
    assert ack.status == 200 and not ack.body, "stored and acked; Slack shows nothing yet"
    answer = slack.answer(probe)
    assert answer["response_type"] == "ephemeral" and answer["replace_original"] is False
    assert answer["text"].startswith("Opened IT-1: Laptop for IT")
    assert "First response by" in answer["text"] and "resolution by" in answer["text"]
    assert "Opened IT-1" in text_of(answer["blocks"])
    assert len(slack.fake.calls_to("response_url")) == 1, "answered once"
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
    slack.ask("U0HENRY", "finance reimbursement taxi 86")
    assert "FIN-1" in slack.ask("U0BOB", "受理 FIN-1")["text"]
    request = slack.request("FIN-1")
    assert request is not None and request.state == "acknowledged"
    assert request.assignee_id == "bob"
    assert "FIN-1" in slack.ask("U0HENRY", "list")["text"]
    assert "/request" in slack.ask("U0ALICE", "help")["text"]


def test_refusal_is_ephemeral_and_changes_nothing(slack: SlackDesk) -> None:
    slack.ask("U0HENRY", "finance reimbursement taxi 86")
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
    body = slack.command_body("U0HENRY", "finance reimbursement taxi 86")
    ack = slack.dispatch(body)
    assert ack.status == 200 and not ack.body
    with Session(inbox.engine_for(slack.engine)) as session:  # read at once: no waiting
        stored = session.exec(select(InboxItem)).all()
    assert [item.payload["text"] for item in stored] == ["/request finance reimbursement taxi 86"]
    slack.settle()
    request = slack.request("FIN-1")
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


def test_a_replayed_command_runs_once_and_is_answered_once(slack: SlackDesk) -> None:
    body = slack.command_body("U0HENRY", "finance reimbursement taxi 86", probe="replayed")
    first = slack.dispatch(body)
    assert first.status == 200 and not first.body
    slack.settle()
    again = slack.dispatch(body, headers={"x-slack-retry-num": "1"})
    assert again.status == 200 and not again.body
    slack.settle()
    assert [r.ref for r in slack.requests()] == ["FIN-1"]
    assert "FIN-1" in slack.answer("replayed")["text"]  # fails if answered twice


def test_a_retry_whose_first_delivery_never_arrived_runs(slack: SlackDesk) -> None:
    body = slack.command_body("U0HENRY", "finance reimbursement taxi 86", probe="retry")
    retry = slack.dispatch(body, headers={"x-slack-retry-num": "1",
                                          "x-slack-retry-reason": "http_error"})
    assert retry.status == 200
    assert "FIN-1" in slack.answer("retry")["text"]
    assert [r.ref for r in slack.requests()] == ["FIN-1"]


def test_a_busy_desk_still_acks_at_once_and_answers_when_a_slot_frees(
        slack: SlackDesk) -> None:
    """Every command slot taken (other commands running): the slash command is stored and
    acked at once, and runs and is answered when a slot frees, instead of "try again"."""
    slots = slack.platform.deps.slots
    taken = 0
    while slots.acquire(blocking=False):
        taken += 1
    try:
        ack = slack.dispatch(slack.command_body("U0HENRY", "finance reimbursement taxi 86",
                                                probe="busy"))
        assert ack.status == 200 and not ack.body
        time.sleep(0.3)
        assert slack.requests() == [] and not slack.fake.calls_to("response_url")
    finally:
        for _ in range(taken):
            slots.release()
    assert slack.answer("busy")["text"].startswith("已提交 FIN-1")
    assert [r.ref for r in slack.requests()] == ["FIN-1"]


def test_a_database_that_refuses_the_command_gets_try_again_and_nothing_runs(
        slack: SlackDesk) -> None:
    with inbox_refusing(slack):
        ack = slack.dispatch(slack.command_body("U0HENRY", "finance reimbursement taxi 86"))
        assert ack.status == 200
        assert "稍后" in reply_in(ack.body)["text"]
    slack.settle()
    assert slack.requests() == [] and not slack.fake.calls_to("response_url")
    assert slack.ask("U0HENRY", "finance reimbursement taxi 86")["text"].startswith("已提交 FIN-1")


def test_a_slow_database_gets_still_working_and_the_answer_afterwards(
        slack: SlackDesk, monkeypatch: pytest.MonkeyPatch) -> None:
    """A database that holds the command up past Slack's patience: the ack says so in time,
    and the answer follows on the response_url once the command is stored and run."""
    monkeypatch.setattr(commands, "ACK_BUDGET_SECONDS", 0.3)
    with inbox_held(slack):
        ack = slack.dispatch(slack.command_body("U0HENRY", "finance reimbursement taxi 86",
                                                probe="slow"))
        working = reply_in(ack.body)
        assert "处理" in working["text"] and "稍后" in working["text"]
        assert not slack.fake.calls_to("response_url")  # the command waits on the lock
    late = slack.answer("slow")
    assert late["text"].startswith("已提交 FIN-1")
    assert [r.ref for r in slack.requests()] == ["FIN-1"]
