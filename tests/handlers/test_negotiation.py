"""Negotiating a feasible solution through the console: the desk proposes, the requester
accepts, declines or counters; the agreed date becomes the target the sweep follows."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, col, select

from storage import request_store
from storage.models import Event, NudgeClaim, Proposal, Request
from tests.conftest import local


def req(app, ref: str) -> Request:
    with Session(app.desk.engine) as s:
        row = request_store.by_ref(s, ref)
        assert row is not None
        return row


def proposals(app, ref: str) -> list[Proposal]:
    row = req(app, ref)
    with Session(app.desk.engine) as s:
        return list(s.exec(select(Proposal).where(Proposal.request_id == row.id)
                           .order_by(col(Proposal.id))))


def kinds(app, ref: str) -> list[str]:
    row = req(app, ref)
    with Session(app.desk.engine) as s:
        return [e.kind for e in s.exec(select(Event).where(Event.request_id == row.id)
                                       .order_by(col(Event.id)))]


def opened(chat) -> None:
    """Alice (English) asks Finance for cost accounting (no form, resolution in 5 business
    days) on Monday 23 Nov 09:00; Bob acknowledges at 09:30. The target: Friday 27 18:00."""
    chat("alice> /request finance cost accounting codes for the trade fair",
         "@now 2026-11-23T09:30", "bob> /request ack FIN-1")
    assert req(chat.app, "FIN-1").resolution_due == local("2026-11-27T18:00")


def test_propose_accept_makes_the_agreed_date_the_target_and_the_nudges_follow_it(chat):
    opened(chat)
    out = chat("@now 2026-11-23T10:00",
               "bob> /request propose FIN-1 2026-12-02 the budget reopens on the 1st; we pay "
               "on the 2nd")
    assert "[reply] 已将 FIN-1 的方案发给 王丽 Alice Wang" in out
    assert ("[to alice] 张伟 Bob Zhang (Finance) proposes for your request FIN-1 (codes for the "
            "trade fair): new target 2026-12-02 18:00") in out
    assert "the budget reopens on the 1st; we pay on the 2nd" in out
    assert "  (button) Accept -> /request accept FIN-1" in out
    assert "  (button) Decline… -> /request decline FIN-1 <why>" in out
    assert "  (button) Counter… -> /request counter FIN-1 <date> <comment>" in out
    assert ("[to #finance-requests] 张伟 Bob Zhang 向提单人提出方案："
            "新的完成时间 2026-12-02 18:00") in out
    row = req(chat.app, "FIN-1")
    assert row.paused_at == local("2026-11-23T10:00") and row.proposed_at == row.paused_at

    out = chat("@now 2026-11-23T11:00", "alice> /request accept FIN-1")
    assert "[reply] Agreed: FIN-1 is now due 2026-12-02 18:00" in out
    assert "[to bob] 王丽 Alice Wang 接受了 FIN-1（codes for the trade fair）的方案" in out
    assert "[to #finance-requests] 王丽 Alice Wang 接受了 FIN-1" in out
    row = req(chat.app, "FIN-1")
    assert row.resolution_due == local("2026-12-02T18:00")
    # the proposal paused the clock one business hour: the original target moved by it
    assert row.original_resolution_due == local("2026-11-30T10:00")
    assert row.paused_seconds == 3600 and row.paused_at is None and row.proposed_at is None
    assert (row.agreed_at, row.agreements) == (local("2026-11-23T11:00"), 1)
    (agreed,) = proposals(chat.app, "FIN-1")
    assert (agreed.state, agreed.decided_by, agreed.kind, agreed.round) == (
        "accepted", "alice", "desk", 1)
    assert agreed.decided_at == local("2026-11-23T11:00")
    assert kinds(chat.app, "FIN-1")[-2:] == ["proposed", "agreed"]

    # the original target passes quietly: nothing is due before the agreed one
    quiet = chat("@now 2026-11-27T17:00", "@now 2026-11-30T11:00", "@now 2026-12-01T16:00")
    assert "FIN-1" not in quiet
    # warned a quarter of the 5-day target before the agreed date (Dec 1 16:07:30), then
    # breached
    out = chat("@now 2026-12-01T16:10")
    assert "[to bob] 提醒" in out and "FIN-1" in out and "解决剩余" in out
    assert "FIN-1" not in chat("@now 2026-12-02T10:50")
    out = chat("@now 2026-12-03T09:01")
    assert "FIN-1" in out and "解决已超时" in out
    shown = chat("alice> /request show FIN-1")
    assert "Agreed 2026-11-23 11:00 (王丽 Alice Wang): resolution due 2026-12-02 18:00" in shown
    assert "the original target was 2026-11-30 10:00" in shown


def test_an_agreement_after_a_warning_gets_its_own_warning_once(chat):
    opened(chat)
    out = chat("@now 2026-11-26T16:10")  # 75% of the original target: Bob is warned
    assert "[to bob]" in out and "FIN-1" in out
    chat("@now 2026-11-26T16:30", "bob> /request propose FIN-1 3d we wait for the bank",
         "@now 2026-11-26T17:00", "alice> /request accept FIN-1")
    row = req(chat.app, "FIN-1")
    assert row.resolution_due == local("2026-12-01T16:30")  # 3 business days from 16:30
    assert "FIN-1" not in chat("@now 2026-11-26T17:30", "@now 2026-11-27T10:00")
    out = chat("@now 2026-11-30T14:40")  # the agreed target's own warning (14:37:30), once
    assert out.count("FIN-1") == 1 and "[to bob]" in out
    assert "FIN-1" not in chat("@now 2026-11-30T14:50")
    with Session(chat.app.desk.engine) as s:
        keys = sorted(k.key for k in s.exec(select(NudgeClaim)))
    assert any(":c0:finance:warn:resolution:" in k for k in keys)
    assert any(":c0a1:finance:warn:resolution:" in k for k in keys)


def test_decline_twice_keeps_the_target_and_tells_the_leads(chat):
    opened(chat)
    chat("@now 2026-11-23T10:00", "bob> /request propose FIN-1 2026-12-04 after the audit")
    out = chat("@now 2026-11-23T10:30", "alice> /request decline FIN-1")
    assert "[reply] Please say why you decline" in out
    assert proposals(chat.app, "FIN-1")[0].state == "pending"
    out = chat("alice> /request decline FIN-1 the conference is on the 1st")
    # Friday 18:00 + the half hour the proposal waited
    assert "[reply] You declined the proposal on FIN-1. The target moved by the time it " \
           "waited for your answer, from 2026-11-27 18:00 to 2026-11-30 09:30" in out
    assert "[to bob] 王丽 Alice Wang 拒绝了 FIN-1（codes for the trade fair）的方案：the " \
           "conference is on the 1st" in out
    assert "[to #finance-requests] 王丽 Alice Wang 拒绝了 FIN-1" in out
    assert "[to carol]" not in out  # one decline is the desk's business
    row = req(chat.app, "FIN-1")
    assert row.resolution_due == local("2026-11-30T09:30") and row.agreed_at is None
    assert row.original_resolution_due is None and row.paused_at is None

    chat("@now 2026-11-23T11:00", "bob> /request propose FIN-1 2026-11-30 half now, half later")
    out = chat("alice> /request 拒绝 FIN-1 still too late")
    assert "[to carol] FIN-1（codes for the trade fair）：王丽 Alice Wang 已拒绝财务部的 2 次方案" \
           in out
    assert "still too late" in out
    assert "(button) 提议… -> /request propose FIN-1" in out
    assert "/request accept FIN-1" not in out  # no counter-proposal waits: nothing to accept
    assert [(p.state, p.round, p.reason) for p in proposals(chat.app, "FIN-1")] == [
        ("declined", 1, "the conference is on the 1st"), ("declined", 2, "still too late")]


def test_counter_rounds_then_only_a_lead_decides(chat):
    opened(chat)
    chat("@now 2026-11-23T10:00", "bob> /request propose FIN-1 2026-12-04 after the audit")
    out = chat("alice> /request counter FIN-1 2026-12-01 I pay the fee on the 2nd")
    assert "[reply] Your counter-proposal on FIN-1 (new target 2026-12-01 18:00" in out
    assert ("[to #finance-requests] 王丽 Alice Wang 对 FIN-1（codes for the trade fair）"
            "提出反提议") in out
    assert "  (button) 接受对方日期 -> /request accept FIN-1" in out
    assert "  (button) 提议… -> /request propose FIN-1 <date> <text>" in out
    # a counter waits for the desk: the resolution clock runs again
    row = req(chat.app, "FIN-1")
    assert row.paused_at is None and row.proposed_at is None
    out = chat("alice> /request accept FIN-1")
    assert "Your counter-proposal on FIN-1 is with Finance" in out
    for day in ("2026-12-03", "2026-12-02"):  # rounds 2 and 3
        chat(f"bob> /request propose FIN-1 {day} a compromise",
             "alice> /request counter FIN-1 2026-12-01 no, the 1st please")
    out_lead = chat("@now 2026-11-23T10:05")
    assert "FIN-1" not in out_lead
    rows = proposals(chat.app, "FIN-1")
    assert [(p.kind, p.round, p.state) for p in rows] == [
        ("desk", 1, "countered"), ("requester", 1, "countered"),
        ("desk", 2, "countered"), ("requester", 2, "countered"),
        ("desk", 3, "countered"), ("requester", 3, "pending")]
    out = chat("bob> /request accept FIN-1")
    assert ("FIN-1 已协商 3 轮仍未达成一致："
            "现在只有财务部负责人（刘芳 Carol Liu）可以提议或接受") in out
    out = chat("bob> /request propose FIN-1 2026-12-02 final")
    assert "只有财务部负责人（刘芳 Carol Liu）可以提议或接受" in out
    assert proposals(chat.app, "FIN-1")[-1].state == "pending"
    out = chat("carol> /request accept FIN-1")
    assert "[reply] 已达成一致：FIN-1 的完成时间改为 2026-12-01 18:00" in out
    assert "[to alice] 刘芳 Carol Liu accepted your date for FIN-1" in out
    assert req(chat.app, "FIN-1").resolution_due == local("2026-12-01T18:00")


def test_the_leads_hear_when_the_last_round_is_countered(chat):
    opened(chat)
    chat("@now 2026-11-23T10:00", "bob> /request propose FIN-1 2026-12-04 after the audit")
    for day in ("2026-12-03", "2026-12-02"):
        chat("alice> /request counter FIN-1 2026-12-01 the 1st", f"bob> /request propose FIN-1 "
             f"{day} a compromise")
    out = chat("alice> /request counter FIN-1 2026-12-01 the 1st, really")
    assert ("[to carol] FIN-1（codes for the trade fair）："
            "已协商 3 轮仍未达成一致，现在由负责人决定") in out
    assert "[to bob]" in out  # the assignee hears the counter as usual


def test_a_desk_member_accepts_a_counter_in_an_early_round(chat):
    opened(chat)
    chat("@now 2026-11-23T10:00", "bob> /request propose FIN-1 2026-12-04 after the audit",
         "alice> /request counter FIN-1 3d before my trip")
    out = chat("bob> /request accept FIN-1")
    assert "[to alice] 张伟 Bob Zhang accepted your date for FIN-1" in out
    row = req(chat.app, "FIN-1")
    assert row.resolution_due == local("2026-11-26T10:00")  # 3 business days from 10:00
    assert row.original_resolution_due == local("2026-11-27T18:00")  # no pause: a counter


def test_lapse_after_three_business_days_over_a_holiday(chat):
    chat("@now 2026-04-03T09:00", "alice> /request finance cost accounting visa codes",
         "bob> /request ack FIN-1")
    assert req(chat.app, "FIN-1").resolution_due == local("2026-04-10T18:00")  # Qingming
    chat("@now 2026-04-03T17:00", "bob> /request propose FIN-1 2026-04-15 the bank is closed")
    quiet = chat("@now 2026-04-06T12:00", "@now 2026-04-07T16:50")
    assert "FIN-1" not in quiet
    out = chat("@now 2026-04-07T17:01")  # one business day: Friday's last hour + Tuesday
    assert "[to alice] Reminder: Finance is waiting for your answer on FIN-1" in out
    assert "  (button) Accept -> /request accept FIN-1" in out
    assert "FIN-1" not in chat("@now 2026-04-08T10:00", "@now 2026-04-09T16:50")
    out = chat("@now 2026-04-09T17:00")  # three business days after the proposal
    assert "[to alice] The proposal on your request FIN-1 (visa codes) lapsed without an " \
           "answer. The target moved by the time it waited for your answer, from " \
           "2026-04-10 18:00 to 2026-04-15 18:00" in out
    assert "[to #finance-requests] FIN-1（visa codes）：提单人 3个工作日内未答复方案" in out
    row = req(chat.app, "FIN-1")
    assert row.paused_seconds == int(timedelta(hours=22, minutes=30).total_seconds())
    assert row.resolution_due == local("2026-04-15T18:00") and row.agreed_at is None
    assert [p.state for p in proposals(chat.app, "FIN-1")] == ["lapsed"]
    assert "FIN-1" not in chat("@now 2026-04-10T17:00")  # lapsed once, nothing more
    assert kinds(chat.app, "FIN-1")[-1] == "proposal_lapsed"


def test_the_pause_is_exact_in_business_time_and_never_counted_twice(chat):
    chat("@now 2026-04-02T09:00", "alice> /request finance cost accounting visa codes",
         "bob> /request ack FIN-1")
    assert req(chat.app, "FIN-1").resolution_due == local("2026-04-09T18:00")
    # a question at 16:00, then a proposal at 17:00: one pause, from 16:00
    chat("@now 2026-04-03T16:00", "bob> /request wait FIN-1 which conference?",
         "@now 2026-04-03T17:00", "bob> /request propose FIN-1 2026-04-14 after the holiday")
    row = req(chat.app, "FIN-1")
    assert (row.state, row.paused_at) == ("in_progress", local("2026-04-03T16:00"))
    shown = chat("bob> /request show FIN-1")
    assert "方案（第 1 轮，等待 王丽 Alice Wang 答复）：新的完成时间 2026-04-14 18:00" in shown
    assert "（方案待答复，暂停计时；此为现在答复时的时限）" in shown
    # the weekend and the Qingming holiday (4-6 April) in between count nothing
    chat("@now 2026-04-07T10:00", "alice> /request accept FIN-1")
    row = req(chat.app, "FIN-1")
    assert row.paused_seconds == 3 * 3600  # Friday 16:00-18:00 and Tuesday 09:00-10:00
    assert row.original_resolution_due == local("2026-04-10T12:00")  # Thursday 18:00 + 3h
    assert row.resolution_due == local("2026-04-14T18:00")


def test_a_question_withdraws_a_pending_proposal_and_its_pause_ends(chat):
    opened(chat)
    chat("@now 2026-11-23T10:00", "bob> /request propose FIN-1 2026-12-04 after the audit",
         "@now 2026-11-23T11:00", "bob> /request wait FIN-1 is the 1st a hard date?")
    row = req(chat.app, "FIN-1")
    assert (row.state, row.paused_at, row.paused_seconds) == (
        "waiting", local("2026-11-23T11:00"), 3600)
    assert row.proposed_at is None
    assert proposals(chat.app, "FIN-1")[0].state == "withdrawn"
    out = chat("alice> /request accept FIN-1")
    assert "No proposal on FIN-1 is waiting for an answer." in out


def test_a_proposal_after_the_target_says_overdue_since(chat):
    opened(chat)
    out = chat("@now 2026-11-30T10:00", "bob> /request 提议 FIN-1 12-03 the codes come Thursday")
    assert "[to alice] 张伟 Bob Zhang (Finance) proposes for your request FIN-1 (codes for " \
           "the trade fair): new target 2026-12-03 18:00" in out
    assert "(the target passed: overdue since 2026-11-27 18:00) — the codes come Thursday" in out
    assert proposals(chat.app, "FIN-1")[0].overdue_since == local("2026-11-27T18:00")


def test_only_the_desk_proposes_and_only_the_requester_answers(chat):
    opened(chat)
    out = chat("kevin> /request propose FIN-1 2026-12-04 later")  # IT cannot even see it
    assert "I can't find request FIN-1" in out
    out = chat("alice> /request propose FIN-1 2026-12-04 later")
    assert "Only members of Finance may propose a new date or solution for FIN-1 (ask 刘芳 " \
           "Carol Liu). Nothing was changed." in out
    assert proposals(chat.app, "FIN-1") == []
    chat("bob> /request propose FIN-1 2026-12-04 after the audit")
    for who in ("bob", "carol", "root"):
        out = chat(f"{who}> /request accept FIN-1")
        assert "王丽 Alice Wang" in out and "FIN-1" in out
        assert ("只有提单人 王丽 Alice Wang 才能接受方案： FIN-1" in out
                or "Only the requester, 王丽 Alice Wang, may accept the proposal on FIN-1" in out)
    out = chat("bob> /request decline FIN-1 no")
    assert "只有提单人 王丽 Alice Wang 才能拒绝方案： FIN-1" in out
    out = chat("henry> /request counter FIN-1 2026-12-01 x")
    assert "找不到 FIN-1" in out
    (still,) = proposals(chat.app, "FIN-1")
    assert still.state == "pending"
    assert req(chat.app, "FIN-1").resolution_due == local("2026-11-27T18:00")


def test_bad_dates_are_refused_politely(chat):
    opened(chat)
    out = chat("bob> /request propose FIN-1 2026-13-40 soon")
    assert "无法把“2026-13-40”识别为日期" in out
    out = chat("bob> /request propose FIN-1 2026-11-20 yesterday")
    assert "“2026-11-20”（即 2026-11-20 18:00）已经过去" in out
    out = chat("bob> /request propose FIN-1 2026-11-22 on Sunday")  # by the Friday before
    assert "“2026-11-22”（即 2026-11-20 18:00）已经过去" in out, "what was typed, then its close"
    out = chat("bob> /request propose FIN-1 0d now")
    assert "无法把“0d”识别为日期" in out, "a length mistyped is not taken as the solution"
    out = chat("bob> /request propose FIN-1")
    assert "请写明方案：`/request 提议 FIN-1 <日期或 3d> <方案>`" in out
    chat("bob> /request propose FIN-1 a cheaper laptop would do")  # a solution, same date
    (only,) = proposals(chat.app, "FIN-1")
    assert (only.due_at, only.text) == (None, "a cheaper laptop would do")
    out = chat("alice> /request counter FIN-1 whenever")
    assert "I could not read “whenever” as a date" in out
    out = chat("alice> /request counter FIN-1")
    assert "Which date would work for you? `/request counter FIN-1 <date> [note]`" in out
    out = chat("alice> /request accept FIN-1")
    assert "Agreed: FIN-1 is now due 2026-11-27 18:00" in out


def test_the_negotiation_keys_are_read_and_checked(tmp_path):
    from bot.runtime import config as config_mod
    from handlers.sla import WorkTime
    from tests.conftest import EXAMPLE

    settings = config_mod.load(EXAMPLE)
    nudges = settings.service.nudges
    assert (nudges.proposal_reminder, nudges.proposal_lapse, nudges.proposal_rounds) == (
        WorkTime(days=1), WorkTime(days=3), 3)
    text = EXAMPLE.read_text(encoding="utf-8")
    for old, new in (('proposal_lapse = "3d"', 'proposal_lapse = "3 weeks"'),
                     ("proposal_rounds = 3", "proposal_rounds = 99")):
        assert old in text
        text = text.replace(old, new, 1)
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    try:
        config_mod.load(path)
    except config_mod.ConfigError as error:
        problems = {p.key: p.message for p in error.problems}
    else:
        raise AssertionError("the bad keys were accepted")
    assert set(problems) == {"nudges.proposal_lapse", "nudges.proposal_rounds"}
    assert "write e.g. \"30m\", \"2h\" or \"1d\"" in problems["nudges.proposal_lapse"]
    assert "use at most 10" in problems["nudges.proposal_rounds"]


def test_a_department_may_allow_fewer_rounds(chat, settings):
    import dataclasses

    from handlers.policy import NudgePolicy

    service = chat.app.desk.service
    chat.app.desk.service = dataclasses.replace(service, department_nudges={
        **service.department_nudges,
        "finance": dataclasses.replace(service.nudges_for("finance"), proposal_rounds=1)})
    assert isinstance(chat.app.desk.service.nudges_for("finance"), NudgePolicy)
    opened(chat)
    chat("@now 2026-11-23T10:00", "bob> /request propose FIN-1 2026-12-04 after the audit",
         "alice> /request counter FIN-1 2026-12-01 the 1st")
    out = chat("bob> /request accept FIN-1")
    assert "FIN-1 已协商 1 轮仍未达成一致" in out


def test_the_demo_shows_one_negotiation(chat):
    from bot.cli.demo import DEMO_SCRIPT

    out = chat(*DEMO_SCRIPT.splitlines())
    assert "[to alice] 张伟 Bob Zhang (Finance) proposes for your request FIN-2 (budget codes " \
           "for the trade fair): new target 2026-12-04 18:00" in out
    assert "  (button) Accept -> /request accept FIN-2" in out
    assert "[reply] Agreed: FIN-2 is now due 2026-12-04 18:00" in out
    assert "Agreed 2026-11-24 15:00 (王丽 Alice Wang): resolution due 2026-12-04 18:00; the " \
           "original target was 2026-12-01 15:00" in out


def test_lists_do_not_count_down_a_paused_target(chat):
    opened(chat)
    chat("@now 2026-11-23T10:00", "bob> /request propose FIN-1 2026-12-04 after the audit")
    out = chat("@now 2026-11-26T09:00", "bob> /request queue")
    line = next(x for x in out.splitlines() if "FIN-1" in x)
    assert "已超时" not in line and "剩余" not in line


def test_a_new_proposal_replaces_the_desks_own_and_the_pause_goes_on(chat):
    opened(chat)
    chat("@now 2026-11-23T10:00", "bob> /request propose FIN-1 2026-12-04 after the audit",
         "@now 2026-11-23T10:30", "carol> /request propose FIN-1 2026-12-02 we can do the 2nd")
    assert [(p.state, p.round, p.proposer_id) for p in proposals(chat.app, "FIN-1")] == [
        ("withdrawn", 1, "bob"), ("pending", 1, "carol")]
    row = req(chat.app, "FIN-1")
    assert (row.paused_at, row.proposed_at) == (local("2026-11-23T10:00"),
                                                 local("2026-11-23T10:30"))
    chat("@now 2026-11-23T11:00", "alice> /request accept FIN-1")
    row = req(chat.app, "FIN-1")
    assert row.paused_seconds == 3600 and row.resolution_due == local("2026-12-02T18:00")


def test_a_reopen_starts_a_fresh_target_without_the_old_agreement(chat):
    opened(chat)
    chat("bob> /request propose FIN-1 2026-12-02 later", "alice> /request accept FIN-1",
         "bob> /request resolve FIN-1 paid", "alice> /request reopen FIN-1 not received")
    row = req(chat.app, "FIN-1")
    assert (row.agreed_at, row.original_resolution_due, row.cycle) == (None, None, 1)
    assert row.resolution_due == local("2026-11-30T09:30")  # 5 business days from the reopen


def test_a_solution_starting_with_a_number_stays_a_solution(chat):
    opened(chat)
    out = chat("bob> /request propose FIN-1 2nd option: pay by transfer")
    assert "无法" not in out and "2nd option: pay by transfer" in out


def test_day_words_are_dates_in_a_proposal_and_a_counter(chat):
    opened(chat)  # Monday 2026-11-23, 09:30
    out = chat("bob> /request propose FIN-1 yesterday we could have done it")
    assert "“yesterday”（即 2026-11-20 18:00）已经过去" in out, "a past day word is refused"
    assert proposals(chat.app, "FIN-1") == []
    chat("bob> /request propose FIN-1 tomorrow after the bank run")
    (first,) = proposals(chat.app, "FIN-1")
    assert (first.due_at, first.text) == (local("2026-11-24T18:00"), "after the bank run")
    chat("alice> /request counter FIN-1 今天 I need it by tonight")
    countered = proposals(chat.app, "FIN-1")[-1]
    assert (countered.due_at, countered.text) == (local("2026-11-23T18:00"), "I need it by tonight")
