"""`show` marks its history, and ``handlers.history.within`` bounds it to the room a platform
passes: the header and the buttons whole, the latest events whole (a note of several lines
too), one line for the earlier ones. The console has room for all of it."""

from __future__ import annotations

from handlers import history
from handlers.inbound import Inbound
from handlers.messages import Message

COMMENTS = 60


def show(desk_app, person: str, ref: str) -> Message:
    reply = desk_app.run(Inbound(platform="console", person_id=person,
                                 text=f"/request show {ref}"))
    assert reply.ok, reply.text
    (message,) = reply.messages
    return message


def long_history(chat) -> None:
    chat("henry> /request 财务 核算 展会的预算科目", "bob> /request ack FIN-1")
    chat(*(f"bob> /request comment FIN-1 comment number {i}" for i in range(COMMENTS)))


def test_the_console_shows_every_event(chat, desk_app):
    long_history(chat)
    out = chat("carol> /request show FIN-1")
    assert "comment number 0\n" in out and f"comment number {COMMENTS - 1}\n" in out
    assert "省略" not in out
    message = show(desk_app, "carol", "FIN-1")
    assert message.extra[history.EVENTS] == [1] * (COMMENTS + 2)


def test_within_keeps_the_header_the_latest_events_and_the_buttons(chat, desk_app):
    long_history(chat)
    message = show(desk_app, "carol", "FIN-1")
    room = len(message.text) // 3

    bounded = history.within(message, lambda m: len(m.text) <= room)
    assert len(bounded.text) <= room
    assert bounded.buttons == message.buttons and bounded.buttons
    head, _, rest = bounded.text.partition("处理记录：\n")
    assert message.text.startswith(head + "处理记录：\n")
    earlier, *kept = rest.split("\n")
    left_out = COMMENTS + 2 - len(kept)
    assert earlier == (f"  ⋯ 篇幅所限，此处省略了更早的 {left_out} 条记录；如需查看全部，可请管理员"
                       "导出（crossdesk export --what events）。")
    assert message.text.endswith("\n".join(kept)), "the latest events, whole and in order"
    assert kept[-1].endswith(f"comment number {COMMENTS - 1}")
    assert history.within(bounded, lambda m: False) == bounded, "bounded once"
    longer = history.within(message, lambda m: len(m.text) <= room + 200)
    assert len(longer.text.split("\n")) > len(bounded.text.split("\n")), "the room is used"


def test_a_note_of_several_lines_is_kept_or_left_out_whole(chat, desk_app):
    long_history(chat)
    message = show(desk_app, "carol", "FIN-1")
    note = Message(text="FIN-9 · x\nHistory:", locale="en", request_ref="FIN-9")
    events = ["  09:00 a commented: one", "  09:01 b commented: two\nlines", "  09:02 c"]
    marked = history.ending(note, events)
    assert marked.extra[history.EVENTS] == [1, 2, 1]
    for room in range(len(marked.text) - 1, 0, -1):
        bounded = history.within(marked, lambda m, room=room: len(m.text) <= room)
        kept = bounded.text.split("\n")[3:]
        assert "\n".join(kept) in ("", events[2], "\n".join(events[1:])), kept
    assert history.within(message, lambda m: True) is message


def test_english_wording(chat, desk_app):
    chat("alice> /request finance accounting budget codes", "bob> /request ack FIN-1")
    chat(*(f"bob> /request comment FIN-1 comment number {i}" for i in range(10)))
    message = show(desk_app, "alice", "FIN-1")
    bounded = history.within(message, lambda m: m.text.count("\n") < 20)
    line = next(x for x in bounded.text.split("\n") if "earlier events" in x)
    assert line.startswith("  … ") and line.endswith(
        " earlier events are left out here, for want of room; an admin can export them all "
        "(crossdesk export --what events).")


def test_a_message_without_a_history_is_left_alone():
    message = Message(text="x" * 500, locale="en")
    assert history.within(message, lambda m: False) is message
