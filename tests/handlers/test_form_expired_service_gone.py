"""A chat form left unfinished for a day while the operator renamed or removed its service (or
its department): the owner is told it expired and pointed, as ``form_gone`` points, to what
exists now (never to the old service's command, which no longer works)."""

from __future__ import annotations

from storage.models import FormDraft
from tests.conftest import local
from tests.handlers.test_config_change import restart
from tests.handlers.test_form_chat import rows
from tests.handlers.test_form_service_removed import (
    HR_LEFT_LEAVE_TO_LOGISTICS,
    HR_REMOVED,
    LEAVE_REMOVED,
    LEAVE_RENAMED,
    started,
)

EXPIRED = ("Your leave-certificate form was not finished within a day, so I dropped it; "
           "nothing was opened. ")


def test_the_sweep_points_to_the_renamed_service_and_its_command_works(
        engine, clock, tmp_path):
    first = restart(tmp_path, engine, clock)
    started(first, "alice> /request hr leave-certificate for the visa office",
            "alice> 2026-12-21")
    desk = restart(tmp_path, engine, clock, LEAVE_RENAMED)
    assert desk("@now 2026-11-24T08:59") == ""  # not yet a day
    out = desk("@now 2026-11-24T09:01")
    assert out == (
        f"[to alice] {EXPIRED}HR no longer offers leave-certificate: it was taken off the list "
        "meanwhile.\nTo ask HR for Leave certificate instead, send (change what you like): "
        "`/request hr leave-letter`\n"), out
    assert rows(desk, FormDraft) == []
    assert desk("@now 2026-11-24T10:00") == ""  # told once
    out = desk("alice> /request hr leave-letter visa from=12-21 to=12-24")
    assert "Opened HR-1: Leave certificate for HR" in out, out


def test_the_sweep_lists_the_departments_services_when_the_service_went(
        engine, clock, tmp_path):
    first = restart(tmp_path, engine, clock)
    started(first, "alice> /request hr leave-certificate visa", "alice> 2026-12-21")
    desk = restart(tmp_path, engine, clock, LEAVE_REMOVED)
    out = desk("@now 2026-11-24T09:30")
    assert out == (
        f"[to alice] {EXPIRED}HR no longer offers leave-certificate: it was taken off the list "
        "meanwhile.\nHR now offers: Recruitment, Training, Onboarding, Complaint. To ask for "
        "one, send `/request hr <service>` with that service in place of <service>.\n"), out


def test_the_sweep_lists_the_departments_in_chinese_when_the_department_went(
        engine, clock, tmp_path):
    first = restart(tmp_path, engine, clock)
    started(first, "bob> /request 人力 休假证明 签证", "bob> 12月21日")
    desk = restart(tmp_path, engine, clock, HR_REMOVED)
    out = desk("@now 2026-11-24T09:30")
    assert out.startswith(
        "[to bob] 您的leave-certificate表单一天内未填完，已作废，未提交任何请求。hr 已不再是服务台"
        "的部门：该部门已在此期间被移除。\n现有部门：财务部、"), out
    assert out.endswith("如需申请，请发送 `/request <部门> <服务>`，并换成实际的部门和服务"
                        "（输入 `/request <部门>` 可查看其服务）。\n"), out
    assert "人力资源部" not in out and "/request hr leave-certificate" not in out


def test_an_answer_after_expiry_points_where_the_service_went(engine, clock, tmp_path):
    """The person answers after the day is up but before the sweep ran: the same pointer."""
    first = restart(tmp_path, engine, clock)
    started(first, "alice> /request hr leave-certificate visa", "alice> 2026-12-21")
    desk = restart(tmp_path, engine, clock, HR_LEFT_LEAVE_TO_LOGISTICS)
    clock.set(local("2026-11-24T09:30"))  # no sweep yet
    out = desk("alice> 2026-12-24")
    assert out == (
        f"[reply] {EXPIRED}hr is no longer a department here: it was taken off the list "
        "meanwhile.\nTo ask Logistics for Leave certificate instead, send (change what you "
        "like): `/request logistics leave-certificate`\n"), out
    assert rows(desk, FormDraft) == []
