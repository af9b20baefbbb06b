"""``away`` when nothing is handed over: the answer says "nothing pending" in words (no "—"),
and someone who approves nothing is told so, their delegate told plainly that nothing is
pending now; the absence is kept for an approval that comes before it ends."""

from __future__ import annotations

from tests.handlers.test_approval import company
from tests.handlers.test_sweep import messages_to

HENRY = 'name = "李华 Henry Li"               # Sales lead\n'


def test_someone_who_approves_nothing_is_told_so_and_so_is_the_delegate(
        tmp_path, engine, clock):
    desk = company(tmp_path, engine, clock)
    out = desk("bob> /request away until 2026-11-30 delegate carol")
    assert "您目前没有需要审批的事项，因此没有转交给 刘芳 Carol Liu 的审批" in out, out
    assert "—" not in out and "现已转给您" not in out
    told = messages_to(out, "carol")[0]
    assert "张伟 Bob Zhang 休假至 2026-11-30，指定您代为审批。对方目前没有需要审批的事项，" \
        "现在没有待审批的请求" in told
    english = desk("alice> /request away until 2026-11-30 delegate carol")
    assert "You are marked away until 2026-11-30 (end of day). You approve nothing at the " \
        "moment, so nothing was handed to 刘芳 Carol Liu" in english, english
    assert "—" not in english


def test_the_absence_is_kept_for_an_approval_that_comes_later(tmp_path, engine, clock):
    company(tmp_path, engine, clock)("bob> /request away until 2026-11-30 delegate carol")
    desk = company(tmp_path, engine, clock,  # restarted: bob is now alice's manager
                   lambda text: text.replace('manager = "henry"', 'manager = "bob"', 1))
    out = desk("alice> /request finance reimbursement amount=86 taxi")
    assert "张伟 Bob Zhang 休假中，由您代为审批" in messages_to(out, "carol")[0], out
    assert not messages_to(out, "bob")[1:], "bob hears only that carol decides for him"


def test_an_approver_with_nothing_pending_reads_nothing_pending(tmp_path, engine, clock):
    desk = company(tmp_path, engine, clock)
    out = desk("henry> /request 休假 至 2026-11-30 代理 grace")
    assert "已转交：暂无待审批。" in out and "—" not in out, out
    assert "李华 Henry Li 休假至 2026-11-30，期间由您代为审批。目前暂无待审批的请求" in \
        messages_to(out, "grace")[0]
    back = desk("henry> /request 销假")
    assert "目前没有待您审批的请求。" in back and "—" not in back


def test_in_english_too(tmp_path, engine, clock):
    desk = company(tmp_path, engine, clock,
                   lambda text: text.replace(HENRY, HENRY + 'locale = "en"\n', 1))
    out = desk("henry> /request away until 2026-11-30 delegate grace")
    assert "Handed over now: nothing pending." in out and "—" not in out, out
    back = desk("henry> /request back")
    assert "Nothing is waiting for you." in back and "—" not in back
