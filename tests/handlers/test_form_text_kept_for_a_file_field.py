"""A chat form kept a typed answer for a field the operator then made a ``file`` field: the
text is no file. The person is asked for the file, their earlier text quoted, and the request
opens with the file they send (or, the field being optional, without it when they skip)."""

from __future__ import annotations

from tests.handlers.test_config_change import restart
from tests.handlers.test_form_answers_kept import MODEL_REQUIRED
from tests.handlers.test_form_question_removed import stored

REASON_TEXT = ('type = "long_text"\nmax_length = 500\n'
               'hint = "new hire, screen broken, too slow for builds"\n'
               'hint_zh = "新员工、屏幕损坏、编译太慢"')
REASON_A_FILE = (REASON_TEXT, 'type = "file"\nhint = "a photo of the screen"\n'
                 'hint_zh = "屏幕照片"')
REASON_A_REQUIRED_FILE = (REASON_TEXT, 'type = "file"\nrequired = true\n'
                          'hint = "a photo of the screen"\nhint_zh = "屏幕照片"')


def test_a_kept_text_is_quoted_and_the_file_asked_for(engine, clock, tmp_path):
    first = restart(tmp_path, engine, clock, MODEL_REQUIRED)
    assert "Please choose the Model" in first('alice> /request it laptop reason="screen broken"')
    desk = restart(tmp_path, engine, clock, MODEL_REQUIRED, REASON_A_FILE)
    out = desk("@now 2026-11-23T09:30", "alice> x1")
    assert out == (
        "[reply] The Laptop form changed after you answered it: your Reason “screen broken” "
        "no longer fits, so I ask again.\n"
        "Reason is a file: please send it in this chat instead of typing.\n\n"
        "Please send the Reason here as a file (a photo of the screen).\n"
        "Or type `skip` to leave it out.\n"
        "  (button) Skip -> skip\n"
        "  (button) Cancel -> cancel\n"), out
    out = desk("alice@dm> [file screen.jpg]")
    assert out.startswith("[reply] Opened IT-1: Laptop for IT"), out
    assert stored(desk, "IT-1") == ({"model": "x1", "reason": "screen.jpg"}, ["screen.jpg"])


def test_an_optional_file_field_may_be_skipped_and_the_text_is_not_its_file(
        engine, clock, tmp_path):
    first = restart(tmp_path, engine, clock, MODEL_REQUIRED)
    first('alice> /request it laptop reason="screen broken"')
    desk = restart(tmp_path, engine, clock, MODEL_REQUIRED, REASON_A_FILE)
    assert "your Reason “screen broken” no longer fits" in desk("alice> x1")
    out = desk("alice> skip")
    assert out.startswith("[reply] Opened IT-1"), out
    assert "Left out: Reason." in out.split("\n[to ", 1)[0]
    assert stored(desk, "IT-1") == ({"model": "x1"}, [])


def test_a_required_file_field_takes_no_text_in_chinese(engine, clock, tmp_path):
    first = restart(tmp_path, engine, clock, MODEL_REQUIRED)
    assert "请选择型号" in first('bob> /request 信息 电脑 原因="屏幕坏了"')
    desk = restart(tmp_path, engine, clock, MODEL_REQUIRED, REASON_A_REQUIRED_FILE)
    out = desk("@now 2026-11-23T09:30", "bob> x1")
    assert out.startswith(
        "[reply] 电脑表单在您填写后有所调整：您填写的原因“屏幕坏了”已不再适用，请重新填写。\n"
        "原因是文件：请直接在对话中发送文件，不要输入文字。\n\n"
        "请在此发送原因文件（屏幕照片）。\n  (button) 取消 -> cancel\n"), out
    out = desk("bob> 屏幕坏了")
    assert "已提交" not in out and "请在此发送原因文件" in out, out
    out = desk("bob@dm> [file 屏幕.jpg]")
    assert out.startswith("[reply] 已提交 IT-1"), out
    assert stored(desk, "IT-1") == ({"model": "x1", "reason": "屏幕.jpg"}, ["屏幕.jpg"])

