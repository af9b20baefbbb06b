"""App Home: my requests, the department queue overdue first, buttons, within 100 blocks."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.adapters.slack.conftest import SlackDesk, text_of
from tests.adapters.slack.fake_slack import wait_until
from tests.adapters.slack.test_buttons import buttons
from tests.conftest import local


def home_of(slack: SlackDesk, user: str, count: int = 1) -> dict[str, Any]:
    slack.event({"type": "app_home_opened", "user": user, "channel": f"D{user[1:]}",
                 "tab": "home", "event_ts": "1790000000.000100"})
    call = slack.fake.wait_for("views.publish", count)[-1]
    assert call["user_id"] == user
    return dict(call["view"])


def sections(view: dict[str, Any]) -> list[str]:
    return [b["text"]["text"] for b in view["blocks"] if b["type"] == "section"]


def test_requester_sees_their_requests_with_their_buttons(slack: SlackDesk) -> None:
    slack.ask("U0ALICE", "finance reimbursement taxi 86 CNY")
    slack.ask("U0ALICE", "it laptop screen flickers")
    slack.ask("U0KEVIN", "resolve IT-1 swapped the screen")
    view = home_of(slack, "U0ALICE")
    assert view["type"] == "home"
    lines = sections(view)
    assert lines[0] == "*Your requests*"
    assert any(line.startswith("IT-1 [P3] screen flickers — resolved") for line in lines)
    it_actions = next(b for b in view["blocks"] if b.get("block_id") == "mine.IT-1")
    assert buttons([it_actions]) == {"confirm": "/request confirm IT-1",
                                     "reopen": "/request reopen IT-1 <reason>"}
    fin_actions = next(b for b in view["blocks"] if b.get("block_id") == "mine.FIN-1")
    assert buttons([fin_actions]) == {"cancel": "/request cancel FIN-1"}
    assert "Finance" not in text_of(view["blocks"]), "alice is not on the finance desk"


def test_staff_see_the_queue_overdue_first_in_their_language(slack: SlackDesk) -> None:
    slack.ask("U0ALICE", "finance reimbursement amount=86 hotel 300")  # due in 3 business days
    slack.ask("U0ALICE", "finance reimbursement amount=86 urgent taxi !P1")  # 6 business hours
    slack.ask("U0BOB", "ack FIN-1")  # answered: no first response left to miss
    slack.clock.set(slack.clock() + timedelta(days=1))
    view = home_of(slack, "U0BOB")
    lines = sections(view)
    assert lines[0] == "*我提交的请求*"
    queue = lines.index("*财务部 —— 待处理请求（超时的在前）*")
    assert lines[queue + 1].startswith("FIN-2 ⚠ 已超时 · [P1] urgent taxi — 待受理")
    assert lines[queue + 2].startswith("FIN-1 [P3] hotel 300 — 已受理")
    assert "已超时" not in lines[queue + 2]
    row = next(b for b in view["blocks"] if b.get("block_id") == "queue.FIN-2")
    assert buttons([row]) == {"ack": "/request ack FIN-2", "assign_me": "/request assign FIN-2 me",
                              "wait": "/request wait FIN-2 <question>",
                              "resolve": "/request resolve FIN-2 <note>"}


def test_a_long_queue_fits_in_100_blocks_and_points_to_the_command(slack: SlackDesk) -> None:
    app = slack.platform.deps.app
    for n in range(70):
        app.handle("alice", f"/request finance reimbursement amount=86 receipt {n}")
    view = home_of(slack, "U0BOB")
    assert len(view["blocks"]) <= 100
    assert "Type `/request queue finance` for the rest" in text_of(view["blocks"]) or \
        "输入 `/request queue finance` 查看其余" in text_of(view["blocks"])


def test_pressing_a_home_button_runs_it_shows_the_reply_and_refreshes(slack: SlackDesk) -> None:
    slack.ask("U0ALICE", "finance reimbursement taxi 86 CNY")
    home_of(slack, "U0BOB")
    slack.click("U0BOB", "/request ack FIN-1", "ack", view={"type": "home", "id": "V0HOME"})
    reply = slack.fake.wait_for("views.open")[-1]["view"]
    assert "FIN-1" in text_of(reply["blocks"])
    refreshed = slack.fake.wait_for("views.publish", 2)[-1]["view"]
    assert "已受理" in text_of(refreshed["blocks"])
    request = slack.request("FIN-1")
    assert request is not None and request.state == "acknowledged"


def test_new_request_button_opens_the_form(slack: SlackDesk) -> None:
    view = home_of(slack, "U0ALICE")
    new = view["blocks"][1]["elements"][0]
    slack.click("U0ALICE", new["value"], action_id=new["action_id"],
                view={"type": "home", "id": "V0HOME"})
    assert slack.opened_view()["callback_id"] == "crossdesk_new_request"


def test_the_home_view_is_the_same_overview_the_console_shows(slack: SlackDesk) -> None:
    """Home renders handlers.home.home: typed as `/request home` it answers the same."""
    slack.ask("U0ALICE", "finance reimbursement taxi 86 CNY")
    typed = slack.platform.deps.app.handle("bob", "/request 主页")
    view = home_of(slack, "U0BOB")
    assert [m.kind for m in typed.messages] == ["home.section", "home.note", "home.section",
                                                "home.item"]
    item = typed.messages[-1]
    assert item.request_ref == "FIN-1" and item.text.startswith("FIN-1 [P3] ")
    assert item.text in sections(view), "the same words, id included"
    shown = next(b for b in view["blocks"] if b.get("block_id") == "queue.FIN-1")
    assert buttons([shown]) == {b.action: b.command for b in item.buttons}


def test_a_redelivered_event_publishes_once(slack: SlackDesk) -> None:
    event = {"type": "app_home_opened", "user": "U0ALICE", "tab": "home"}
    assert slack.event(event, event_id="Ev0SAME").status == 200
    assert slack.event(event, event_id="Ev0SAME",
                       headers={"x-slack-retry-num": "1",
                                "x-slack-retry-reason": "http_timeout"}).status == 200
    slack.fake.wait_for("views.publish")
    assert len(slack.fake.calls_to("views.publish")) == 1


def test_home_offers_the_answers_to_a_proposal_and_the_desk_its_counter(
        slack: SlackDesk) -> None:
    """While Bob's proposal waits for Henry, Henry's Home has Accept / Decline / Counter (as
    the DM with the proposal); while Henry's counter waits for Finance, its queue on Bob's and
    Carol's Home has Accept / Propose…."""
    slack.ask("U0HENRY", "finance cost accounting codes for the trade fair")
    slack.ask("U0BOB", "ack FIN-1")
    slack.clock.set(local("2026-11-23T10:00"))
    slack.ask("U0BOB", "propose FIN-1 2026-12-02 the budget reopens on the 1st")
    published = len(slack.fake.calls_to("views.publish"))
    mine = home_of(slack, "U0HENRY", published + 1)
    row = next(b for b in mine["blocks"] if b.get("block_id") == "mine.FIN-1")
    assert buttons([row]) == {"neg_accept": "/request accept FIN-1",
                              "neg_decline": "/request decline FIN-1 <why>",
                              "neg_counter": "/request counter FIN-1 <date> <comment>",
                              "cancel": "/request cancel FIN-1"}
    queue = home_of(slack, "U0BOB", published + 2)
    row = next(b for b in queue["blocks"] if b.get("block_id") == "queue.FIN-1")
    assert "neg_accept" not in buttons([row]), "the proposal waits for Henry, not the desk"

    slack.ask("U0HENRY", "counter FIN-1 2026-12-01 I pay the fee on the 2nd")
    for n, user in enumerate(("U0BOB", "U0CAROL"), start=published + 3):
        queue = home_of(slack, user, n)
        row = next(b for b in queue["blocks"] if b.get("block_id") == "queue.FIN-1")
        shown = buttons([row])
        assert (shown["neg_accept"], shown["neg_propose"]) == (
            "/request accept FIN-1", "/request propose FIN-1 <date> <text>"), user
        assert {"wait", "resolve"} <= set(shown), "the desk's usual buttons stay"
    mine = home_of(slack, "U0HENRY", published + 5)
    row = next(b for b in mine["blocks"] if b.get("block_id") == "mine.FIN-1")
    assert buttons([row]) == {"cancel": "/request cancel FIN-1"}, "the counter waits for Finance"


