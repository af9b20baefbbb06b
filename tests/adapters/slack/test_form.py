"""The new-request modal: opened by a bare or vague /request, the shortcut, or App Home."""

from __future__ import annotations

import json
from typing import Any

from tests.adapters.slack.conftest import SlackDesk, text_of


def option(value: str | None) -> dict[str, Any]:
    return {"type": "static_select",
            "selected_option": {"text": {"type": "plain_text", "text": value}, "value": value}
            if value else None}


def form_values(department: str | None, category: str | None, details: str | None,
                priority: str | None = None, attachment: str | None = None,
                category_block: str = "category.all") -> dict[str, dict[str, Any]]:
    return {
        "department": {"crossdesk_form_department": option(department)},
        category_block: {"category": option(category)},
        "details": {"details": {"type": "plain_text_input", "value": details}},
        "priority": {"priority": option(priority)},
        "attachment": {"attachment": {"type": "plain_text_input", "value": attachment}},
    }


def block(view: dict[str, Any], block_id_prefix: str) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("block_id", "").startswith(block_id_prefix))


def test_bare_request_opens_the_form(slack: SlackDesk) -> None:
    response = slack.slash("U0ALICE", "")
    assert response.status == 200 and not response.body
    view = slack.opened_view()
    assert view["callback_id"] == "crossdesk_new_request"
    assert view["title"]["text"] == "New request"
    department = block(view, "department")
    assert department["dispatch_action"] is True
    assert len(department["element"]["options"]) == 10
    category = block(view, "category.all")
    groups = category["element"]["option_groups"]
    assert groups[0]["label"]["text"] == "Finance"
    assert block(view, "details")["element"]["multiline"] is True
    assert block(view, "priority")["optional"] is True
    assert block(view, "attachment")["optional"] is True
    assert slack.requests() == []


def test_form_speaks_chinese_to_chinese_readers(slack: SlackDesk) -> None:
    slack.slash("U0HENRY", "")
    view = slack.opened_view()
    assert view["title"]["text"] == "新请求"
    assert block(view, "department")["element"]["options"][0]["text"]["text"] == "财务部"


def test_choosing_a_department_narrows_the_services(slack: SlackDesk) -> None:
    slack.slash("U0ALICE", "")
    view = {**slack.opened_view(), "id": "V0FORM", "hash": "h1",
            "state": {"values": form_values(None, None, "taxi 86")}}
    payload = {"type": "block_actions", "team": {"id": "T0ACME"}, "api_app_id": "A0DESK",
               "user": {"id": "U0ALICE", "team_id": "T0ACME"}, "trigger_id": "t-dep",
               "container": {"type": "view", "view_id": "V0FORM"}, "view": view,
               "actions": [{"type": "static_select", "action_id": "crossdesk_form_department",
                            "block_id": "department", "selected_option": {"value": "finance"}}]}
    assert slack.dispatch(slack.payload_body(payload)).status == 200
    update = slack.fake.wait_for("views.update")[-1]
    assert update["view_id"] == "V0FORM" and update["hash"] == "h1"
    category = block(update["view"], "category.finance")
    values = [o["value"] for o in category["element"]["options"]]
    assert values == ["finance/reimbursement", "finance/cash-advance",
                      "finance/acceptance-bill", "finance/cost-accounting",
                      "finance/question"]
    assert block(update["view"], "details")["element"]["initial_value"] == "taxi 86"


