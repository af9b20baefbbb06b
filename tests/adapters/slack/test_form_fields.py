"""The request form with a service's own fields: typed inputs, errors on the field, the typed
values stored with the request, the service's instructions and "this answered my question"."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.adapters.slack.platform import build_slack
from bot.runtime import app as app_mod
from bot.runtime import config as config_mod
from bot.runtime.clock import ManualClock
from bot.runtime.dispatch import Dispatcher
from bot.runtime.routing import SenderRouter
from storage.models import Deflection
from tests.adapters.slack.conftest import ENV, TEAM, Elsewhere, SlackDesk, text_of
from tests.adapters.slack.fake_slack import FakeSlack, errors_problems, view_problems
from tests.adapters.slack.test_form import block, form_values, option
from tests.conftest import EXAMPLE

REIMBURSEMENT = '''
[[departments.categories]]
key = "reimbursement"
name = "Reimbursement"
name_zh = "报销"
aliases = ["expense", "expenses", "报销", "费用报销"]
priority = "P3"
first_response = "4h"
resolution = "3d"
instructions = "Receipts older than 90 days are not reimbursed; a taxi: <receipt> & route."
instructions_zh = "超过 90 天的票据不予报销。"

[[departments.categories.fields]]
key = "amount"
name = "Amount"
name_zh = "金额"
type = "amount"
currency = "CNY"
required = true
min = 0.01
max = 100000

[[departments.categories.fields]]
key = "spent_on"
name = "Date of expense"
name_zh = "消费日期"
type = "date"
default = "today"

[[departments.categories.fields]]
key = "kind"
name = "Kind"
name_zh = "类别"
type = "choice"
required = true
choices = [{ key = "taxi", name = "Taxi", name_zh = "出租车" },
           { key = "meal", name = "Meal", name_zh = "餐费" }]

[[departments.categories.fields]]
key = "cost_centre"
name = "Cost centre"
name_zh = "成本中心"
type = "department"
default = "@requester"

[[departments.categories.fields]]
key = "witness"
name = "Witness"
name_zh = "证明人"
type = "person"

[[departments.categories.fields]]
key = "purpose"
name = "Purpose"
name_zh = "事由"
type = "long_text"
max_length = 500

[[departments.categories.fields]]
key = "po"
name = "PO number"
name_zh = "订单号"
type = "text"
max_length = 20
pattern = "PO\\\\d{4}"

[[departments.categories.fields]]
key = "invoice"
name = "Invoice"
name_zh = "发票"
type = "file"
hint = "A photo of the invoice"
hint_zh = "发票照片"
'''


def with_reimbursement_form(example: str) -> str:
    """The sample company with Finance's reimbursement replaced by ours (whatever fields,
    instructions or approval the example gives it)."""
    lines = example.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.strip() == "[[departments.categories]]"
                 and lines[i + 1].strip() == 'key = "reimbursement"')
    end = next(i for i in range(start + 1, len(lines))
               if lines[i].strip() in ("[[departments]]", "[[departments.categories]]"))
    return "".join(lines[:start]) + REIMBURSEMENT.lstrip() + "\n" + "".join(lines[end:])


@pytest.fixture
def desk(tmp_path: Path, engine: Engine, clock: ManualClock,
         fake_slack: FakeSlack) -> Iterator[SlackDesk]:
    """The sample company on Slack, its reimbursement with a form and instructions."""
    yield from _desk(tmp_path, engine, clock, fake_slack)


@pytest.fixture
def invoice_desk(tmp_path: Path, engine: Engine, clock: ManualClock,
                 fake_slack: FakeSlack) -> Iterator[SlackDesk]:
    """As ``desk``, the reimbursement's invoice (a file) required."""
    yield from _desk(tmp_path, engine, clock, fake_slack, required=("invoice",))


@pytest.fixture
def cost_centre_desk(tmp_path: Path, engine: Engine, clock: ManualClock,
                     fake_slack: FakeSlack) -> Iterator[SlackDesk]:
    """As ``desk``, the cost centre (default: the requester's department) required."""
    yield from _desk(tmp_path, engine, clock, fake_slack, required=("cost_centre",))


