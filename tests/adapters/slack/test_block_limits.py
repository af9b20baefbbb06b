"""Block Kit's limits on what crossdesk sends: a long request still reaches a desk whose user
group is mentioned, a choice field or a catalog too large for one select keeps every choice
reachable, and the stand-in refuses what Slack refuses (``invalid_blocks``)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.adapters.slack.platform import build_slack
from bot.runtime import app as app_mod
from bot.runtime import config as config_mod
from bot.runtime.clock import ManualClock
from bot.runtime.dispatch import Dispatcher
from bot.runtime.routing import SenderRouter
from storage.models import Outbox
from tests.adapters.slack.conftest import ENV, Elsewhere, SlackDesk
from tests.adapters.slack.fake_slack import FakeSlack, blocks_problems
from tests.adapters.slack.test_form import block, form_values
from tests.adapters.slack.test_form_fields import opened, show, submit, typed
from tests.adapters.slack.test_form_large import suggest, values
from tests.adapters.slack.test_threads import FINANCE
from tests.conftest import EXAMPLE

ASSETS = "需要报废的资产清单如下：\n" + "\n".join(f"资产编号 ZC-2026-{i:05d}" for i in range(170))
ROOMS = '''
[[departments]]
key = "facilities"
prefix = "FAC"
name = "Facilities"
name_zh = "行政后勤"
aliases = []
leads = ["carol"]
members = ["bob"]
channel = "facilities-requests"

[[departments.categories]]
key = "rooms"
name = "Meeting rooms"
name_zh = "会议室"
aliases = []
priority = "P3"
first_response = "4h"
resolution = "3d"

[[departments.categories.fields]]
key = "room"
name = "Room"
name_zh = "会议室"
type = "choice"
required = true
choices = [
''' + "".join(f'  {{ key = "r{n:03d}", name = "Room {n:03d}", name_zh = "{n:03d} 号会议室" }},\n'
              for n in range(120)) + ''']

[[departments.categories.fields]]
key = "asset"
name = "Asset tag"
name_zh = "资产编号"
type = "text"
required = true
'''


def _service(n: int) -> str:
    return (f'\n[[departments.categories]]\nkey = "svc{n:02d}"\nname = "Service {n:02d}"\n'
            f'name_zh = "服务{n:02d}"\naliases = []\npriority = "P3"\n'
            f'first_response = "4h"\nresolution = "3d"\n')


@pytest.fixture
def company(tmp_path: Path, engine: Engine, clock: ManualClock,
            fake_slack: FakeSlack) -> Iterator[SlackDesk]:
    """The sample company (Finance mentioning its user group on new requests) plus Facilities:
    a room booking whose room is one of 120, and 95 more services (the catalog: over 100)."""
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        'channel = "finance-requests"', 'channel = "finance-requests"\n'
        'slack_usergroup = "S0FINANCE"', 1)
    path = tmp_path / "limits.toml"
    path.write_text(text + ROOMS + "".join(_service(n) for n in range(95)), encoding="utf-8")
    loaded = config_mod.load(path)
    settings = dataclasses.replace(loaded, raw={**loaded.raw, "slack": {"mode": "http"}})
    app = app_mod.build(settings, clock, engine=engine, upgrade=False)
    app.wake_dispatcher = lambda: None
    platform = build_slack(app, settings, client_base_url=fake_slack.url, environ=ENV)
    router = SenderRouter(engine, settings.catalog, [platform.route()], Elsewhere())
    yield SlackDesk(platform, fake_slack, engine, clock, [], Elsewhere(), router,
                    Dispatcher(engine, router, clock))
    platform.stop()


def _failed(desk: SlackDesk) -> list[str]:
    with Session(desk.engine) as session:
        rows = session.exec(select(Outbox).where(col(Outbox.failed_at).is_not(None)))
        return [f"{r.target}: {r.last_error}" for r in rows]


def _root_reached_finance(desk: SlackDesk, ref: str) -> dict[str, Any]:
    """The request's thread root, accepted in Finance's channel: the mention first, every
    section within 3,000 characters."""
    desk.drain()
    assert _failed(desk) == []
    roots = [p for p in desk.fake.posted(FINANCE) if not p.get("thread_ts")]
    assert len(roots) == 1, "the desk's channel got the new request"
    sections = [b["text"]["text"] for b in roots[0]["blocks"]
                if b["type"] == "section" and "text" in b]
    assert sections[0].startswith(f"<!subteam^S0FINANCE> 新请求 {ref}")
    assert sections[0].count("<!subteam^") == 1
    assert max(len(s) for s in sections) <= 3000
    assert blocks_problems(roots[0]["blocks"]) == []
    request = desk.request(ref)
    assert request is not None and (FINANCE, request.thread_ref) in desk.fake.messages
    return roots[0]


def test_a_long_list_typed_reaches_a_desk_that_mentions_its_user_group(
        company: SlackDesk) -> None:
    company.ask("U0HENRY", "finance question " + ASSETS)
    root = _root_reached_finance(company, "FIN-1")
    shown = "\n".join(b["text"]["text"] for b in root["blocks"]
                      if b["type"] == "section" and "text" in b)
    assert "ZC-2026-00000" in shown and "ZC-2026-00169" in shown, "no line was lost"


def test_the_forms_full_details_box_reaches_a_desk_that_mentions_its_user_group(
        company: SlackDesk) -> None:
    company.slash("U0HENRY", "")
    view = opened(company)
    details = "\n".join(f"{i:03d}. 工位 {i} 的显示器闪屏" for i in range(200))[:3000]
    done = submit(company, view, form_values("finance", "finance/question", details),
                  user="U0HENRY")
    assert done["response_action"] == "update", done
    _root_reached_finance(company, "FIN-1")


def test_a_choice_among_120_is_searched_and_a_given_one_shown_chosen(
        company: SlackDesk) -> None:
    company.slash("U0ALICE", "facilities rooms the projector is broken room=r119")
    view = opened(company)  # the asset tag is missing: the form opens, the room chosen
    room = block(view, "field.room")["element"]
    assert room["type"] == "external_select" and "options" not in room
    assert room["initial_option"] == {"text": {"type": "plain_text", "text": "Room 119",
                                               "emoji": True}, "value": "r119"}
    assert values(suggest(company, room["action_id"], "field.room", "119", view)) == ["r119"]
    assert values(suggest(company, room["action_id"], "field.room", "ROOM 10", view))[:3] == \
        ["r100", "r101", "r102"]
    assert len(values(suggest(company, room["action_id"], "field.room", "", view))) == 100
    done = submit(company, view, {
        **form_values("facilities", "facilities/rooms", "the projector is broken",
                      category_block="category.facilities"),
        "field.room": {room["action_id"]: {"type": "external_select",
                                           "selected_option": {"value": "r118"}}},
        "field.asset": {"value": typed("ZC-7")}})
    assert done["response_action"] == "update", done
    assert "Room 118" in show(company, "U0ALICE", "FAC-1")


def test_the_blank_form_offers_every_service_of_every_department(company: SlackDesk) -> None:
    company.slash("U0ALICE", "")
    view = opened(company)
    element = block(view, "category.all")["element"]
    assert element["type"] == "static_select"
    groups = element["option_groups"]
    catalog = company.platform.deps.catalog
    offered = [o["value"] for g in groups for o in g["options"]]
    assert offered == [f"{d.key}/{c.key}" for d in catalog.departments for c in d.categories]
    assert len(offered) > 100 and all(len(g["options"]) <= 100 for g in groups)
    assert "facilities/svc94" in offered


BIG_SECTION = {"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}
REFUSED: dict[str, list[dict[str, Any]]] = {
    "section over 3000": [BIG_SECTION],
    "51 blocks": [{"type": "divider"}] * 51,
    "header over 150": [{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}],
    "context of 11": [{"type": "context", "elements": [{"type": "mrkdwn", "text": "c"}] * 11}],
    "11 fields": [{"type": "section", "fields": [{"type": "mrkdwn", "text": "f"}] * 11}],
    "field over 2000": [{"type": "section", "fields": [{"type": "mrkdwn", "text": "f" * 2001}]}],
    "empty text": [{"type": "section", "text": {"type": "mrkdwn", "text": ""}}],
    "button text over 75": [{"type": "actions", "elements": [{
        "type": "button", "action_id": "a", "text": {"type": "plain_text", "text": "b" * 76}}]}],
    "button value over 2000": [{"type": "actions", "elements": [{
        "type": "button", "action_id": "a", "value": "v" * 2001,
        "text": {"type": "plain_text", "text": "b"}}]}],
    "action_id over 255": [{"type": "actions", "elements": [{
        "type": "button", "action_id": "a" * 256, "text": {"type": "plain_text", "text": "b"}}]}],
    "block_id over 255": [{"type": "divider", "block_id": "d" * 256}],
    "26 buttons": [{"type": "actions", "elements": [{
        "type": "button", "action_id": f"a{n}", "text": {"type": "plain_text", "text": "b"}}
        for n in range(26)]}],
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_the_stand_in_refuses_blocks_as_slack_does(fake_slack: FakeSlack, case: str) -> None:
    blocks = REFUSED[case]
    assert blocks_problems(blocks), case
    client = WebClient(token="xoxb-test-token", base_url=fake_slack.url)
    posted = client.chat_postMessage(channel="C0GENERAL", text="ok", blocks=[])
    calls: list[Any] = [
        lambda: client.chat_postMessage(channel="C0GENERAL", text="t", blocks=blocks),
        lambda: client.chat_postEphemeral(channel="C0GENERAL", user="U0ALICE", text="t",
                                          blocks=blocks),
        lambda: client.chat_update(channel=str(posted["channel"]), ts=str(posted["ts"]),
                                   text="t", blocks=blocks)]
    for call in calls:
        with pytest.raises(SlackApiError) as refused:
            call()
        assert refused.value.response["error"] == "invalid_blocks"
    answer = httpx.post(fake_slack.response_url(), json={"text": "t", "blocks": blocks})
    assert answer.json() == {"ok": False, "error": "invalid_blocks"}
    fine = [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3000}}] * 50
    assert client.chat_postMessage(channel="C0GENERAL", text="t", blocks=fine)["ok"]
    assert httpx.post(fake_slack.response_url(), json={"text": "t", "blocks": fine}).json() \
        == {"ok": True}
