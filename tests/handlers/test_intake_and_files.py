"""Typed through the console: a message in a desk's help channel (``alice@#finance-help>``)
opens a request, small talk does not; ``/request service`` picks the service; ``[file x]``
on a command goes with its request; a file with no open request is kept, not dropped."""

from __future__ import annotations

from sqlmodel import Session, select

from handlers.intake import is_request
from storage import request_store
from storage.models import Attachment, HeldMessage, Request


def row(chat, ref: str = "FIN-1") -> Request | None:
    with Session(chat.app.desk.engine) as s:
        return request_store.by_ref(s, ref)


def files_of(chat, ref: str = "FIN-1") -> list[str]:
    request = row(chat, ref)
    assert request is not None
    with Session(chat.app.desk.engine) as s:
        return [a.name for a in s.exec(select(Attachment).where(
            Attachment.request_id == request.id))]


def test_small_talk_is_no_request() -> None:
    for text in ("hi", "Hello all!", "thanks a lot", "ok", "OK 👍", "谢谢！", "你好", "谢谢大家",
                 "好的，收到", "🎉", ":tada:", ":+1: thanks", "@bob thanks", ""):
        assert not is_request(text), text
    for text in ("taxi 86 CNY", "hi, I need a laptop", "谢谢，报销怎么提交？",
                 "ok so the VPN is down", "报销"):
        assert is_request(text), text


def test_a_help_channel_message_opens_a_request_answered_with_id_due_times_and_services(chat):
    quiet = chat("@now 2026-11-23T09:00", "alice@#finance-help> hi",
                 "alice@#finance-help> 谢谢！", "alice@#finance-help> 👍")
    assert quiet == "" and row(chat) is None, "small talk: nothing stored, nothing said"
    out = chat("alice@#finance-help> taxi to the airport, 86 CNY [file receipt.jpg]")
    request = row(chat)
    assert request is not None and (request.department, request.category) == (
        "finance", "question"), "the desk's intake_service"
    assert request.details == "taxi to the airport, 86 CNY"
    # alice reads English: her words first, then the desk's
    assert "[to #finance-requests] FIN-1 is open for 王丽 Alice Wang: Finance, Finance " \
           "question. First response by 2026-11-23 14:30" in out
    assert "\n\n已为 王丽 Alice Wang 创建 FIN-1：财务部，财务咨询。" in out
    assert "首次响应截止 2026-11-23 14:30" in out and "解决截止 2026-11-25 18:00" in out
    assert "(button) 借支 -> /request service FIN-1 cash-advance" in out
    assert "(button) 受理 -> /request ack FIN-1" in out
    assert files_of(chat) == ["receipt.jpg"]


def test_picking_the_service_sets_its_targets_from_the_start_and_tells_both_sides(chat):
    chat("@now 2026-11-23T09:00", "alice@#finance-help> need 2000 CNY for the trip")
    chat("@now 2026-11-23T10:00")
    out = chat("alice> /request service FIN-1 借支")
    assert "[reply] FIN-1 is now Cash advance; first response: 2026-11-23 11:00" in out
    assert "[to #finance-requests] 王丽 Alice Wang 将服务改为借支" in out
    request = row(chat)
    assert request is not None and request.category == "cash-advance"
    assert "changed the service: question → cash-advance" in chat("alice> /request show FIN-1")
    assert "no service “nope”" in chat("alice> /request service FIN-1 nope")
    assert "already is Cash advance" in chat("alice> /request service FIN-1 cash-advance")
    assert "/request service FIN-1 <service>" in chat("alice> /request service FIN-1")
    refused = chat("henry> /request service FIN-1 reimbursement")
    assert "[reply]" in refused and row(chat).category == "cash-advance"  # type: ignore[union-attr]


def test_no_request_is_moved_into_a_service_that_needs_its_form_or_approval(chat):
    out = chat("@now 2026-11-23T09:00", "alice@#finance-help> need 2000 CNY for the trip")
    assert "/request service FIN-1 reimbursement" not in out, "no button for a form service"
    out = chat("alice> /request service FIN-1 reimbursement")
    assert "Reimbursement needs its own form or approval, so FIN-1 cannot move there" in out
    assert "/request finance reimbursement" in out
    chat("carol> /request sales sales-figures November by region")
    out = chat("henry> /request transfer SAL-1 finance reimbursement")
    assert "“报销”需要填写表单或审批，SAL-1 不能改到这项服务" in out
    assert row(chat).category == "question"  # type: ignore[union-attr]
    assert row(chat, "SAL-1").department == "sales"  # type: ignore[union-attr]