def _desk(tmp_path: Path, engine: Engine, clock: ManualClock, fake_slack: FakeSlack,
          required: tuple[str, ...] = ()) -> Iterator[SlackDesk]:
    path = tmp_path / "forms.toml"
    text = with_reimbursement_form(EXAMPLE.read_text(encoding="utf-8"))
    for key in required:
        text = text.replace(f'key = "{key}"\n', f'key = "{key}"\nrequired = true\n', 1)
    path.write_text(text, encoding="utf-8")
    loaded = config_mod.load(path)
    assert [f.key for f in loaded.catalog.department("finance").category(
        "reimbursement").fields] == ["amount", "spent_on", "kind", "cost_centre", "witness",
                                     "purpose", "po", "invoice"]
    settings = dataclasses.replace(loaded, raw={**loaded.raw, "slack": {"mode": "http"}})
    app = app_mod.build(settings, clock, engine=engine, upgrade=False)
    app.wake_dispatcher = lambda: None
    platform = build_slack(app, settings, client_base_url=fake_slack.url, environ=ENV)
    elsewhere = Elsewhere()
    router = SenderRouter(engine, settings.catalog, [platform.route()], elsewhere)
    yield SlackDesk(platform, fake_slack, engine, clock, [], elsewhere, router,
                    Dispatcher(engine, router, clock))
    platform.stop()


def opened(desk: SlackDesk, method: str = "views.open") -> dict[str, Any]:
    call = desk.next_call(method)
    assert call["_ok"], f"Slack refused {method}: {view_problems(call['view'])}"
    return {**call["view"], "id": call.get("view_id") or "V0FORM"}


def pick_service(desk: SlackDesk, view: dict[str, Any], user: str, service: str,
                 values: dict[str, Any] | None = None) -> dict[str, Any]:
    """Choose ``service`` (``dep/key``) in the form's service select: the updated view."""
    payload = {"type": "block_actions", "team": {"id": TEAM}, "api_app_id": "A0DESK",
               "user": {"id": user, "team_id": TEAM}, "trigger_id": "t-svc",
               "container": {"type": "view", "view_id": view["id"]},
               "view": {**view, "hash": "h1",
                        "state": {"values": values or form_values(None, service, "")}},
               "actions": [{"type": "static_select", "action_id": "category",
                            "block_id": "category.all", "selected_option": {"value": service}}]}
    assert desk.dispatch(desk.payload_body(payload)).status == 200
    return opened(desk, "views.update")


def reimbursement_form(desk: SlackDesk, user: str = "U0ALICE") -> dict[str, Any]:
    desk.slash(user, "")
    return pick_service(desk, opened(desk), user, "finance/reimbursement")


def number(value: str | None) -> dict[str, Any]:
    return {"type": "number_input", "value": value}


def typed(value: str | None) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": value}


def submitted(details: str = "taxi to the client", **fields: dict[str, Any]) -> dict[str, Any]:
    values = form_values("finance", "finance/reimbursement", details,
                         category_block="category.finance")
    values |= {f"field.{key}": {"value": state} for key, state in fields.items()}
    return values


def submit(desk: SlackDesk, view: dict[str, Any], values: dict[str, Any],
           user: str = "U0ALICE") -> dict[str, Any]:
    body: dict[str, Any] = json.loads(desk.submit(user, view, values).body)
    if body.get("response_action") == "errors":
        assert not errors_problems(view, body["errors"]), errors_problems(view, body["errors"])
    if body.get("response_action") == "update":
        assert not view_problems(body["view"]), view_problems(body["view"])
    return body


def show(desk: SlackDesk, user: str, ref: str) -> str:
    return text_of(desk.ask(user, f"show {ref}"))


