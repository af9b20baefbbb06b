"""A chat form waits for an answer when the operator removes its whole service (or its
department) from config.toml and restarts: the answer, what the form kept and its files are
given back and held, never dropped, and the person is told what to type instead."""

from __future__ import annotations

from sqlmodel import Session, select

from storage.models import FormDraft, HeldMessage
from tests.conftest import EXAMPLE, Transcript
from tests.handlers.test_config_change import restart
from tests.handlers.test_form_question_removed import stored


def cut(start: str, end: str) -> tuple[str, str]:
    """An edit removing config.example.toml's text from ``start`` up to ``end``."""
    text = EXAMPLE.read_text(encoding="utf-8")
    at = text.index(start)
    return text[at:text.index(end, at + len(start))], ""


HR = '[[departments]]\nkey = "hr"'
LEAVE = '[[departments.categories]]\nkey = "leave-certificate"'
LEAVE_REMOVED = cut(LEAVE, "[[departments]]")  # the service, fields and all
HR_REMOVED = cut(HR, '[[departments]]\nkey = "it"')  # the department, services and all
HR_LEFT_LEAVE_TO_LOGISTICS = cut(HR, LEAVE)  # its last service now under Logistics
LEAVE_RENAMED = ('key = "leave-certificate"', 'key = "leave-letter"')


def held_rows(desk: Transcript) -> list[HeldMessage]:
    with Session(desk.app.desk.engine) as s:
        return list(s.exec(select(HeldMessage).order_by(HeldMessage.id)))  # type: ignore[arg-type]


def no_draft(desk: Transcript, person: str) -> bool:
    with Session(desk.app.desk.engine) as s:
        return s.get(FormDraft, person) is None


def started(desk: Transcript, *lines: str) -> None:
    """Start a leave-certificate form and answer its first question."""
    out = desk(*lines)
    assert "[error]" not in out and ("Last day" in out or "结束日期" in out), out


def test_a_removed_service_gives_back_the_form_and_keeps_its_files(engine, clock, tmp_path):
    first = restart(tmp_path, engine, clock)
    started(first, "alice> /request hr leave-certificate for the visa office !urgent",
            "alice> 2026-12-21")
    desk = restart(tmp_path, engine, clock, LEAVE_REMOVED)
    out = desk("@now 2026-11-23T10:30",
               "alice@dm> 2026-12-24 [file approval.pdf] [file viewer.exe]")
    assert out.startswith(
        "[reply] HR no longer offers leave-certificate: it was taken off the list while you were "
        "filling in its form, so nothing was opened.\n"
        "Nothing you sent is lost. What you gave, by question:\n"
        "• Details: for the visa office\n"
        "• first_day: 2026-12-21\n"
        "• last_day: 2026-12-24\n"
        "I kept all of it, with approval.pdf, as message 1: once your new request is open, type "
        "`/request add <ID> 1` to add it there.\n"
        "viewer.exe was not attached: files of type"), out
    assert out.endswith(
        "HR now offers: Recruitment, Training, Onboarding, Complaint. To ask for one, send "
        "`/request hr <service> for the visa office first_day=2026-12-21 last_day=2026-12-24 "
        "!urgent` with that service in place of <service>.\n"), out
    assert no_draft(desk, "alice")
    [row] = held_rows(desk)
    assert row.text == ("Details: for the visa office\nfirst_day: 2026-12-21\n"
                        "last_day: 2026-12-24")
    assert [f["name"] for f in row.files] == ["approval.pdf"]
    assert "Opened HR-1" in desk("alice> /request hr training visa letter")
    out = desk("alice> /request add HR-1 1")
    assert "Comment added to HR-1" in out and "approval.pdf" in out
    assert stored(desk, "HR-1")[1] == ["approval.pdf"]
    shown = desk("mia> /request show HR-1")
    assert "first_day: 2026-12-21" in shown and "last_day: 2026-12-24" in shown


def test_a_renamed_service_is_offered_with_the_answers_ready_to_send(engine, clock, tmp_path):
    first = restart(tmp_path, engine, clock)
    started(first, "alice> /request hr leave-certificate for the visa office",
            "alice> 2026-12-21")
    desk = restart(tmp_path, engine, clock, LEAVE_RENAMED)
    out = desk("@now 2026-11-23T15:30", "alice> 12-24")
    command = "/request hr leave-letter for the visa office first_day=2026-12-21 last_day=12-24"
    assert ("To ask HR for Leave certificate instead, send (change what you like): "
            f"`{command}`") in out, out
    assert "I kept all of it as message 1" in out
    out = desk(f"alice> {command}")
    assert "Opened HR-1: Leave certificate for HR" in out, out
    shown = desk("alice> /request show HR-1")
    assert "First day: 2026-12-21" in shown and "Last day: 2026-12-24" in shown


def test_a_removed_department_lists_the_departments_there_are_now(engine, clock, tmp_path):
    first = restart(tmp_path, engine, clock)
    started(first, "bob> /request 人力 休假证明 签证", "bob> 12月21日")
    desk = restart(tmp_path, engine, clock, HR_REMOVED)
    out = desk("@now 2026-11-23T11:00", "bob> 12月24日")
    assert out.startswith(
        "[reply] hr 已不再是服务台的部门：您填写其 leave-certificate 表单期间该部门已被移除，"
        "因此未提交任何请求。\n您发送的内容不会丢失。您填写的内容如下：\n"
        "• 说明: 签证\n• first_day: 2026-12-21\n• last_day: 12月24日\n"
        "以上内容已保存为消息 1：新请求提交后，输入 `/request 加入 <单号> 1` 即可添加到该请求。\n"
        "现有部门：财务部、"), out
    assert ("。如需申请，请发送 `/request <部门> <服务> 签证 first_day=2026-12-21 "
            "last_day=12月24日`，并换成实际的部门和服务") in out
    assert "人力资源部" not in out and "信息技术部" in out
    assert no_draft(desk, "bob")


def test_a_service_whose_department_left_is_offered_where_it_is_now(engine, clock, tmp_path):
    first = restart(tmp_path, engine, clock)
    started(first, "alice> /request hr leave-certificate visa", "alice> 2026-12-21")
    desk = restart(tmp_path, engine, clock, HR_LEFT_LEAVE_TO_LOGISTICS)
    out = desk("alice> 2026-12-24")
    assert out.startswith("[reply] hr is no longer a department here"), out
    assert ("To ask Logistics for Leave certificate instead, send (change what you like): "
            "`/request logistics leave-certificate visa first_day=2026-12-21 "
            "last_day=2026-12-24`") in out, out
    assert "Opened LOG-1: Leave certificate for Logistics" in desk(
        "alice> /request logistics leave-certificate visa first_day=2026-12-21 "
        "last_day=2026-12-24")
