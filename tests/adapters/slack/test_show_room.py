"""`/request show` of a request with a long history on Slack: Block Kit holds 50 blocks a
message, and ``reply_payload`` kept the first 50, so 300 events with long comments lost the
latest events and the buttons without a word. It now passes the blocks left to
``handlers.history.within`` (as WeCom's render passes its 12 pieces)."""

from __future__ import annotations

from handlers.inbound import Inbound
from tests.adapters.slack.conftest import SlackDesk
from tests.adapters.slack.fake_slack import blocks_problems

EVENTS = 150  # comments of each side
PAD = "补" * 480  # a long comment: 300 of them take more than 50 sections of 3,000 characters


def test_a_long_history_keeps_its_latest_events_and_buttons_on_slack(slack: SlackDesk,
                                                                     desk_app) -> None:
    for who, text in [("henry", "/request 财务 核算 展会的预算科目"),
                      ("bob", "/request ack FIN-1")]:
        assert desk_app.run(Inbound(platform="console", person_id=who, text=text)).ok
    for i in range(EVENTS):
        for who in ("bob", "henry"):
            assert desk_app.run(Inbound(platform="console", person_id=who,
                                        text=f"/request comment FIN-1 {who} {i} {PAD}")).ok
    blocks = slack.ask("U0CAROL", "show FIN-1")["blocks"]
    assert blocks_problems(blocks) == []
    sections = " ".join(b["text"]["text"] for b in blocks if b["type"] == "section"
                        and "text" in b)
    assert sections.startswith("FIN-1 · 展会的预算科目")
    assert f"henry {EVENTS - 1} " in sections, "the latest event"
    assert "篇幅所限" in sections, "a word about the earlier events"
    assert blocks[-1]["type"] == "actions", "the buttons"