def test_picking_the_service_shows_its_fields_as_typed_inputs(desk: SlackDesk) -> None:
    view = reimbursement_form(desk)
    amount = block(view, "field.amount")
    assert amount["label"]["text"] == "Amount (CNY)" and amount["optional"] is False
    assert amount["element"] == {"type": "number_input", "action_id": "value",
                                 "is_decimal_allowed": True, "min_value": "0.01",
                                 "max_value": "100000"}
    spent = block(view, "field.spent_on")
    assert spent["element"]["type"] == "datepicker"
    assert spent["element"]["initial_date"] == "2026-11-23"  # its default: today
    assert spent["optional"] is True
    kind = block(view, "field.kind")
    assert kind["element"]["type"] == "static_select" and kind["optional"] is False
    assert [o["text"]["text"] for o in kind["element"]["options"]] == ["Taxi", "Meal"]
    centre = block(view, "field.cost_centre")["element"]
    assert centre["type"] == "static_select" and len(centre["options"]) == 10
    assert centre["initial_option"]["value"] == "sales"  # "@requester": Alice's department
    assert block(view, "field.witness")["element"]["type"] == "users_select"
    purpose = block(view, "field.purpose")["element"]
    assert (purpose["type"], purpose["multiline"], purpose["max_length"]) == (
        "plain_text_input", True, 500)
    po = block(view, "field.po")["element"]
    assert (po["type"], po["multiline"], po["max_length"]) == ("plain_text_input", False, 20)
    invoice = block(view, "field.invoice")
    assert invoice["element"]["type"] == "file_input"
    assert invoice["hint"]["text"] == "A photo of the invoice"
    ids = [b.get("block_id") for b in view["blocks"]]
    assert ids.index("instructions") < ids.index("field.amount") < ids.index("details")
    assert view_problems(view) == []


def test_the_fields_speak_the_readers_language(desk: SlackDesk) -> None:
    view = reimbursement_form(desk, "U0HENRY")
    assert block(view, "field.amount")["label"]["text"] == "金额 (CNY)"
    assert [o["text"]["text"] for o in block(view, "field.kind")["element"]["options"]] == [
        "出租车", "餐费"]
    assert "超过 90 天的票据不予报销。" in block(view, "instructions")["text"]["text"]
    button = block(view, "instructions.answered")["elements"][0]
    assert button["text"]["text"] == "已解答我的问题"


def test_a_bad_amount_is_refused_on_its_field_and_nothing_opens(desk: SlackDesk) -> None:
    view = reimbursement_form(desk)
    body = submit(desk, view, submitted(amount=number("86.123"), kind=option("taxi"),
                                        po=typed("12")))
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == {"field.amount", "field.po"}
    assert "Amount takes at most two decimals" in body["errors"]["field.amount"]
    assert "PO number does not look right" in body["errors"]["field.po"]
    too_much = submit(desk, view, submitted(amount=number("250000"), kind=option("taxi")))
    assert too_much["errors"] == {"field.amount": "Amount must be at most 100000."}
    assert desk.requests() == []


def test_a_good_submission_opens_with_its_values(desk: SlackDesk) -> None:
    view = reimbursement_form(desk)
    done = submit(desk, view, submitted(
        "taxi to the client\nback by metro",
        amount=number("86.5"), kind=option("taxi"),
        spent_on={"type": "datepicker", "selected_date": "2026-11-20"},
        witness={"type": "users_select", "selected_user": "U0BOB"},
        purpose=typed('Client "Acme" visit\nwith 2 colleagues'), po=typed("PO1234")))
    assert done["response_action"] == "update", done
    assert "Opened FIN-1" in text_of(done["view"])
    request = desk.request("FIN-1")
    assert request is not None and request.title == "taxi to the client"
    assert "amount=" not in request.details and "back by metro" in request.details
    shown = show(desk, "U0ALICE", "FIN-1")
    for line in ("86.50 CNY", "2026-11-20", "Taxi", "PO1234", 'Client "Acme" visit'):
        assert line in shown, (line, shown)
    assert "Bob" in shown or "bob" in shown


def test_defaults_fill_what_was_left_empty(desk: SlackDesk) -> None:
    view = reimbursement_form(desk)
    done = submit(desk, view, submitted(amount=number("40"), kind=option("meal")))
    assert done["response_action"] == "update", done
    shown = show(desk, "U0ALICE", "FIN-1")
    assert "40.00 CNY" in shown and "2026-11-23" in shown  # the clock's day


