"""A request waiting for approval whose service left the config (renamed, removed) is still
approved or reopened: it takes the targets it already had, as any orphan does."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session

from bot.runtime import app as app_mod
from bot.runtime import config as config_mod
from bot.runtime.clock import ManualClock
from handlers.field_lines import raw
from storage import people, request_fields, request_store
from tests.conftest import EXAMPLE, Transcript, local
from tests.handlers.approval_company import with_approval


def _desk(tmp_path: Path, engine: Engine, clock: ManualClock, *edits: tuple[str, str]
          ) -> Transcript:
    text = with_approval(EXAMPLE.read_text(encoding="utf-8"))
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / f"config-{len(list(tmp_path.glob('*.toml')))}.toml"
    path.write_text(text, encoding="utf-8")
    return Transcript(app_mod.build(config_mod.load(path), clock, engine=engine,
                                    upgrade=False), clock)


RENAMED = ('key = "reimbursement"', 'key = "expense-claim"')


def test_approving_a_request_whose_service_was_renamed_opens_it(tmp_path, engine, clock):
    _desk(tmp_path, engine, clock)("alice> /request finance reimbursement 金额=86 taxi")
    out = _desk(tmp_path, engine, clock, RENAMED)("henry> /request approve FIN-1")
    assert "[reply]" in out and "FIN-1" in out, out
    with Session(engine) as session:
        request = request_store.by_ref(session, "FIN-1")
        assert request is not None and request.state == "open"
        assert request.first_response_due is not None and request.resolution_due is not None


def test_reopening_a_rejected_request_whose_service_was_renamed_asks_again(
        tmp_path, engine, clock):
    chat = _desk(tmp_path, engine, clock)
    chat("alice> /request finance reimbursement 金额=86 taxi",
         "henry> /request reject FIN-1 the taxi was 96")
    out = _desk(tmp_path, engine, clock, RENAMED)("alice> /request reopen FIN-1 amount=96 taxi")
    assert "FIN-1 is reopened" in out and "Finance has it" in out, out
    with Session(engine) as session:
        request = request_store.by_ref(session, "FIN-1")
        assert request is not None and request.first_response_due is not None
        assert request.first_response_due == local("2026-11-23T14:30"), \
            "4 business hours (lunch apart): the targets of a service that names none"


def rejected(tmp_path: Path, engine: Engine, clock: ManualClock) -> None:
    """FIN-1 (alice's, 86 CNY) rejected by henry, FIN-2 (bob's) by carol."""
    _desk(tmp_path, engine, clock)(
        "alice> /request finance reimbursement 金额=86 taxi",
        "henry> /request reject FIN-1 the taxi was 96",
        "bob> /request finance reimbursement 金额=86 出租车",
        "carol> /request reject FIN-2 是 96 元")


def stored(engine: Engine, ref: str) -> tuple[str, dict[str, str]]:
    """The request's state and its values as shown by key."""
    with Session(engine) as session:
        request = request_store.by_ref(session, ref)
        assert request is not None and request.id is not None
        values = request_fields.of_request(session, request.id)
        return request.state, {k: raw(v) for k, v in values.items()}


def test_a_rejected_request_whose_service_left_is_reopened_with_its_values_changed(
        tmp_path, engine, clock):
    rejected(tmp_path, engine, clock)
    desk = _desk(tmp_path, engine, clock, RENAMED)
    out = desk("alice> /request reopen FIN-1 amount=96 the taxi was 96")
    assert out.startswith(
        "[reply] FIN-1 is reopened (amount) and needs no approval now: Finance has it.\n"), out
    assert stored(engine, "FIN-1") == ("open", {
        "amount": "96.00 CNY", "spent_on": "2026-11-23", "cost_centre": "sales"})
    shown = desk("alice> /request show FIN-1")
    assert "Amount: 96.00 CNY" in shown  # labelled as its renamed service labels it
    assert "reopened (rejected → open): amount=96 the taxi was 96" in shown


