"""A transfer to another service of the same desk is a service change: it behaves exactly as
``/request service`` does (targets counted from the request's start, a breach stays a
breach, the same notices), never as a fresh start at a new desk.

The sample company: IT's software service is P3 with a 4 h first response, account access
P2 with 1 h; Mon-Fri 09:00-12:00 and 13:30-18:00."""

from __future__ import annotations

from sqlmodel import Session, col, select

from storage.models import Event
from tests.conftest import local
from tests.handlers.test_digest_targets_kept import _line
from tests.handlers.test_sweep import messages_to, req

IGNORED = ["@now 2026-11-23T09:00", "alice> /request it software install the VPN client",
           "alice> /request it software install the VPN client on my desktop",
           "@now 2026-11-25T10:00"]  # both ignored until Wednesday: long overdue


def kinds(chat, ref: str) -> list[str]:
    with Session(chat.app.desk.engine) as s:
        row = req(chat.app, ref)
        rows = s.exec(select(Event).where(Event.request_id == row.id)
                      .order_by(col(Event.id))).all()
    return [e.kind for e in rows]


def test_a_transfer_within_the_desk_keeps_the_targets_from_the_start_as_service_does(chat):
    chat(*IGNORED)
    moved = chat("@now 2026-11-25T10:05", "kevin> /request transfer IT-1 it account-access")
    changed = chat("kevin> /request service IT-2 account-access")
    one, two = req(chat.app, "IT-1"), req(chat.app, "IT-2")
    # account access: 1 h from Monday 09:00, overdue since then; not 1 h from Wednesday
    assert one.first_response_due == two.first_response_due == local("2026-11-23T10:00")
    assert one.resolution_due == two.resolution_due
    assert (one.state, one.priority, one.category, one.cycle, one.first_response_at) == (
        two.state, two.priority, two.category, two.cycle, two.first_response_at)
    assert "IT-1 was transferred to IT · Account access (P2 high): first response " \
           "2026-11-23 10:00 (overdue" in moved, moved
    assert kinds(chat, "IT-1")[-1] == kinds(chat, "IT-2")[-1] == "service_changed"
    # the same notices as the service change: the thread and the requester, nothing new
    for out, ref in ((moved, "IT-1"), (changed, "IT-2")):
        thread = messages_to(out, "#it-requests")
        assert len(thread) == 1 and "将服务改为账号权限" in thread[0], out
        assert "新请求" not in out and "New request" not in out
        told = messages_to(out, "alice")
        assert len(told) == 1 and f"set the service of {ref}" in told[0], out


def test_a_breach_stays_a_breach_in_the_scorecard(chat):
    chat(*IGNORED, "@now 2026-11-25T10:05", "kevin> /request transfer IT-1 it account-access",
         "kevin> /request service IT-2 account-access",
         "@now 2026-11-25T11:00", "kevin> /request resolve IT-1 done",
         "kevin> /request resolve IT-2 done")
    out = chat("@now 2026-11-30T10:00", "root> /request scorecard")
    # before: IT-1 counted as answered in 55 minutes, within a fresh target (50 %)
    assert "first response 0%" in _line(out, "IT"), out


def test_the_refusals_ready_commands_behave_as_the_service_change(chat):
    chat(*IGNORED)
    refused = chat("@now 2026-11-25T10:05", "kevin> /request transfer IT-1 it")
    assert "IT-1 is already with IT as Software; nothing was changed." in refused
    assert "• Account access — `/request transfer IT-1 it account-access`" in refused
    chat("kevin> /request transfer IT-1 it account-access")
    assert req(chat.app, "IT-1").first_response_due == local("2026-11-23T10:00")


def test_the_requester_may_move_it_within_the_desk_as_with_service(chat):
    chat(*IGNORED)
    out = chat("alice> /request transfer IT-1 it account-access")
    assert "Only members of IT" not in out, out
    row = req(chat.app, "IT-1")
    assert (row.category, row.first_response_due) == ("account-access",
                                                      local("2026-11-23T10:00"))
    refused = chat("alice> /request transfer IT-2 hr training")  # another desk: the desk's
    assert "Only members of IT may transfer IT-2" in refused, refused
