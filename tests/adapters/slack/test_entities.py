"""Slack delivers text HTML-encoded (``&amp;`` ``&lt;`` ``&gt;``): it is stored as typed, shown
escaped once, and long text is split between entities and whole characters."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from sqlmodel import Session, select

from storage.models import Suggestion
from tests.adapters.slack.conftest import SlackDesk, text_of
from tests.adapters.slack.test_form import block, form_values

FINANCE = "CFINANCEREQUE"
WHOLE = re.compile(r"^(?:[^&]|&(?:amp|lt|gt);)*$")  # every & starts a whole entity


def sections(blocks: list[dict[str, Any]]) -> list[str]:
    return [b["text"]["text"] for b in blocks if b.get("type") == "section" and b.get("text")]


def test_a_slash_command_is_stored_as_typed_and_shown_escaped_once(slack: SlackDesk) -> None:
    answer = slack.ask("U0ALICE", "finance reimbursement amount=86 R&amp;D &lt;urgent&gt;")
    assert answer["text"].startswith("Opened FIN-1")
    request = slack.request("FIN-1")
    assert request is not None and request.title == "R&D <urgent>"
    assert request.details == "R&D <urgent>"
    shown = slack.ask("U0ALICE", "show FIN-1")
    assert "FIN-1 · R&amp;D &lt;urgent&gt;" in text_of(shown["blocks"])
    assert "&amp;amp;" not in json.dumps(shown) and "&amp;lt;" not in json.dumps(shown)
    slack.drain()
    root = slack.fake.posted(FINANCE)[0]
    assert "R&amp;D &lt;urgent&gt;" in text_of(root["blocks"]) and "R&amp;D" in root["text"]
    assert "&amp;amp;" not in json.dumps(root) and "&amp;lt;" not in json.dumps(root)


def test_a_suggestion_is_stored_as_typed(slack: SlackDesk) -> None:
    slack.ask("U0ALICE", "finance accept e-invoices for R&amp;D &gt; 1000", command="/suggest")
    with Session(slack.engine) as session:
        suggestion = session.exec(select(Suggestion)).one()
    assert suggestion.text == "accept e-invoices for R&D > 1000"


def test_the_message_shortcut_prefills_the_text_as_typed(slack: SlackDesk) -> None:
    payload = {"type": "message_action", "callback_id": "crossdesk_request_from_message",
               "team": {"id": "T0ACME"}, "api_app_id": "A0DESK", "trigger_id": "t-short",
               "user": {"id": "U0ALICE", "name": "alice", "team_id": "T0ACME"},
               "channel": {"id": "C0SALES", "name": "sales"},
               "message": {"type": "message", "user": "U0HENRY", "ts": "1790000123.000200",
                           "text": "Refund R&amp;D &lt;urgent&gt; &amp;amp; soon"},
               "response_url": "http://127.0.0.1:9/shortcut"}
    assert slack.dispatch(slack.payload_body(payload)).status == 200
    view = slack.opened_view()
    details = block(view, "details")["element"]["initial_value"]
    assert details.startswith("Refund R&D <urgent> &amp; soon\n")
    done = json.loads(slack.submit("U0ALICE", view, form_values(
        "finance", "finance/cash-advance", details)).body)
    assert done["response_action"] == "update"
    request = slack.request("FIN-1")
    assert request is not None and request.title == "Refund R&D <urgent> &amp; soon"


@pytest.mark.parametrize("lead", ["", "a", "ab", "abc", "abcd"])
def test_long_text_is_split_between_entities_and_characters(slack: SlackDesk,
                                                            lead: str) -> None:
    line = lead + "&<" * 300 + "😀字" * 200 + "&" * 200
    slack.ask("U0ALICE", "finance reimbursement amount=86 first line\n" + line)
    shown = sections(slack.ask("U0ALICE", "show FIN-1")["blocks"])
    slack.drain()
    posted = sections(slack.fake.posted(FINANCE)[0]["blocks"])
    for texts in (shown, posted):
        assert len(texts) > 1 and all(len(t) <= 3000 for t in texts)
        assert all(WHOLE.match(t) for t in texts), "an entity was cut in two"
        for t in texts:
            t.encode("utf-8")  # no half of a surrogate pair
        joined = "".join(texts)
        escaped = line.replace("&", "&amp;").replace("<", "&lt;")
        assert escaped in joined or escaped in joined.replace("\n", "")