def test_someone_unknown_picked_as_a_person_is_refused_on_the_field(desk: SlackDesk) -> None:
    view = reimbursement_form(desk)
    body = submit(desk, view, submitted(amount=number("20"), kind=option("taxi"),
                                        witness={"type": "users_select",
                                                 "selected_user": "U0STRANGER"}))
    assert list(body["errors"]) == ["field.witness"]
    assert "not in the desk's directory" in body["errors"]["field.witness"]
    assert desk.requests() == []


def test_a_required_field_left_empty_is_named(desk: SlackDesk) -> None:
    view = reimbursement_form(desk)
    body = submit(desk, view, submitted(amount=number(None), kind=option(None)))
    assert body["errors"] == {"field.amount": "Please fill this in.",
                              "field.kind": "Please fill this in."}


def test_a_service_named_with_missing_fields_opens_the_prefilled_form(desk: SlackDesk) -> None:
    response = desk.slash("U0ALICE", "finance reimbursement 86 taxi po=PO7777 !P2")
    assert not response.body  # no answer in chat: the form opened
    view = opened(desk)
    assert block(view, "department")["element"]["initial_option"]["value"] == "finance"
    assert block(view, "category.finance")["element"]["initial_option"]["value"] == \
        "finance/reimbursement"
    assert block(view, "field.amount")["element"]["initial_value"] == "86.00"
    assert block(view, "field.po")["element"]["initial_value"] == "PO7777"
    assert "initial_option" not in block(view, "field.kind")["element"]  # still to choose
    assert block(view, "details")["element"]["initial_value"] == "taxi"
    assert block(view, "priority")["element"]["initial_option"]["value"] == "P2"
    assert desk.requests() == []
    values = submitted("taxi", amount=number("86.00"), kind=option("taxi"), po=typed("PO7777"))
    values["priority"] = {"priority": option("P2")}
    done = submit(desk, view, values)
    assert done["response_action"] == "update", done
    request = desk.request("FIN-1")
    assert request is not None and request.priority == "P2"
    assert "PO7777" in show(desk, "U0ALICE", "FIN-1")


def test_a_service_named_with_every_required_field_opens_at_once(desk: SlackDesk) -> None:
    answer = desk.ask("U0ALICE", "finance reimbursement taxi 86 CNY kind=taxi")
    assert "Opened FIN-1" in text_of(answer)
    assert desk.fake.calls_to("views.open") == []
    assert "86.00 CNY" in show(desk, "U0ALICE", "FIN-1")


def test_a_service_without_fields_behaves_as_before(desk: SlackDesk) -> None:
    view = pick_service(desk, (desk.slash("U0ALICE", ""), opened(desk))[1], "U0ALICE",
                        "finance/cash-advance")
    assert not [b for b in view["blocks"] if b.get("block_id", "").startswith(
        ("field.", "instructions"))]
    done = submit(desk, view, form_values("finance", "finance/cash-advance", "trip to Xi'an",
                                          category_block="category.finance"))
    assert done["response_action"] == "update" and desk.request("FIN-1") is not None


def test_instructions_show_escaped_with_the_answered_button(desk: SlackDesk) -> None:
    view = reimbursement_form(desk)
    text = block(view, "instructions")["text"]
    assert text["type"] == "mrkdwn"
    assert "Receipts older than 90 days are not reimbursed" in text["text"]
    assert "&lt;receipt&gt; &amp; route" in text["text"]
    button = block(view, "instructions.answered")["elements"][0]
    assert button["text"]["text"] == "This answered my question"


def answered(desk: SlackDesk, view: dict[str, Any], user: str = "U0ALICE") -> None:
    button = block(view, "instructions.answered")["elements"][0]
    payload = {"type": "block_actions", "team": {"id": TEAM}, "api_app_id": "A0DESK",
               "user": {"id": user, "team_id": TEAM}, "trigger_id": "t-answered",
               "container": {"type": "view", "view_id": view["id"]},
               "view": {**view, "hash": "h2", "state": {"values": {}}},
               "actions": [{"type": "button", "action_id": button["action_id"],
                            "block_id": "instructions.answered", "value": button["value"],
                            "action_ts": "1790000000.2"}]}
    assert desk.dispatch(desk.payload_body(payload)).status == 200


def deflections(desk: SlackDesk) -> list[tuple[str, str, str]]:
    with Session(desk.engine) as session:
        return [(d.department, d.category, d.person_id)
                for d in session.exec(select(Deflection))]