def test_accept_on_the_home_tab_agrees_the_new_date(slack: SlackDesk) -> None:
    """The Home's Accept runs the accept through the real Bolt app, as the DM's does."""
    slack.ask("U0HENRY", "finance cost accounting codes for the trade fair")
    slack.ask("U0BOB", "ack FIN-1")
    slack.clock.set(local("2026-11-23T10:00"))
    slack.ask("U0BOB", "propose FIN-1 2026-12-02 the budget reopens on the 1st")
    published = len(slack.fake.calls_to("views.publish")) + 1
    view = home_of(slack, "U0HENRY", published)
    row = next(b for b in view["blocks"] if b.get("block_id") == "mine.FIN-1")
    slack.clock.set(local("2026-11-23T11:00"))
    slack.click("U0HENRY", buttons([row])["neg_accept"], "neg_accept",
                view={"type": "home", "id": "V0HOME"})
    request = wait_until(lambda: (r := slack.request("FIN-1")) and r.agreed_at and r)
    assert request.resolution_due == local("2026-12-02T18:00")
    refreshed = slack.fake.wait_for("views.publish", published + 1)[-1]["view"]
    row = next(b for b in refreshed["blocks"] if b.get("block_id") == "mine.FIN-1")
    assert buttons([row]) == {"cancel": "/request cancel FIN-1"}, "nothing waits any more"