def test_an_old_field_name_is_refused_saying_what_to_type(tmp_path, engine, clock):
    rejected(tmp_path, engine, clock)
    desk = _desk(tmp_path, engine, clock, RENAMED)
    assert desk("alice> /request reopen FIN-1 金额=96 taxi") == (
        "[reply] FIN-1 was not reopened: it has no value called “金额”. Its service changed "
        "since it was opened, so write its values by the names it shows them with: amount, "
        "spent_on, cost_centre. For example: `/request reopen FIN-1 amount=\"86.00 CNY\"`.\n")
    assert desk("bob> /request 重开 FIN-2 金额=96") == (
        "[reply] FIN-2 未重开：没有名为“金额”的内容。该请求提交后服务已变更，"
        "请按请求中显示的名称填写：amount、spent_on、cost_centre。"
        "例如：`/request 重开 FIN-2 amount=\"86.00 CNY\"`。\n")
    assert stored(engine, "FIN-1")[0] == stored(engine, "FIN-2")[0] == "rejected"
    assert "FIN-2 已重开（修改：amount）" in desk("bob> /request 重开 FIN-2 amount=96")
    assert stored(engine, "FIN-2")[1]["amount"] == "96.00 CNY"


SPENT_ON = ('[[departments.categories.fields]]\nkey = "spent_on"\nname = "Date of expense"\n'
            'name_zh = "日期"\naliases = ["date", "消费日期"]\ntype = "date"\ndefault = "today"\n',
            "")


def test_a_value_whose_field_left_is_changed_beside_the_services_own(tmp_path, engine, clock):
    rejected(tmp_path, engine, clock)
    desk = _desk(tmp_path, engine, clock, SPENT_ON)
    out = desk("alice> /request reopen FIN-1 spent_on=11-20 金额=96")
    assert "FIN-1 is sent for approval again (spent_on, Amount): 李华 Henry Li." in out, out
    assert stored(engine, "FIN-1") == ("pending_approval", {
        "amount": "96.00 CNY", "spent_on": "2026-11-20", "cost_centre": "sales"})
    out = desk("henry> /request reject FIN-1 no receipt", "alice> /request reopen FIN-1 date=11-21")
    assert "it has no value called “date”" in out
    assert "names it shows them with: Amount, Cost centre, Invoice, spent_on." in out
    assert "(no changes)" in desk("alice> /request reopen FIN-1 receipt attached")


def test_an_admin_decides_a_step_whose_approver_left_the_config(tmp_path, engine, clock):
    """Henry, who was to approve FIN-1, is gone from the config (he is "henrik" now, a new
    id): nobody the step waits for is left, so an admin may decide it; others still may not."""
    _desk(tmp_path, engine, clock)("alice> /request finance reimbursement 金额=86 taxi")
    text = with_approval(EXAMPLE.read_text(encoding="utf-8")).replace('"henry"', '"henrik"')
    path = tmp_path / "renamed.toml"
    path.write_text(text, encoding="utf-8")
    desk = Transcript(app_mod.build(config_mod.load(path), clock, engine=engine,
                                    upgrade=False), clock)
    assert "只有审批人可以批准" in desk("bob> /request approve FIN-1"), "bob is no admin"
    desk("root> /request approve FIN-1")
    with Session(engine) as session:
        request = request_store.by_ref(session, "FIN-1")
        assert request is not None and request.state == "open"


def test_an_admin_may_not_decide_for_an_approver_known_from_the_directory(
        tmp_path, engine, clock):
    """Zed and his manager came from the WeCom directory, not the config: the manager is
    present, so the step is his to decide, not an admin's."""
    chat = _desk(tmp_path, engine, clock)
    with Session(engine) as session:
        people.register(session, "mgr", "Mia Manager", clock(), source="wecom")
        zed = people.register(session, "zed", "Zed Sales", clock(), source="wecom")
        zed.manager_id = "mgr"
        session.add(zed)
        session.commit()
    chat("zed> /request finance reimbursement 金额=86 taxi")
    assert "only they can approve" in chat("root> /request approve FIN-1")
    with Session(engine) as session:
        request = request_store.by_ref(session, "FIN-1")
        assert request is not None and request.state == "pending_approval"
