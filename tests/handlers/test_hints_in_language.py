"""A reply that says what to type names the subcommand in the person's words: 取消 for a
Chinese speaker, cancel for an English one (both work everywhere)."""

from __future__ import annotations


def test_what_to_type_uses_the_persons_words(chat):
    out = chat("@now 2026-11-23T09:00", "henry> /request 取消", "alice> /request cancel",
               "henry> /request 评论 FIN-1")
    assert "请指明哪一个请求：输入 `/request 取消 <单号>`，例如 `/request 取消 SAL-12`。" in out
    assert "Which request? Type `/request cancel <ID>`, e.g. `/request cancel SAL-12`." in out
    assert "`/request 评论 FIN-1 <内容>`" in out
    assert "`/request cancel <单号>`" not in out


def test_what_to_type_after_the_id_is_what_the_commands_button_asks_for(chat):
    out = chat("@now 2026-11-23T09:00", "henry> /request 财务 报销 出租车 86元",
               "bob> /request 等待 FIN-1", "bob> /request 解决 FIN-1", "henry> /request 重开 FIN-1",
               "alice> /request wait FIN-1")
    assert "`/request 等待 FIN-1 <问题>`" in out
    assert "`/request 解决 FIN-1 <说明>`" in out
    assert "`/request 重开 FIN-1 <原因>`" in out
    assert "`/request wait FIN-1 <question>`" in out
    assert "<内容>" not in out
