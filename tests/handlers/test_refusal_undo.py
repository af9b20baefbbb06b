"""A handler that refuses after it wrote: none of its changes stay, yet the delivery is claimed
and answered with the refusal once (a repeat gets that answer, and runs nothing)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from bot.runtime.app import DeskApp
from handlers import lifecycle as lc
from handlers import notices
from handlers.context import Ctx, Refusal
from handlers.grammar import Command
from handlers.inbound import Inbound
from handlers.messages import Reply
from handlers.router import Router, run
from storage.models import Delivery, Event, Outbox, Request


def test_a_refusal_after_writing_undoes_the_writes_and_keeps_the_claim_and_answer(
        desk_app: DeskApp) -> None:
    desk_app.handle("henry", "/request finance reimbursement taxi 86 CNY")
    calls: list[str] = []

    def writes_then_refuses(ctx: Ctx, cmd: Command) -> Reply:
        calls.append(cmd.name)
        request = lc.load(ctx, cmd.ref)
        request.priority = "P1"
        lc.transition(ctx, request, "acknowledged", "acknowledged")  # flushed, and an event
        notices.to_requester(ctx, request, "note.acked", by="Bob")  # an outbox row
        raise Refusal("err.not_found", ref=request.ref)

    router = Router()
    router.add("ack", writes_then_refuses)
    inbound = Inbound(platform="slack", person_id="bob", text="/request ack FIN-1",
                      delivery_key="trig-9", answer_to="person:bob")
    with Session(desk_app.desk.engine) as session:
        outbox_before = len(session.exec(select(Outbox)).all())
    reply = run(desk_app.desk, router, inbound, desk_app.clock())
    assert not reply.ok and "FIN-1" in reply.text and reply.command == "ack"
    again = run(desk_app.desk, router, inbound, desk_app.clock())
    assert again.repeat and again.text == reply.text
    with Session(desk_app.desk.engine) as session:
        request = session.exec(select(Request)).one()
        assert (request.state, request.priority) == ("open", "P3")
        assert [e.kind for e in session.exec(select(Event).order_by(col(Event.id)))] == [
            "opened"]
        rows = session.exec(select(Outbox).order_by(col(Outbox.id))).all()
        assert [r.target for r in rows[outbox_before:]] == ["person:bob"], "the answer only"
        assert rows[-1].payload["text"] == reply.text
        delivery = session.get(Delivery, "slack:trig-9")
        assert delivery is not None and delivery.answer == [m.to_dict() for m in reply.messages]
    assert calls, "the handler ran"
