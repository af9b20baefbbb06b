"""The negotiation on Slack: the proposal reaches the requester's DM with Accept / Decline /
Counter, a signed click on Accept runs through the real Bolt app, the desk's thread hears it."""

from __future__ import annotations

import json

from tests.adapters.slack.conftest import SlackDesk, text_of
from tests.adapters.slack.fake_slack import wait_until
from tests.adapters.slack.test_buttons import buttons, slot
from tests.conftest import local

FINANCE = "CFINANCEREQUE"


def proposed(slack: SlackDesk) -> dict:
    """Henry's request, acknowledged by Bob, who proposes a new date; Henry's DM with it."""
    slack.ask("U0HENRY", "finance cost accounting codes for the trade fair")
    slack.ask("U0BOB", "ack FIN-1")
    slack.clock.set(local("2026-11-23T10:00"))
    reply = slack.ask("U0BOB", "propose FIN-1 2026-12-02 the budget reopens on the 1st")
    assert "FIN-1" in reply["text"]
    slack.drain()
    return next(p for p in slack.fake.posted("D0HENRY") if "/request accept" in
                json.dumps(p["blocks"]))


def test_accept_button_in_the_dm_agrees_the_new_date(slack: SlackDesk) -> None:
    dm = proposed(slack)
    assert "2026-12-02 18:00" in text_of(dm["blocks"])
    choices = buttons(dm["blocks"])
    assert choices == {"neg_accept": "/request accept FIN-1",
                       "neg_decline": "/request decline FIN-1 <why>",
                       "neg_counter": "/request counter FIN-1 <date> <comment>"}
    slack.clock.set(local("2026-11-23T11:00"))
    slack.click("U0HENRY", choices["neg_accept"], "neg_accept", channel="D0HENRY")
    reply = slack.ephemeral()[0]
    assert reply["user"] == "U0HENRY" and "2026-12-02 18:00" in reply["text"]
    request = wait_until(lambda: (r := slack.request("FIN-1")) and r.agreed_at and r)
    assert request.resolution_due == local("2026-12-02T18:00")
    assert request.original_resolution_due == local("2026-11-30T10:00")
    slack.drain()
    thread = [p for p in slack.fake.posted(FINANCE) if p.get("thread_ts")]
    assert any("接受了 FIN-1" in text_of(p) for p in thread), "the desk's thread hears it"


def test_decline_asks_for_the_reason_in_a_modal(slack: SlackDesk) -> None:
    dm = proposed(slack)
    slack.click("U0HENRY", buttons(dm["blocks"])["neg_decline"], "neg_decline",
                channel="D0HENRY")
    modal = slack.opened_view()
    inputs = {b["block_id"]: b for b in modal["blocks"] if b["type"] == "input"}
    assert list(inputs) == ["slot.why"]
    assert inputs["slot.why"]["label"]["text"] == "拒绝原因（会告知对方）"
    missing = json.loads(slack.submit("U0HENRY", modal, {"slot.why": slot(" ")}).body)
    assert missing["response_action"] == "errors"
    done = json.loads(slack.submit("U0HENRY", modal, {"slot.why": slot("会议在 1 号")}).body)
    assert done["response_action"] == "update"
    request = slack.request("FIN-1")
    assert request is not None and request.agreed_at is None and request.paused_at is None


def test_counter_modal_takes_a_date_and_an_optional_comment(slack: SlackDesk) -> None:
    dm = proposed(slack)
    slack.click("U0HENRY", buttons(dm["blocks"])["neg_counter"], "neg_counter",
                channel="D0HENRY")
    modal = slack.opened_view()
    inputs = {b["block_id"]: b for b in modal["blocks"] if b["type"] == "input"}
    assert list(inputs) == ["slot.date", "slot.comment"]
    assert inputs["slot.comment"]["optional"] is True
    assert inputs["slot.date"]["element"]["multiline"] is False
    done = json.loads(slack.submit("U0HENRY", modal, {"slot.date": slot("2026-12-01"),
                                                      "slot.comment": slot("")}).body)
    assert done["response_action"] == "update"
    slack.drain()
    thread = [p for p in slack.fake.posted(FINANCE) if p.get("thread_ts")]
    countered = next(p for p in thread if "反提议" in text_of(p))
    assert buttons(countered["blocks"])["neg_accept"] == "/request accept FIN-1"
