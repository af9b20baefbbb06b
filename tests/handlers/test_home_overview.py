"""`/request home` in the console: each request of the overview names its id and, when
overdue, says so up front, as Slack's Home tab and WeCom show it (``handlers.home.home``)."""

from __future__ import annotations

from tests.handlers.test_open_statements import statements


def test_the_overview_names_each_request_and_marks_the_overdue_one(chat) -> None:
    chat("alice> /request finance reimbursement amount=86 hotel 300",
         "alice> /request finance reimbursement amount=86 urgent taxi !P1",
         "bob> /request ack FIN-1",  # answered: its resolution is days away
         "@now 2026-11-24T09:00")
    home = chat("bob> /request home").splitlines()
    urgent = next(line for line in home if "urgent taxi" in line)
    hotel = next(line for line in home if "hotel 300" in line)
    assert urgent.startswith("[reply] FIN-2 ⚠ 已超时 · [P1] urgent taxi — 待受理"), urgent
    assert hotel.startswith("[reply] FIN-1 [P3] hotel 300 — 已受理"), hotel
    assert "已超时" not in hotel
    mine = chat("alice> /request home").splitlines()
    assert any(line.startswith("[reply] FIN-2 ⚠ overdue · [P1] urgent taxi — open")
               for line in mine), "the requester's own list, in English"


def item_buttons(said: str, ref: str) -> list[str]:
    """The buttons under the overview's line for request ``ref`` ("label -> command")."""
    lines = said.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"[reply] {ref} "))
    shown = []
    for line in lines[start + 1:]:
        if not line.startswith("  (button) "):
            break
        shown.append(line.removeprefix("  (button) "))
    return shown


def proposed(chat) -> None:
    """Alice asks Finance for cost accounting; Bob acknowledges it and proposes a new date."""
    chat("alice> /request finance cost accounting codes for the trade fair",
         "@now 2026-11-23T09:30", "bob> /request ack FIN-1",
         "@now 2026-11-23T10:00", "bob> /request propose FIN-1 2026-12-04 after the audit")


def test_a_proposal_waiting_for_the_requester_puts_its_answers_on_their_overview(chat) -> None:
    proposed(chat)
    assert item_buttons(chat("alice> /request home"), "FIN-1") == [
        "Accept -> /request accept FIN-1",
        "Decline… -> /request decline FIN-1 <why>",
        "Counter… -> /request counter FIN-1 <date> <comment>",
        "Cancel -> /request cancel FIN-1",
    ], "as `show` offers them"
    desk = item_buttons(chat("bob> /request home"), "FIN-1")
    assert not [b for b in desk if "/request accept" in b], "the desk waits: nothing to accept"


def test_a_counter_waiting_for_the_desk_puts_accept_and_propose_on_its_queue(chat) -> None:
    proposed(chat)
    chat("alice> /request counter FIN-1 2026-12-01 I pay the fee on the 2nd")
    assert item_buttons(chat("bob> /request home"), "FIN-1") == [
        "接受对方日期 -> /request accept FIN-1",
        "提议… -> /request propose FIN-1 <date> <text>",
        "提问… -> /request wait FIN-1 <question>",
        "解决… -> /request resolve FIN-1 <note>",
    ]
    assert item_buttons(chat("carol> /request home"), "FIN-1")[:3] == [
        "接受对方日期 -> /request accept FIN-1",
        "提议… -> /request propose FIN-1 <date> <text>",
        "指派给我 -> /request assign FIN-1 me",
    ], "every member of the desk, not only its assignee"
    mine = item_buttons(chat("alice> /request home"), "FIN-1")
    assert mine == ["Cancel -> /request cancel FIN-1"], "the counter waits for the desk"


def test_the_overview_reads_every_listed_requests_proposal_in_one_query(chat) -> None:
    """Two requests waiting on proposals, one each way, and one without: one query says
    whom each waits for, whatever the number of requests listed."""
    chat("alice> /request finance cost accounting codes for the trade fair",
         "alice> /request finance cost accounting codes for the roadshow",
         "alice> /request finance cost accounting codes for the catalogue",
         "@now 2026-11-23T09:30",
         "bob> /request propose FIN-1 2026-12-04 after the audit",
         "bob> /request propose FIN-2 2026-12-04 after the audit",
         "alice> /request counter FIN-2 2026-12-01 the 1st please")
    engine = chat.app.desk.engine
    with statements(engine) as seen:
        mine = chat("alice> /request home")
    assert len([s for s in seen if "FROM proposal" in s]) == 1, seen
    assert "Accept -> /request accept FIN-1" in item_buttons(mine, "FIN-1")
    assert item_buttons(mine, "FIN-2") == ["Cancel -> /request cancel FIN-2"]
    assert item_buttons(mine, "FIN-3") == ["Cancel -> /request cancel FIN-3"]
    with statements(engine) as seen:
        queue = chat("bob> /request home")
    assert len([s for s in seen if "FROM proposal" in s]) == 1, seen
    assert "接受对方日期 -> /request accept FIN-2" in item_buttons(queue, "FIN-2")
    assert not [b for b in item_buttons(queue, "FIN-1") + item_buttons(queue, "FIN-3")
                if "/request accept" in b or "/request propose" in b]
