"""A request waiting for approval whose service left the config (renamed, removed) is still
approved or reopened: it takes the targets it already had, as any orphan does."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session

from bot.runtime import app as app_mod
from bot.runtime import config as config_mod
from bot.runtime.clock import ManualClock
from storage import people, request_store
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
    out = _desk(tmp_path, engine, clock, RENAMED)("alice> /request reopen FIN-1 金额=96 taxi")
    assert "FIN-1 is reopened" in out and "Finance has it" in out, out
    with Session(engine) as session:
        request = request_store.by_ref(session, "FIN-1")
        assert request is not None and request.first_response_due is not None
        assert request.first_response_due == local("2026-11-23T14:30"), \
            "4 business hours (lunch apart): the targets of a service that names none"


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
