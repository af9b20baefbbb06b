"""Buttons made moot by someone else's act leave the person's DM with the bot: the other
approver of an "any one of" step, the requester after a withdrawn or lapsed proposal. A line
says what happened, in their language; other requests' buttons stay (a ``settle`` row)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.adapters.slack.platform import build_slack
from bot.runtime import config as config_mod
from bot.runtime.app import DeskApp
from handlers.sweep import sweep
from tests.adapters.slack.conftest import ENV, SlackDesk
from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.slack.test_settled import actions_in
from tests.conftest import EXAMPLE, local
from tests.handlers.approval_company import APPROVAL, with_approval

CAROL, EMMA, HENRY = "D0CAROL", "D0EMMA", "D0HENRY"


def answers(blocks: list[dict[str, Any]]) -> list[str]:
    """The buttons of ``blocks`` answering FIN-1's proposal: Accept / Decline… / Counter…."""
    return [a for a in actions_in(blocks) if a.split()[1:3] in (
        ["accept", "FIN-1"], ["decline", "FIN-1"], ["counter", "FIN-1"])]


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> config_mod.Settings:
    """The sample company whose reimbursement asks Carol or Emma (either) above 500."""
    text = with_approval(EXAMPLE.read_text(encoding="utf-8"))
    text = text.replace(APPROVAL, APPROVAL.replace('"leads:finance"', '"carol", "emma"'), 1)
    path = Path(tmp_path_factory.mktemp("slack-approval-any")) / "config.toml"
    path.write_text(text, encoding="utf-8")
    return config_mod.load(path)


def at_the_second_step(slack: SlackDesk, ref: str = "FIN-1") -> None:
    """Alice's 800 CNY hotel, approved by her manager Henry: Carol or Emma decides next."""
    slack.ask("U0ALICE", "finance reimbursement 金额=800 hotel in Shenzhen")
    slack.ask("U0HENRY", f"approve {ref}")
    slack.drain()


def approval_dm(slack: SlackDesk, channel: str, ref: str = "FIN-1") -> str:
    """The ts of the approval DM in ``channel`` for ``ref`` (its buttons still there)."""
    found = [ts for (c, ts), m in slack.fake.messages.items() if c == channel
             and f"/request approve {ref}" in actions_in(m["blocks"])]
    assert len(found) == 1, found
    return found[0]


def context_lines(message: dict[str, Any]) -> list[str]:
    return [e["text"] for b in message["blocks"] if b["type"] == "context"
            for e in b["elements"]]


def test_when_emma_approves_carols_buttons_go_saying_so(slack: SlackDesk) -> None:
    at_the_second_step(slack)
    carol = approval_dm(slack, CAROL)
    before = slack.fake.messages[(CAROL, carol)]
    emma = approval_dm(slack, EMMA)

    slack.click_posted("U0EMMA", EMMA, emma, "/request approve FIN-1")
    slack.drain()

    request = slack.request("FIN-1")
    assert request is not None and request.state == "open"
    after = slack.fake.messages[(CAROL, carol)]
    assert actions_in(after["blocks"]) == []  # Approve and Reject… went
    assert "✓ 周敏 Emma Zhou 已批准" in context_lines(after)  # in Carol's language
    assert all(b in after["blocks"] for b in before["blocks"] if b["type"] != "actions")
    assert after["text"] == before["text"]
    looked = [c for c in slack.fake.calls_to("conversations.history") if c["channel"] == CAROL]
    assert looked and all(int(c["limit"]) <= 100 for c in looked)  # a bounded window


def test_after_a_restart_the_dm_is_still_found(slack: SlackDesk, desk_app: DeskApp,
                                               http_settings: config_mod.Settings,
                                               fake_slack: FakeSlack) -> None:
    at_the_second_step(slack)
    carol = approval_dm(slack, CAROL)
    restarted = build_slack(desk_app, http_settings, client_base_url=fake_slack.url,
                            environ=ENV)
    try:  # a process that never posted to Carol reads her DM's id back
        slack.router.routes[0] = restarted.route()
        slack.ask("U0EMMA", "approve FIN-1")
        slack.drain()
    finally:
        restarted.stop()
    assert actions_in(slack.fake.messages[(CAROL, carol)]["blocks"]) == []


