"""Slash commands through the real Bolt app: ack at once, then the ephemeral answer."""

from __future__ import annotations

from sqlmodel import Session

from storage import people
from tests.adapters.slack.conftest import SlackDesk, text_of


def test_open_in_english_answers_ephemerally_with_id_and_targets(slack: SlackDesk) -> None:
    ack = slack.slash("U0ALICE", "it laptop my screen flickers, need a replacement")
    assert ack.status == 200 and not ack.body, "acknowledged at once"
    answer = slack.answered()
    assert answer["response_type"] == "ephemeral" and answer["replace_original"] is False
    assert answer["text"].startswith("Opened IT-1: Laptop for IT")
    assert "First response by" in answer["text"] and "resolution by" in answer["text"]
    assert "Opened IT-1" in text_of(answer["blocks"])
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
    slack.engine.dispose()
    slack.platform.deps.app.desk.engine = None  # type: ignore[assignment]
    answer = slack.ask("U0ALICE", "list")
    assert "try again" in answer["text"]
