"""A DM message asking one question (which request a held message is about; a form's
question in chat) loses all its buttons once one is used: the person sees what they chose."""

from __future__ import annotations

import dataclasses

import pytest
from sqlmodel import Session, select

from bot.runtime.config import Settings
from handlers.catalog import Catalog
from storage.models import Deflection, Event
from tests.adapters.slack.conftest import SlackDesk, replaced, text_of
from tests.adapters.slack.fake_slack import wait_until
from tests.adapters.slack.test_conversations import message
from tests.adapters.slack.test_settled import actions_in

ALICE_DM, HENRY_DM = "D0ALICE", "D0HENRY"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The sample company, with IT's laptop asking for its model (a choice) in chat."""
    deps = []
    for dep in settings.catalog.departments:
        cats = tuple(dataclasses.replace(cat, fields=tuple(
            dataclasses.replace(f, required=True) if f.key == "model" else f
            for f in cat.fields)) if cat.key == "laptop" else cat for cat in dep.categories)
        deps.append(dataclasses.replace(dep, categories=cats, _category_index={}))
    return dataclasses.replace(settings, catalog=Catalog(departments=tuple(deps),
                                                         people=settings.catalog.people))


def say_in_dm(slack: SlackDesk, user: str, channel: str, text: str, button: str) -> str:
    """Say ``text`` in the DM; the ts of the newest bot message there with a ``button``."""
    before = set(slack.fake.messages)
    slack.event(message(user, text, channel, channel_type="im"))
    return str(wait_until(lambda: max((ts for (c, ts), m in slack.fake.messages.items()
                                       if c == channel and (c, ts) not in before
                                       and button in actions_in(m["blocks"])),
                                      key=float, default=None), 5.0, f"a DM with {button!r}"))


def label_of(slack: SlackDesk, channel: str, ts: str, command: str) -> str:
    return str(next(e["text"]["text"] for b in slack.fake.messages[(channel, ts)]["blocks"]
                    if b["type"] == "actions" for e in b["elements"] if e["value"] == command))


def test_picking_the_request_for_a_held_message_takes_every_choice_away(
        slack: SlackDesk) -> None:
    slack.ask("U0ALICE", "finance cash-advance taxi 86")
    slack.ask("U0ALICE", "it account-access vpn locked")
    slack.drain()
    ts = say_in_dm(slack, "U0ALICE", ALICE_DM, "I am away on Friday", "/request add IT-1 1")
    assert "/request add FIN-1 1" in actions_in(slack.fake.messages[(ALICE_DM, ts)]["blocks"])
    label = label_of(slack, ALICE_DM, ts, "/request add IT-1 1")

    slack.click_posted("U0ALICE", ALICE_DM, ts, "/request add IT-1 1")

    assert "IT-1" in slack.ephemeral()[0]["text"]
    rewritten = wait_until(lambda: replaced(slack.fake))[0]
    assert actions_in(rewritten["blocks"]) == []  # FIN-1's button went too
    assert f"You chose “{label}”" in text_of(rewritten["blocks"])
    assert "I am away on Friday" in text_of(rewritten["blocks"])  # the question stays
    with Session(slack.engine) as session:
        notes = [e.note for e in session.exec(select(Event).where(Event.kind == "dm_reply"))]
    assert notes == ["I am away on Friday"]

    slack.click_posted("U0ALICE", ALICE_DM, ts, "/request add FIN-1 1")  # the stale copy
    assert "IT-1" in slack.ephemeral()[0]["text"], "it says where the words went"
    with pytest.raises(AssertionError, match="timed out"):  # a rewrite would come at once
        wait_until(lambda: len(replaced(slack.fake)) > 1, 0.5, "a second rewrite")


def test_cancel_on_a_chat_form_takes_its_buttons_away_a_stale_one_keeps_them(
        slack: SlackDesk) -> None:
    stale = say_in_dm(slack, "U0ALICE", ALICE_DM, "/request hr leave-certificate bank",
                      "cancel")
    slack.event(message("U0ALICE", "cancel", ALICE_DM, channel_type="im"))  # typed first

    slack.click_posted("U0ALICE", ALICE_DM, stale, "cancel")

    slack.ephemeral()  # refused: no form is being filled any more
    assert replaced(slack.fake) == []

    ts = say_in_dm(slack, "U0ALICE", ALICE_DM, "/request hr leave-certificate bank", "cancel")
    slack.click_posted("U0ALICE", ALICE_DM, ts, "cancel")

    assert "no Leave certificate request" in slack.ephemeral(2)[1]["text"]
    rewritten = wait_until(lambda: replaced(slack.fake))[0]
    assert actions_in(rewritten["blocks"]) == []  # "This answered my question" went too
    assert "You chose “Cancel”" in text_of(rewritten["blocks"])


def test_answered_on_a_chat_form_takes_its_buttons_away_in_the_persons_language(
        slack: SlackDesk) -> None:
    ts = say_in_dm(slack, "U0HENRY", HENRY_DM, "/request hr leave-certificate 银行要", "answered")

    slack.click_posted("U0HENRY", HENRY_DM, ts, "answered")

    assert "很高兴" in slack.ephemeral()[0]["text"]
    rewritten = wait_until(lambda: replaced(slack.fake))[0]
    assert actions_in(rewritten["blocks"]) == []
    assert "你已选择「已解答我的问题」" in text_of(rewritten["blocks"])
    with Session(slack.engine) as session:
        assert len(list(session.exec(select(Deflection)))) == 1


def test_a_choice_on_a_chat_forms_question_takes_the_cards_buttons_away(
        slack: SlackDesk) -> None:
    ts = say_in_dm(slack, "U0ALICE", ALICE_DM, "/request it laptop screen broken", "model=x1")
    label = label_of(slack, ALICE_DM, ts, "model=x1")

    slack.click_posted("U0ALICE", ALICE_DM, ts, "model=x1")

    assert "IT-1" in slack.ephemeral()[0]["text"]  # the form was complete: opened
    rewritten = wait_until(lambda: replaced(slack.fake))[0]
    assert actions_in(rewritten["blocks"]) == []  # the other model and Cancel went too
    assert f"You chose “{label}”" in text_of(rewritten["blocks"])
