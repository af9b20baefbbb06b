"""The request form for a large catalog: no department or service is ever cut off, and every
view stays within Block Kit's limits (100 options a select, values of 150 characters)."""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from bot.adapters.slack.platform import build_slack
from bot.runtime import app as app_mod
from bot.runtime import config as config_mod
from bot.runtime.clock import ManualClock
from bot.runtime.dispatch import Dispatcher
from bot.runtime.routing import SenderRouter
from tests.adapters.slack.conftest import ENV, TEAM, Elsewhere, SlackDesk
from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.slack.test_form import block, form_values
from tests.conftest import EXAMPLE

DESKS = 120
SERVICES = 3
MEGA_SERVICES = 120
LONG = "Procurement, Vendor Management and Strategic Sourcing Coordination Office"


def _desk(key: str, prefix: str, name: str, services: int) -> str:
    text = (f'\n[[departments]]\nkey = "{key}"\nprefix = "{prefix}"\nname = "{name}"\n'
            f'name_zh = "{name}"\naliases = []\nleads = ["carol"]\nmembers = ["bob"]\n'
            f'channel = "{key}-requests"\n')
    for n in range(services):
        text += (f'\n[[departments.categories]]\nkey = "svc{n:03d}"\nname = "Service {n:03d}"\n'
                 f'name_zh = "服务{n:03d}"\naliases = []\npriority = "P3"\n'
                 f'first_response = "4h"\nresolution = "3d"\n')
    return text


def _prefix(n: int) -> str:
    return "Q" + chr(ord("A") + n // 26) + chr(ord("A") + n % 26)


@pytest.fixture
def big(tmp_path: Path, engine: Engine, clock: ManualClock,
        fake_slack: FakeSlack) -> Iterator[SlackDesk]:
    """The sample company plus 120 desks of 3 services, one desk of 120 services and one
    with a name longer than an option's 75 characters, on Slack."""
    extra = "".join(_desk(f"desk{n:03d}", _prefix(n), f"Desk {n:03d}", SERVICES)
                    for n in range(DESKS))
    extra += _desk("mega", "MEGA", "Mega Desk", MEGA_SERVICES)
    extra += _desk("procurement", "PRC", LONG + " " + LONG, SERVICES)
    path = tmp_path / "big.toml"
    path.write_text(EXAMPLE.read_text(encoding="utf-8") + extra, encoding="utf-8")
    loaded = config_mod.load(path)
    settings = dataclasses.replace(loaded, raw={**loaded.raw, "slack": {"mode": "http"}})
    app = app_mod.build(settings, clock, engine=engine, upgrade=False)
    app.wake_dispatcher = lambda: None
    platform = build_slack(app, settings, client_base_url=fake_slack.url, environ=ENV)
    elsewhere = Elsewhere()
    router = SenderRouter(engine, settings.catalog, [platform.route()], elsewhere)
    yield SlackDesk(platform, fake_slack, engine, clock, [], elsewhere, router,
                    Dispatcher(engine, router, clock))
    platform.stop()


def suggest(desk: SlackDesk, action_id: str, block_id: str, typed: str,
            view: dict[str, Any]) -> dict[str, Any]:
    """What Slack's searching select shows while ``typed`` is in it (a block_suggestion)."""
    payload = {"type": "block_suggestion", "user": {"id": "U0ALICE", "username": "alice",
                                                    "name": "alice", "team_id": TEAM},
               "container": {"type": "view", "view_id": view.get("id", "V0")},
               "api_app_id": "A0DESK", "token": "legacy", "action_id": action_id,
               "block_id": block_id, "value": typed, "team": {"id": TEAM, "domain": "acme"},
               "view": view}
    response = desk.dispatch(desk.payload_body(payload))
    assert response.status == 200, response.body
    found: dict[str, Any] = json.loads(response.body)
    return found


def values(found: dict[str, Any]) -> list[str]:
    options = found.get("options") or [o for g in found.get("option_groups", [])
                                       for o in g["options"]]
    assert len(options) <= 100 and len(found.get("option_groups", [])) <= 100
    for o in options:
        assert len(o["value"]) <= 150 and len(o["text"]["text"]) <= 75, o
    return [o["value"] for o in options]


def opened(desk: SlackDesk, method: str = "views.open") -> dict[str, Any]:
    call = desk.next_call(method)
    assert call["_ok"], f"Slack refused {method}: over Block Kit's limits"
    return {**call["view"], "id": "V0FORM"}


def test_every_department_can_be_found_and_asked(big: SlackDesk) -> None:
    big.slash("U0ALICE", "")
    view = opened(big)
    department = block(view, "department")["element"]
    assert department["action_id"] == "crossdesk_form_department"
    everything = values(suggest(big, department["action_id"], "department", "", view))
    assert len(everything) == 100, "an empty search shows the first hundred"
    assert values(suggest(big, department["action_id"], "department", "desk 119", view)) == \
        ["desk119"]
    assert "procurement" in values(suggest(big, department["action_id"], "department",
                                           "strategic", view))
    # typed as an input method gives it, full-width and with doubled spaces: as the
    # catalog reads a typed command (``handlers.catalog.norm``)
    assert values(suggest(big, department["action_id"], "department", "ｄｅｓｋ  １１９",
                          view)) == ["desk119"]
    services = values(suggest(big, "category", "category.all", "Desk 119", view))
    assert services == ["desk119/svc000", "desk119/svc001", "desk119/svc002"]

    payload = {"type": "block_actions", "team": {"id": TEAM}, "api_app_id": "A0DESK",
               "user": {"id": "U0ALICE", "team_id": TEAM}, "trigger_id": uuid.uuid4().hex,
               "container": {"type": "view", "view_id": "V0FORM"},
               "view": {**view, "hash": "h1", "state": {"values": form_values(None, None, "x")}},
               "actions": [{"type": "external_select", "action_id": department["action_id"],
                            "block_id": "department", "selected_option": {"value": "desk119"}}]}
    assert big.dispatch(big.payload_body(payload)).status == 200
    narrowed = opened(big, "views.update")
    category = block(narrowed, "category.desk119")["element"]
    assert [o["value"] for o in category["options"]] == services
    done = json.loads(big.submit("U0ALICE", narrowed, form_values(
        "desk119", "desk119/svc002", "please help", category_block="category.desk119")).body)
    assert done["response_action"] == "update", done
    request = big.request("QEP-1")
    assert request is not None and (request.department, request.category) == (
        "desk119", "svc002")


def test_a_department_with_more_services_than_a_select_holds(big: SlackDesk) -> None:
    big.slash("U0ALICE", "mega")  # a department only: the form opens on it
    view = opened(big)
    category = block(view, "category.mega")["element"]
    assert category["action_id"] == "category"
    found = values(suggest(big, "category", "category.mega", "", view))
    assert len(found) == 100
    assert values(suggest(big, "category", "category.mega", "119", view)) == ["mega/svc119"]
    assert values(suggest(big, "category", "category.mega", "服务118", view)) == ["mega/svc118"]
