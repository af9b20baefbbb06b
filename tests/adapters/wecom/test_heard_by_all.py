"""A desk's message with a chart or a file, when every member of a desk with no group chat or
robot heard it already (did it, or was told in person): nothing is sent, and the row is done
(it used to crash the send on every try, holding the desk's later messages behind it)."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session, select

from handlers.attachments import SHARED
from handlers.messages import TOLD, Message
from storage import outbox
from storage.engine import transaction
from storage.models import Outbox
from tests.adapters.wecom.conftest import WeCom

SALES = ("henry", "alice")  # the sales desk: no group chat, no robot, both on WeCom


def queue(wecom: WeCom, message: Message) -> None:
    with transaction(wecom.app.desk.engine) as session:
        outbox.enqueue(session, message.target, message.to_dict(), wecom.clock())


def rows(wecom: WeCom) -> list[Outbox]:
    with Session(wecom.app.desk.engine) as session:
        return list(session.exec(select(Outbox)))


def test_a_chart_every_member_heard_is_not_sent_and_its_row_is_done(
        wecom: WeCom, tmp_path: Path) -> None:
    chart = tmp_path / "chart.png"
    chart.write_bytes(b"\x89PNG\r\n\x1a\n" + b"pixels" * 50)
    queue(wecom, Message(text="本周服务情况", target="dept:sales",
                         extra={"image": str(chart), TOLD: list(SALES)}))
    queue(wecom, Message(text="next one", target="dept:sales"))
    stats = wecom.dispatch()
    assert stats.delivered == 2, "the heard message is done, and the next one is not held"
    assert all(r.delivered_at is not None and r.last_error is None for r in rows(wecom))
    sent = wecom.api.delivered("message/send")
    assert [b["text"]["content"] for b in sent if b.get("msgtype") == "text"] == ["next one"]
    assert not wecom.api.to("media/upload"), "no chart goes out on its own"


def test_a_shared_file_every_member_heard_is_not_sent(wecom: WeCom) -> None:
    queue(wecom, Message(text="📎 receipt.pdf", target="dept:sales", kind=SHARED,
                         request_ref="SAL-1", extra={"file": 1, TOLD: list(SALES)}))
    assert wecom.dispatch().delivered == 1
    assert not wecom.api.delivered("message/send") and not wecom.api.to("media/upload")