def test_submit_errors_stay_on_the_field_then_success(slack: SlackDesk) -> None:
    # cash advance has no form fields: the modal has only the common inputs
    slack.slash("U0ALICE", "")
    view = slack.opened_view()
    wrong = slack.submit("U0ALICE", view, form_values(
        "finance", "it/laptop", "taxi to the client, 86 CNY", category_block="category.finance"))
    body = json.loads(wrong.body)
    assert body["response_action"] == "errors"
    assert "Finance does not offer this service" in body["errors"]["category.finance"]
    assert slack.requests() == []
    done = json.loads(slack.submit("U0ALICE", view, form_values(
        "finance", "finance/cash-advance", "taxi to the client, 86 CNY\nreceipt attached",
        priority="P2", attachment="https://drive.example/receipt.pdf")).body)
    assert done["response_action"] == "update"
    assert "Opened FIN-1: Cash advance for Finance, P2 high" in text_of(done["view"])
    request = slack.request("FIN-1")
    assert request is not None
    assert (request.title, request.priority) == ("taxi to the client, 86 CNY", "P2")
    assert "Attachment: https://drive.example/receipt.pdf" in request.details
    assert "!P2" not in request.details


def test_vague_request_prefills_what_it_understood(slack: SlackDesk) -> None:
    slack.slash("U0ALICE", "finance taxi to the client 86")  # no such service
    view = slack.opened_view()
    assert block(view, "department")["element"]["initial_option"]["value"] == "finance"
    assert block(view, "details")["element"]["initial_value"] == "taxi to the client 86"
    slack.slash("U0ALICE", "财务")  # department only
    view = slack.opened_view()
    assert block(view, "department")["element"]["initial_option"]["value"] == "finance"
    slack.slash("U0ALICE", "warehouse forklift broken")  # no such department
    view = slack.opened_view()
    assert block(view, "details")["element"]["initial_value"] == "warehouse forklift broken"
    assert len(slack.fake.calls_to("views.open")) == 3
    assert slack.requests() == []


def test_message_shortcut_prefills_the_form_with_a_link_back(slack: SlackDesk) -> None:
    payload = {"type": "message_action", "callback_id": "crossdesk_request_from_message",
               "team": {"id": "T0ACME"}, "api_app_id": "A0DESK", "trigger_id": "t-short",
               "user": {"id": "U0ALICE", "name": "alice", "team_id": "T0ACME"},
               "channel": {"id": "C0SALES", "name": "sales"},
               "message": {"type": "message", "user": "U0HENRY", "ts": "1790000123.000200",
                           "text": "Can finance refund the client's deposit?"},
               "response_url": "http://127.0.0.1:9/shortcut"}
    assert slack.dispatch(slack.payload_body(payload)).status == 200
    view = slack.opened_view()
    details = block(view, "details")["element"]["initial_value"]
    assert details.startswith("Can finance refund the client's deposit?")
    assert "https://acme.slack.com/archives/C0SALES/p1790000123000200" in details
    assert slack.fake.calls_to("chat.getPermalink")[0]["message_ts"] == "1790000123.000200"
    done = json.loads(slack.submit("U0ALICE", view, form_values(
        "finance", "finance/cash-advance", details)).body)
    assert done["response_action"] == "update"
    request = slack.request("FIN-1")
    assert request is not None and "archives/C0SALES/p1790000123000200" in request.details


def test_details_may_be_left_empty_as_in_chat(slack: SlackDesk) -> None:
    slack.slash("U0ALICE", "")
    view = slack.opened_view()
    assert block(view, "details")["optional"] is True
    bare = json.loads(slack.submit("U0ALICE", view, form_values(
        "finance", "finance/cash-advance", "   ", priority="P1")).body)
    assert bare["response_action"] == "update"
    typed = slack.ask("U0ALICE", "finance cash-advance !P1")
    assert "FIN-2" in text_of(typed)
    first, second = slack.requests()
    assert (first.title, first.details, first.priority) == (
        second.title, second.details, second.priority) == ("Cash advance", "", "P1")

    with_link = json.loads(slack.submit("U0ALICE", view, form_values(
        "finance", "finance/cash-advance", "", attachment="https://drive.example/r.pdf")).body)
    assert with_link["response_action"] == "update"
    third = slack.request("FIN-3")
    assert third is not None and third.title == "Cash advance"
    assert "Attachment: https://drive.example/r.pdf" in third.details
