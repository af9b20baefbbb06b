"""What a chat form's answers leave behind is said, never dropped: a file refused with the
answer that completes the form is told beside the opened request, and an answer kept while
the operator changed its field (a choice removed, a text field made a choice) is quoted and
asked again, not silently left out of the request."""

from __future__ import annotations

from tests.handlers.test_config_change import restart
from tests.handlers.test_form_question_removed import INVOICE_REQUIRED, stored

MODEL_REQUIRED = ('type = "choice"\nchoices = [', 'type = "choice"\nrequired = true\nchoices = [')
REASON = 'type = "long_text"\nmax_length = 500'
REASON_REQUIRED = (REASON, REASON + "\nrequired = true")
MBP_REMOVED = ('  { key = "mbp14", name = "MacBook Pro 14", aliases = ["mac", "macbook"] },\n',
               "")
REASON_A_CHOICE = (
    REASON + '\nhint = "new hire, screen broken, too slow for builds"\n'
    'hint_zh = "新员工、屏幕损坏、编译太慢"',
    'type = "choice"\nchoices = [{ key = "broken", name = "Broken", name_zh = "损坏" }, '
    '{ key = "slow", name = "Too slow", name_zh = "太慢" }]')
SMALL_FILES = ('max_size = "10MB"', 'max_size = "1KB"')


# --- a file refused with the answer that completes the form --------------------------------

def test_a_file_refused_with_the_last_answer_is_said_with_the_opened_request(
        engine, clock, tmp_path):
    first = restart(tmp_path, engine, clock)
    assert "Please give the Amount" in first("alice> /request finance reimbursement taxi")
    desk = restart(tmp_path, engine, clock)
    out = desk("@now 2026-11-23T10:00", "alice@dm> 86 [file receipt.jpg] [file viewer.exe]")
    assert out.startswith("[reply] Opened FIN-1: Reimbursement for Finance"), out
    reply = out.split("\n[to ", 1)[0]
    assert "receipt.jpg (" in reply and "is attached to FIN-1." in reply
    assert ("viewer.exe was not attached: files of type application/x-msdos-program are not "
            "accepted. Please send one of these instead:") in reply, reply
    assert stored(desk, "FIN-1")[1] == ["receipt.jpg"]


def test_a_file_too_big_for_a_lowered_limit_is_said_in_the_persons_language(
        engine, clock, tmp_path):
    first = restart(tmp_path, engine, clock, INVOICE_REQUIRED)
    assert "请填写金额" in first("bob> /request 财务 报销 出租车")
    assert "请在此发送发票文件" in first("bob> 86元")
    big = tmp_path / "scan.pdf"
    big.write_bytes(b"%PDF" + b"0" * 2044)
    desk = restart(tmp_path, engine, clock, INVOICE_REQUIRED, SMALL_FILES)
    out = desk("@now 2026-11-23T14:00", f"bob@dm> [file invoice.jpg] [file {big}]")
    assert out.startswith("[reply] 已提交 FIN-1"), out
    reply = out.split("\n[to ", 1)[0]
    assert "invoice.jpg" in reply and "已添加到 FIN-1" in reply
    assert "scan.pdf 未添加：文件大小为 2 KB，服务台最多保存 1 KB 的文件。" in reply, reply
    assert stored(desk, "FIN-1")[1] == ["invoice.jpg"]


# --- an answer kept while its field changed --------------------------------------------------

def test_a_kept_choice_removed_from_the_config_is_quoted_and_asked_again(
        engine, clock, tmp_path):
    first = restart(tmp_path, engine, clock, MODEL_REQUIRED, REASON_REQUIRED)
    assert "Please give the Reason" in first("alice> /request it laptop model=mbp14")
    desk = restart(tmp_path, engine, clock, MODEL_REQUIRED, REASON_REQUIRED, MBP_REMOVED)
    out = desk("@now 2026-11-23T09:30", "alice> screen broken")
    assert out == (
        "[reply] The Laptop form changed after you answered it: your Model “mbp14” no longer "
        "fits, so I ask again.\n"
        "Model: “mbp14” is not an option; choose one of: ThinkPad X1 Carbon.\n\n"
        "Please choose the Model: ThinkPad X1 Carbon.\n"
        "  (button) ThinkPad X1 Carbon -> model=x1\n"
        "  (button) Cancel -> cancel\n"), out
    out = desk("alice> model=x1")
    assert "Opened IT-1" in out, out
    shown = desk("alice> /request show IT-1")
    assert "Model: ThinkPad X1 Carbon" in shown and "Reason: screen broken" in shown


def test_an_optional_kept_choice_removed_is_asked_again_and_may_be_skipped(
        engine, clock, tmp_path):
    first = restart(tmp_path, engine, clock, REASON_REQUIRED)
    assert "Please give the Reason" in first("alice> /request it laptop model=mbp14")
    desk = restart(tmp_path, engine, clock, REASON_REQUIRED, MBP_REMOVED)
    out = desk("@now 2026-11-23T09:30", "alice> screen broken")
    assert "Opened" not in out, out
    assert out.startswith("[reply] The Laptop form changed after you answered it: your Model "
                          "“mbp14” no longer fits, so I ask again."), out
    assert ("Please choose the Model: ThinkPad X1 Carbon.\nOr type `skip` to leave it out.\n"
            "  (button) ThinkPad X1 Carbon -> model=x1\n"
            "  (button) Skip -> skip\n") in out
    out = desk("alice> skip")
    assert out.startswith("[reply] Opened IT-1"), out
    assert "Left out: Model." in out.split("\n[to ", 1)[0]
    assert stored(desk, "IT-1")[0] == {"reason": "screen broken"}


def test_a_kept_text_whose_field_became_a_choice_is_asked_again(engine, clock, tmp_path):
    first = restart(tmp_path, engine, clock, MODEL_REQUIRED)
    assert "请选择型号" in first('bob> /request 信息 电脑 原因="屏幕坏了"')
    desk = restart(tmp_path, engine, clock, MODEL_REQUIRED, REASON_A_CHOICE)
    out = desk("@now 2026-11-23T09:30", "bob> x1")
    assert out.startswith(
        "[reply] 电脑表单在您填写后有所调整：您填写的原因“屏幕坏了”已不再适用，请重新填写。\n"
        "原因：没有“屏幕坏了”这个选项，请从中选择：损坏、太慢。\n\n"
        "请选择原因：损坏、太慢。\n也可输入“跳过”，不填此项。\n"), out
    out = desk("bob> 损坏")
    assert out.startswith("[reply] 已提交 IT-1"), out
    assert stored(desk, "IT-1")[0] == {"model": "x1", "reason": "broken"}