def test_this_answered_my_question_counts_and_closes_politely(desk: SlackDesk) -> None:
    view = reimbursement_form(desk)
    answered(desk, view)
    closing = opened(desk, "views.update")
    assert closing["title"]["text"] == "Glad it helped" and "submit" not in closing
    assert "no request was opened" in text_of(closing["blocks"])
    assert deflections(desk) == [("finance", "reimbursement", "alice")]
    answered(desk, view)  # a second click on the same form counts once
    opened(desk, "views.update")
    assert deflections(desk) == [("finance", "reimbursement", "alice")]
    assert desk.requests() == []


def test_views_with_file_inputs_need_the_files_scope() -> None:
    view = {"type": "modal", "title": {"type": "plain_text", "text": "x"},
            "submit": {"type": "plain_text", "text": "ok"},
            "blocks": [{"type": "input", "block_id": "field.invoice",
                        "label": {"type": "plain_text", "text": "Invoice"},
                        "element": {"type": "file_input", "action_id": "value"}}]}
    assert view_problems(view, ("files:read",)) == []
    assert view_problems(view, ("chat:write",)) == [
        "input field.invoice: file_input needs the files:read scope"]
    assert errors_problems(view, {"field.amount": "x"}) == [
        "errors key 'field.amount' is no input block of the view"]


def test_the_manifest_grants_what_file_inputs_need() -> None:
    manifest = (Path(EXAMPLE).parent / "slack-manifest.yml").read_text(encoding="utf-8")
    assert re.search(r"^\s*- files:read\b", manifest, re.MULTILINE)


def with_invoice(desk: SlackDesk, view: dict[str, Any]) -> dict[str, Any]:
    """Submit the reimbursement form with an invoice photo uploaded in it; the answer."""
    file = desk.fake.share_file("F0INVOICE9", "invoice.jpg", "image/jpeg",
                                b"\xff\xd8\xff\xe0" + b"x" * 1000, "U0ALICE")
    done = submit(desk, view, submitted(amount=number("86"), kind=option("taxi"),
                                        invoice={"type": "file_input", "files": [file]}))
    assert done["response_action"] == "update", done
    assert "Opened FIN-1" in text_of(done["view"]) and "invoice.jpg" in text_of(done["view"])
    return done


def test_a_file_uploaded_in_the_form_is_attached_to_the_request(desk: SlackDesk) -> None:
    with_invoice(desk, reimbursement_form(desk))
    assert "invoice.jpg (fetching…)" in show(desk, "U0ALICE", "FIN-1")
    desk.drain()
    assert desk.fake.calls_to("files.download")[0]["_ok"]
    assert "📎 invoice.jpg" in show(desk, "U0ALICE", "FIN-1")


def test_a_required_file_uploaded_in_the_form_opens_the_request(invoice_desk: SlackDesk) -> None:
    view = reimbursement_form(invoice_desk)
    assert block(view, "field.invoice")["optional"] is False
    with_invoice(invoice_desk, view)
    invoice_desk.drain()
    shown = show(invoice_desk, "U0ALICE", "FIN-1")
    assert "📎 invoice.jpg" in shown and "Invoice: invoice.jpg" in shown


def test_a_required_field_whose_default_may_find_nothing_is_not_shown_optional(
        cost_centre_desk: SlackDesk) -> None:
    desk = cost_centre_desk  # U0NEWBIE is in no department: @requester finds nothing
    view = reimbursement_form(desk, "U0NEWBIE")
    centre = block(view, "field.cost_centre")
    assert centre["optional"] is False and "initial_option" not in centre["element"]
    done = submit(desk, view, submitted(amount=number("86"), kind=option("taxi")),
                  user="U0NEWBIE")
    assert done == {"response_action": "errors",
                    "errors": {"field.cost_centre": "请填写此项。"}}  # a newcomer: zh-CN
    view = reimbursement_form(desk, "U0ALICE")  # Alice is in Sales: the default fills it
    centre = block(view, "field.cost_centre")
    assert centre["element"]["initial_option"]["value"] == "sales"


