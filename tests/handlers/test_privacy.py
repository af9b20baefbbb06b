"""Nothing leaks, through the console: anonymous suggestions however the mark is typed,
confidential services, and replies that never echo huge input back."""

from __future__ import annotations

import re

import pytest


@pytest.mark.parametrize("mark", [
    "--anon", "—anon", "–anon", "-anon", "－－anon", "−anon", "--anonymous", "匿名", "【匿名】",
    "—匿名",
])
@pytest.mark.parametrize("where", ["before", "after", "end"])
def test_every_way_of_typing_anon_hides_the_name(chat, mark, where):
    line = {"before": f"alice> /suggest {mark} finance please accept e-invoices",
            "after": f"alice> /suggest finance {mark} please accept e-invoices",
            "end": f"alice> /suggest finance please accept e-invoices {mark}"}[where]
    out = chat(line)
    reply, _, to_lead = out.partition("[to carol]")
    assert "your name is hidden" in reply
    assert "财务部收到 匿名同事 的建议 #1：" in to_lead
    assert "Alice" not in to_lead and "王丽" not in to_lead
    assert "anon" not in to_lead.split("：", 1)[1], "the mark is not part of the text"


def test_a_named_suggestion_says_the_name_was_shown(chat):
    out = chat("alice> /suggest finance please accept e-invoices")
    reply, _, to_lead = out.partition("[to carol]")
    assert "with your name shown" in reply and "--anon" in reply
    assert "财务部收到 王丽 Alice Wang 的建议 #1：" in to_lead
    out = chat("henry> /suggest finance 希望支持电子发票")
    assert "已实名转达" in out and "如需匿名" in out


def test_a_bare_english_word_is_text_not_a_mark(chat):
    out = chat("alice> /suggest finance anon feedback box please")
    assert "with your name shown" in out
    assert "anon feedback box please" in out.partition("[to carol]")[2]


def blocks(out: str, target: str) -> list[str]:
    """The messages in ``out`` addressed to ``target`` (e.g. 'grace' or '#hr-requests')."""
    return [b for b in re.split(r"\n(?=\[)", out) if b.startswith(f"[to {target}]")]


SECRETS = ("shouts", "Tom", "salaries", "王丽", "Alice", "李华", "Henry")
HR_STORY = [
    "@now 2026-11-16T09:00",
    "alice> /request hr complaint my manager Tom shouts at me",
    "henry> /request hr complaint a colleague leaks salaries",
    "mia> /request resolve HR-2 talked to them",
    "henry> /request confirm HR-2",
    "henry> /request rate HR-2 4 Tom was finally spoken to",
]


def test_a_confidential_request_never_shows_its_details_in_a_channel(chat):
    opened = chat(*HR_STORY)
    [root] = blocks(opened, "#hr-requests")[:1]
    assert "新的保密请求 HR-1" in root and "/request 查看 HR-1" in root
    assert "仅提单人、人力资源部成员和管理员可用" in root, "it says who may open it"
    assert "(button) 受理 -> /request ack HR-1" in root, "the desk can still take it"
    assert "[to alice] Your request HR-1 to HR is registered: my manager Tom" in opened
    later = chat("@now 2026-11-16T14:31", "@now 2026-11-16T15:31",  # HR-1 unanswered:
                 "@now 2026-11-17T10:00")  # breach, escalation to the lead, then her manager
    escalated = [b for b in blocks(later, "grace") + blocks(later, "mia") if "升级" in b]
    assert len(escalated) == 2 and all("HR-1 （保密）" in b for b in escalated)
    digest = chat("@now 2026-11-23T09:31")
    [hr_digest] = [b for b in blocks(digest, "#hr-requests") if "2026-W47" in b]
    assert "HR-1 （保密）" in hr_digest, "the id and the counts only"
    everything = "\n".join(blocks(opened + later + digest, "#hr-requests") + escalated)
    for word in SECRETS:
        assert word not in everything, word


def test_only_the_requester_the_desk_and_admins_may_open_a_confidential_request(chat):
    chat(*HR_STORY[:2])
    refused = chat("bob> /request show HR-1")
    assert "HR-1 为保密请求：仅提单人、人力资源部成员和管理员可以查看" in refused
    assert "shouts" not in refused
    assert "shouts" not in chat("bob> /request comment HR-1 what happened?")
    for reader in ("alice", "nick", "mia", "root"):
        assert "my manager Tom shouts at me" in chat(f"{reader}> /request show HR-1"), reader


def test_a_service_not_marked_confidential_is_shown_as_before(chat):
    out = chat("alice> /request hr training excel course")
    [root] = blocks(out, "#hr-requests")
    assert "excel course" in root and "保密" not in root


HUGE = "x" * 900_000


@pytest.mark.parametrize("line", [
    f"alice> /request {HUGE}",
    f"alice> /request finance {HUGE}",
    f"alice> /request transfer FIN-1 {HUGE}",
    f"alice> /suggest {HUGE} more",
    f"alice> /request queue {HUGE}",
    f"carol> /request assign FIN-1 {HUGE}",
])
def test_a_reply_quotes_at_most_a_short_excerpt_of_huge_input(chat, line):
    chat("alice> /request finance reimbursement taxi 86 CNY")
    out = chat(line)
    assert len(out) < 2_000, f"{len(out)} characters came back"
    assert "x" * 200 + "…" in out and "x" * 201 not in out


@pytest.mark.parametrize("line", [
    "alice> /request finance reimbursement amount=86 {text}",
    "alice> /request comment FIN-1 {text}",
    "alice> /suggest finance {text}",
])
def test_text_over_the_limit_is_refused_saying_the_limit(chat, line):
    chat("alice> /request finance reimbursement taxi 86 CNY")
    out = chat(line.format(text="长" * 4_001))
    assert "limit is 4000" in out and "Nothing was saved" in out
    assert len(out) < 500 and "FIN-2" not in out
    assert "[to" not in out, "nobody is told of it"
    assert "limit is" not in chat(line.format(text="长" * 4_000)), "4000 characters are fine"
