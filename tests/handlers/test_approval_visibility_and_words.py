"""A request awaiting approval, through the console: its approvers (any step, pending or
decided) see it, show it and comment on it; its requester's words and files about it (a plain
DM, a DM-thread reply, ``comment``, ``add``) are kept on it and go to whom it waits for, not
to the desk; with another open request the DM asks which one."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session

from storage import files, request_store
from tests.conftest import Transcript
from tests.handlers.test_approval import company
from tests.handlers.test_sweep import messages_to

TAXI = "alice> /request finance reimbursement 金额=300 two taxi rides"
NOT_FOUND = "在您可查看的请求中找不到 FIN-1"
NOT_FOUND_EN = "I can't find request FIN-1"


@pytest.fixture
def desk(tmp_path: Path, engine, clock) -> Transcript:
    return company(tmp_path, engine, clock)


def events(chat: Transcript, ref: str) -> list[tuple[str, str, str | None]]:
    with Session(chat.app.desk.engine) as s:
        request = request_store.by_ref(s, ref)
        assert request is not None and request.id is not None
        return [(e.kind, e.actor_id, e.note) for e in request_store.events(s, request.id)]


def file_names(chat: Transcript, ref: str) -> list[str]:
    with Session(chat.app.desk.engine) as s:
        request = request_store.by_ref(s, ref)
        assert request is not None and request.id is not None
        return [row.name for row in files.of_request(s, request.id)]


def test_the_pending_approver_sees_shows_and_comments(desk):
    desk(TAXI)
    shown = desk("henry> 查看 FIN-1")
    assert NOT_FOUND not in shown and "FIN-1 · two taxi rides" in shown
    out = desk("henry> 评论 FIN-1 这两张票是同一天的吗？")
    assert NOT_FOUND not in out and "已在 FIN-1 添加评论。" in out
    told = messages_to(out, "alice")
    assert len(told) == 1 and "这两张票是同一天的吗？" in told[0]
    assert messages_to(out, "#finance-requests") == []  # the desk cannot act on it yet
    dm = desk("henry@dm:FIN-1> 请补一下发票")
    assert NOT_FOUND not in dm and "请补一下发票" in messages_to(dm, "alice")[0]
    assert ("dm_reply", "henry", "请补一下发票") in events(desk, "FIN-1")


def test_a_decided_approver_and_a_later_steps_approver_still_see_it(desk):
    desk("alice> /request finance reimbursement 金额=8,600 hotel for the fair")
    desk("henry> approve FIN-1", "carol> 批准 FIN-1")
    for person in ("henry", "carol", "frank"):
        assert NOT_FOUND not in desk(f"{person}> 查看 FIN-1"), person
    assert NOT_FOUND in desk("grace> 查看 FIN-1"), "grace is no approver of alice's request"
    out = desk("frank> /request comment FIN-1 which fair?")
    assert "which fair?" in messages_to(out, "alice")[0]


def test_grace_approves_henrys_request_and_sees_it_others_do_not(desk):
    desk("henry> /request finance reimbursement 金额=300 taxi")
    out = desk("grace> /request comment FIN-1 which client?")
    assert NOT_FOUND not in out and "which client?" in messages_to(out, "henry")[0]
    assert NOT_FOUND in desk("dave> 查看 FIN-1") and NOT_FOUND_EN in desk("alice> 查看 FIN-1")


def test_a_delegate_holding_the_step_sees_it(desk):
    desk(TAXI)
    assert NOT_FOUND_EN in desk("emma> 查看 FIN-1")
    desk("henry> /request away until 2026-12-31 delegate emma")
    shown = desk("emma> 查看 FIN-1")
    assert NOT_FOUND_EN not in shown and "FIN-1 · two taxi rides" in shown


def test_the_requesters_plain_dm_goes_to_the_approver(desk):
    desk(TAXI)
    out = desk("alice@dm> I forgot: it was two rides")
    assert "didn't understand" not in out
    assert "Comment added to FIN-1." in out
    told = messages_to(out, "henry")
    assert len(told) == 1 and "I forgot: it was two rides" in told[0]
    assert messages_to(out, "#finance-requests") == []
    assert ("dm_reply", "alice", "I forgot: it was two rides") in events(desk, "FIN-1")


@pytest.mark.parametrize("said,words", [
    ("alice> /request comment FIN-1 two rides actually", "two rides actually"),
    ("alice@dm> FIN-1 it was two rides", "it was two rides"),
    ("alice@dm:FIN-1> the receipt", "the receipt"),
])
def test_the_requesters_comment_on_a_pending_request_is_kept(desk, said, words):
    desk(TAXI)
    out = desk(said)
    assert "awaiting approval" not in out and "Comment added to FIN-1." in out
    assert words in messages_to(out, "henry")[0]
    assert any(kind in ("commented", "dm_reply") and note == words
               for kind, _, note in events(desk, "FIN-1"))


def test_the_requesters_file_on_a_pending_request_is_attached_and_passed_on(desk, tmp_path):
    desk(TAXI)
    receipt = tmp_path / "r.jpg"
    receipt.write_bytes(b"\xff\xd8\xff taxi receipt")
    out = desk(f"alice@dm:FIN-1> the receipt [file {receipt}]")
    assert "awaiting approval" not in out and "r.jpg" in out
    assert file_names(desk, "FIN-1") == ["r.jpg"]
    assert any("r.jpg" in m for m in messages_to(out, "henry"))
    assert messages_to(out, "#finance-requests") == []


def test_words_with_a_file_in_the_dm_go_to_the_pending_request(desk, tmp_path):
    desk(TAXI)
    receipt = tmp_path / "receipt.pdf"
    receipt.write_bytes(b"%PDF-1.4 taxi receipt")
    out = desk(f"alice@dm> still waiting? [file {receipt}]")
    assert "no open request" not in out and "Comment added to FIN-1." in out
    assert file_names(desk, "FIN-1") == ["receipt.pdf"]
    assert ("dm_reply", "alice", "still waiting?") in events(desk, "FIN-1")
    assert "still waiting?" in messages_to(out, "henry")[0]


def test_a_dm_with_an_open_and_a_pending_request_asks_which(desk, tmp_path):
    desk("alice> /request finance cash-advance hotel 300", TAXI)
    receipt = tmp_path / "r2.jpg"
    receipt.write_bytes(b"\xff\xd8\xff second ride")
    out = desk(f"alice@dm> about the taxi: the second ride was on 11/28 [file {receipt}]")
    assert "Comment added" not in out and file_names(desk, "FIN-1") == []
    assert "/request add FIN-2 1" in out and "/request add FIN-1 1" in out
    added = desk("alice> /request add FIN-2 1")
    assert "Comment added to FIN-2." in added and file_names(desk, "FIN-2") == ["r2.jpg"]
    assert "the second ride was on 11/28" in messages_to(added, "henry")[0]


def test_the_approvers_comment_once_approved_reaches_requester_and_desk(desk):
    desk(TAXI, "henry> approve FIN-1")
    out = desk("henry> 评论 FIN-1 两张票都核对过了")
    assert "已在 FIN-1 添加评论。" in out
    assert "两张票都核对过了" in messages_to(out, "alice")[0]
    assert "两张票都核对过了" in messages_to(out, "#finance-requests")[0]