def test_a_file_typed_with_a_command_goes_with_its_request(chat):
    out = chat("@now 2026-11-23T09:00",
               "henry> /request finance cash-advance taxi 86 [file receipt.jpg]")
    assert "receipt.jpg (28 B) 已添加到 FIN-1" in out
    assert "[to #finance-requests] 李华 Henry Li 在 FIN-1 中发送了 📎 receipt.jpg" in out
    out = chat("henry> /request comment FIN-1 and the hotel [file hotel.pdf]")
    assert "hotel.pdf" in out and files_of(chat) == ["receipt.jpg", "hotel.pdf"]
    out = chat("henry> /request list [file c.pdf]")
    assert "c.pdf 未添加：该命令不带附件" in out
    out = chat("henry> /request comment FIN-9 x [file d.pdf]")
    assert "d.pdf 也未保存" in out and files_of(chat) == ["receipt.jpg", "hotel.pdf"]


def test_a_file_with_no_open_request_is_kept_and_added_later(chat):
    out = chat("@now 2026-11-23T09:00", "henry@dm> the receipt [file receipt.jpg]")
    assert "已保存 receipt.jpg（消息 1）" in out and "/request 加入 <单号> 1" in out
    with Session(chat.app.desk.engine) as s:
        held = s.exec(select(HeldMessage)).one()
    assert held.text == "the receipt" and held.files[0]["name"] == "receipt.jpg"
    chat("henry> /request finance cash-advance taxi 86")
    out = chat("henry> /request add FIN-1 1")
    assert "receipt.jpg" in out and files_of(chat) == ["receipt.jpg"]


def test_the_chooser_for_several_open_requests_carries_the_file(chat):
    chat("@now 2026-11-23T09:00", "henry> /request finance cash-advance taxi 86",
         "henry> /request it laptop screen flickers")
    out = chat("henry@dm> [file photo.jpg]")
    assert "/request add FIN-1 1" in out
    chat("henry> /request add IT-1 1")
    assert files_of(chat, "IT-1") == ["photo.jpg"]


def test_help_names_the_internal_marker_and_adding_a_held_message(chat):
    from handlers.conversation import INTERNAL_MARKERS
    from handlers.i18n import t

    for locale, markers, add, service in (
            ("en", ("//", "(internal)"), "/request add ID N", "/request service ID SERVICE"),
            ("zh-CN", ("//", "（内部）"), "加入 单号 N", "服务 单号 服务")):
        text = t(locale, "help.text")
        assert all(f"`{m}`" in text and m in INTERNAL_MARKERS for m in markers), locale
        assert f"`{add}`" in text and f"`{service}`" in text, locale
    out = chat("henry> /request help")
    assert "`//`" in out and "`加入 单号 N`" in out
    # what help says works: adding held message N, and the internal marker
    chat("@now 2026-11-23T09:00", "henry> /request finance cash-advance taxi 86",
         "henry> /request it laptop screen flickers", "henry@dm> on Friday")
    assert "FIN-1" in chat("henry> 加入 FIN-1 1")
    with Session(chat.app.desk.engine) as s:
        request = request_store.by_ref(s, "FIN-1")
        assert request is not None and request.id is not None
        notes = [(e.kind, e.note) for e in request_store.events(s, request.id)]
    assert ("dm_reply", "on Friday") in notes
    assert "内部备注" in chat("carol@FIN-1> （内部） ok")


def test_an_intake_service_the_desk_does_not_offer_is_a_config_problem(tmp_path) -> None:
    import pytest

    from bot.runtime import config as config_mod
    from tests.conftest import EXAMPLE

    text = EXAMPLE.read_text(encoding="utf-8").replace(
        'intake_service = "question"', 'intake_service = "taxi"', 1)
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(config_mod.ConfigError) as caught:
        config_mod.load(path)
    assert "departments[0].intake_service" in str(caught.value)
    assert "'taxi' is not a service of this department" in str(caught.value)
    path.write_text(text.replace('intake_service = "taxi"', 'intake_service = "reimbursement"'),
                    encoding="utf-8")
    with pytest.raises(config_mod.ConfigError) as caught:
        config_mod.load(path)
    assert "'reimbursement' needs a form or approval" in str(caught.value)


def test_a_file_typed_with_a_command_that_starts_a_form_waits_for_the_request(chat):
    out = chat("@now 2026-11-23T09:00",
               "henry> /request finance reimbursement taxi [file receipt.jpg]")
    assert "receipt.jpg 将在请求提交时一并添加" in out and row(chat) is None
    out = chat("henry> 86")
    assert "FIN-1" in out
    assert files_of(chat) == ["receipt.jpg"]


def test_a_mention_is_no_content_even_with_spaces_in_its_name() -> None:
    carol = ("@刘芳 Carol Liu", "@Bob")
    assert not is_request("@刘芳 Carol Liu thanks", mentions=carol)
    assert not is_request("thanks @Bob, @刘芳 Carol Liu!", mentions=carol)
    assert is_request("@刘芳 Carol Liu thanks", mentions=()), "unmarked: the name is words"
    assert is_request("@刘芳 Carol Liu my laptop won't boot", mentions=carol)