def test_a_rejection_takes_the_other_approvers_buttons_and_leaves_another_requests(
        slack: SlackDesk) -> None:
    at_the_second_step(slack)
    at_the_second_step(slack, "FIN-2")
    other = approval_dm(slack, EMMA, "FIN-2")
    emma = approval_dm(slack, EMMA)

    slack.ask("U0CAROL", "reject FIN-1 over the travel policy")
    slack.drain()

    request = slack.request("FIN-1")
    assert request is not None and request.state == "rejected"
    after = slack.fake.messages[(EMMA, emma)]
    assert actions_in(after["blocks"]) == []
    assert "✓ 刘芳 Carol Liu rejected" in context_lines(after)  # Emma reads English
    assert actions_in(slack.fake.messages[(EMMA, other)]["blocks"]) == [
        "/request approve FIN-2", "/request reject FIN-2 <reason>"]  # FIN-2 is still hers


def proposed(slack: SlackDesk) -> str:
    """Henry's request, acknowledged by Bob, who proposes a new date: the ts of Henry's DM
    with Accept / Decline / Counter."""
    slack.ask("U0HENRY", "finance cost accounting codes for the trade fair")
    slack.ask("U0BOB", "ack FIN-1")
    slack.clock.set(local("2026-11-23T10:00"))
    slack.ask("U0BOB", "propose FIN-1 2026-12-02 the budget reopens on the 1st")
    slack.drain()
    found = [ts for (c, ts), m in slack.fake.messages.items() if c == HENRY
             and answers(m["blocks"])]
    assert len(found) == 1, found
    return found[0]


def henrys_other_buttons(slack: SlackDesk) -> dict[str, list[str]]:
    """Henry's DM buttons other than the answers to a proposal, by message ts."""
    return {ts: [a for a in actions_in(m["blocks"]) if a not in answers(m["blocks"])]
            for (c, ts), m in slack.fake.messages.items() if c == HENRY}


def test_a_withdrawn_proposal_takes_the_requesters_answers_and_nothing_else(
        slack: SlackDesk) -> None:
    ts = proposed(slack)
    others = henrys_other_buttons(slack)
    assert any(others.values())  # e.g. the confirmation's Cancel

    slack.ask("U0BOB", "wait FIN-1 which project's budget is it?")  # the desk moves on
    slack.drain()

    after = slack.fake.messages[(HENRY, ts)]
    assert answers(after["blocks"]) == []
    assert "✓ 办理方已撤回方案" in context_lines(after)
    kept = henrys_other_buttons(slack)
    assert all(kept[at] == buttons for at, buttons in others.items())


def test_a_lapsed_proposal_takes_its_reminders_answers_too(slack: SlackDesk,
                                                          desk_app: DeskApp) -> None:
    proposal = proposed(slack)
    for day in ("2026-11-24", "2026-11-25", "2026-11-26"):  # a reminder, then it lapses
        slack.clock.set(local(f"{day}T10:01"))
        sweep(desk_app.desk, slack.clock())
        slack.drain()

    henrys = [m for (c, _ts), m in slack.fake.messages.items() if c == HENRY]
    lapsed = [m for m in henrys if "✓ 方案已过期" in context_lines(m)]
    assert len(lapsed) == 2  # the proposal and its reminder
    assert all(answers(m["blocks"]) == [] for m in henrys)
    assert "✓ 方案已过期" in context_lines(slack.fake.messages[(HENRY, proposal)])


def test_slack_refusing_the_history_leaves_the_buttons_and_ends_the_row(
        slack: SlackDesk) -> None:
    at_the_second_step(slack)
    carol = approval_dm(slack, CAROL)
    slack.fake.refuse("conversations.history", "missing_scope", times=100, channel=CAROL)

    slack.ask("U0EMMA", "approve FIN-1")
    waited = slack.drain()

    assert waited < 5 and slack.pending() == []  # not retried: it would be refused again
    assert "/request approve FIN-1" in actions_in(slack.fake.messages[(CAROL, carol)]["blocks"])
    assert len([c for c in slack.fake.calls_to("conversations.history")
                if c["channel"] == CAROL]) == 1


def test_a_rate_limit_is_retried_through_the_outbox(slack: SlackDesk) -> None:
    at_the_second_step(slack)
    carol = approval_dm(slack, CAROL)
    slack.fake.fail("conversations.history", 429, retry_after=20)

    slack.ask("U0EMMA", "approve FIN-1")
    waited = slack.drain()

    assert waited >= 20  # Slack's Retry-After was honoured
    assert actions_in(slack.fake.messages[(CAROL, carol)]["blocks"]) == []