def test_a_department_field_searches_when_there_are_too_many_departments(
        tmp_path: Path, engine: Engine, clock: ManualClock, fake_slack: FakeSlack) -> None:
    from tests.adapters.slack.test_form_large import _desk, _prefix, suggest, values

    text = with_reimbursement_form(EXAMPLE.read_text(encoding="utf-8"))
    text += "".join(_desk(f"desk{n:03d}", _prefix(n), f"Desk {n:03d}", 1) for n in range(120))
    path = tmp_path / "big.toml"
    path.write_text(text, encoding="utf-8")
    loaded = config_mod.load(path)
    settings = dataclasses.replace(loaded, raw={**loaded.raw, "slack": {"mode": "http"}})
    app = app_mod.build(settings, clock, engine=engine, upgrade=False)
    app.wake_dispatcher = lambda: None
    platform = build_slack(app, settings, client_base_url=fake_slack.url, environ=ENV)
    router = SenderRouter(engine, settings.catalog, [platform.route()], Elsewhere())
    big = SlackDesk(platform, fake_slack, engine, clock, [], Elsewhere(), router,
                    Dispatcher(engine, router, clock))
    try:
        big.slash("U0ALICE", "finance")
        view = pick_service(big, opened(big), "U0ALICE", "finance/reimbursement")
        centre = block(view, "field.cost_centre")["element"]
        assert centre["type"] == "external_select" and "options" not in centre
        found = values(suggest(big, centre["action_id"], "field.cost_centre", "desk 119", view))
        assert found == ["desk119"]
        done = submit(big, view, submitted(
            amount=number("12"), kind=option("meal"),
            cost_centre={"type": "external_select", "selected_option": {"value": "desk119"}}))
        assert done["response_action"] == "update", done
        assert "Desk 119" in show(big, "U0ALICE", "FIN-1")
    finally:
        platform.stop()


def test_a_bare_number_is_shown_as_the_amount_not_taken_unseen(desk: SlackDesk) -> None:
    # opening reads only a marked amount (86 CNY, ¥86); a bare 86 goes to the form to be seen
    response = desk.slash("U0ALICE", "finance reimbursement taxi 86 kind=taxi")
    assert not response.body
    view = opened(desk)
    assert block(view, "field.amount")["element"]["initial_value"] == "86.00"
    assert block(view, "field.kind")["element"]["initial_option"]["value"] == "taxi"
    assert desk.requests() == [] and desk.fake.calls_to("response_url") == []


def test_switching_services_keeps_what_was_typed_and_swaps_the_fields(desk: SlackDesk) -> None:
    desk.slash("U0ALICE", "")
    view = pick_service(desk, opened(desk), "U0ALICE", "finance/reimbursement",
                        form_values(None, "finance/reimbursement", "lunch with a client"))
    assert block(view, "category.finance")["dispatch_action"] is True
    assert block(view, "details")["element"]["initial_value"] == "lunch with a client"
    typed_in = submitted("lunch with a client", amount=number("120.5"), kind=option("meal"))
    again = pick_service(desk, view, "U0ALICE", "finance/reimbursement", typed_in)
    assert block(again, "field.amount")["element"]["initial_value"] == "120.5"
    assert block(again, "field.kind")["element"]["initial_option"]["value"] == "meal"
    other = pick_service(desk, again, "U0ALICE", "finance/cash-advance", typed_in)
    assert not [b for b in other["blocks"] if b.get("block_id", "").startswith("field.")]
    assert block(other, "details")["element"]["initial_value"] == "lunch with a client"


def test_a_form_submitted_before_its_fields_showed_is_shown_again(desk: SlackDesk) -> None:
    desk.slash("U0ALICE", "")
    bare = opened(desk)  # the service picked, but the refresh with its fields never arrived
    body = submit(desk, bare, form_values("finance", "finance/reimbursement", "taxi 86 CNY",
                                          priority="P2", category_block="category.all"))
    assert body["response_action"] == "update"
    again = body["view"]
    assert block(again, "field.amount")["element"]["type"] == "number_input"
    assert block(again, "details")["element"]["initial_value"] == "taxi 86 CNY"
    assert block(again, "priority")["element"]["initial_option"]["value"] == "P2"
    assert desk.requests() == []
