"""``skip``/``跳过`` in a chat form leaves out the optional field asked, and is never an answer:
typed for a required field it is asked again (as ``cancel`` is never a value), and clicked for
a question the operator removed meanwhile nothing is kept in its name. (The config refuses a
field or choice so named: tests/bot/runtime/test_config_skip_word.py.)"""

from __future__ import annotations

from storage.models import FormDraft
from tests.handlers.test_config_change import restart
from tests.handlers.test_form_answers_kept import MBP_REMOVED, REASON_REQUIRED
from tests.handlers.test_form_chat import rows
from tests.handlers.test_form_question_removed import block, stored

MODEL = block('[[departments.categories.fields]]\nkey = "model"')


def test_skip_typed_for_a_required_field_is_no_answer(engine, clock, tmp_path):
    desk = restart(tmp_path, engine, clock, REASON_REQUIRED)
    assert "Please give the Reason" in desk("alice> /request it laptop model=x1")
    out = desk("alice> skip")
    assert out == (
        "[reply] Reason is needed for this request, so it cannot be left out; please give it, "
        "or type `cancel` to stop.\n\n"
        "Please give the Reason, e.g. new hire, screen broken, too slow for builds.\n"
        "  (button) Cancel -> cancel\n"), out
    [draft] = rows(desk, FormDraft)
    assert draft.asking == "reason" and "reason" not in draft.values
    assert "Opened IT-1" in desk("alice> screen broken")
    assert stored(desk, "IT-1")[0] == {"model": "x1", "reason": "screen broken"}


def test_skip_typed_in_chinese_for_a_required_field_is_asked_again(engine, clock, tmp_path):
    desk = restart(tmp_path, engine, clock, REASON_REQUIRED)
    assert "请填写原因" in desk("bob> /request 信息 电脑 型号=x1")
    out = desk("bob> 跳过")
    assert out.startswith("[reply] 原因是此请求的必填项，不能跳过；请填写，或输入“取消”停止填写。"
                          "\n\n请填写原因"), out
    assert rows(desk, FormDraft)[0].values == {"model": "x1"}


def test_skip_for_a_question_removed_meanwhile_keeps_no_answer(engine, clock, tmp_path):
    first = restart(tmp_path, engine, clock, REASON_REQUIRED)
    first("alice> /request it laptop model=mbp14")
    second = restart(tmp_path, engine, clock, REASON_REQUIRED, MBP_REMOVED)
    assert "  (button) Skip -> skip\n" in second("alice> screen broken")  # Model asked again
    desk = restart(tmp_path, engine, clock, REASON_REQUIRED, MODEL)
    out = desk("alice> skip")  # its Skip button, clicked after the Model field went
    assert out.startswith(
        "[reply] The Laptop form changed while you were filling it in: the question I asked "
        "last is no longer on it.\nOpened IT-1"), out
    assert "“skip”" not in out and "is kept with IT-1" not in out, out
    assert stored(desk, "IT-1")[0] == {"reason": "screen broken"}
