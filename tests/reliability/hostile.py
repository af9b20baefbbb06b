"""Hostile and random chat texts: Chinese and English commands mixed with control characters,
markup, mentions, SQL, invisible and bidirectional characters, and huge texts."""

from __future__ import annotations

import random

from hypothesis import strategies as st

PIECES = [
    # SQL and format strings
    "'; DROP TABLE request; --", "\" OR 1=1 --", "' OR ''='", "1; SELECT pg_sleep(10)",
    "%s%s%n", "{ref}", "{0}", "{{", "}}", "${jndi:ldap://x/a}", "%(name)s", "\\", "\\x00",
    # markup and mentions
    "<!channel>", "<!here>", "<!everyone>", "<@U0ROOT>", "<#C0GENERAL>", "<!subteam^S0123>",
    "<http://evil.example|click me>", "<script>alert(1)</script>", "<b>bold</b>", "&lt;&amp;",
    "*bold*", "_it_", "~strike~", "`code`", "```block```", "> quote", "[x](http://evil)",
    "@all", "@ALL", "@所有人", "<@all>", "<font color=\"warning\">红</font>",
    # invisible, bidirectional, odd
    "\u200b", "\u200c", "\u200d", "\ufeff", "\u2060", "\u202e", "\u202d", "\u200f", "\u200e",
    "\u061c", "\u2066", "\u2069", "\u00ad", "\u3000", "\ufffd", "\u0301",
    # control characters
    "\x01", "\x07", "\x08", "\x1b[31m", "\x7f", "\r\n", "\r", "\t", "\v", "\f", "\x85",
    "\u2028", "\u2029",
    # scripts and emoji
    "💥", "👨‍👩‍👧", "🏳️‍🌈", "𠀀", "ﷺ", "עברית", "العربية", "日本語", "한국어", "Ω≈ç√",
    "财务 报销 出租车 86元", "IT 电脑 坏了", "请尽快处理！！！", "谢谢",
    # ids and numbers
    "ＦＩＮ－１", "fin-1", "FIN-0", "FIN-1", "IT-1", "HR-2", "it-001", "FIN-99999999999999999999",
    "-1", "0", "NaN", "1e309", "null", "None", "true", "[]", "{}",
    # the grammar's own words
    "/request", "/suggest", "提单", "请求", "建议", "me", "我", "@now 2026-11-23T09:00", "#",
]
WORDS = [
    "help", "list", "queue", "show", "ack", "assign", "wait", "resume", "resolve", "confirm",
    "reopen", "cancel", "comment", "transfer", "rate", "snooze", "catalog",
    "帮助", "列表", "队列", "查看", "受理", "指派", "等待", "继续", "解决", "确认", "重开",
    "取消", "评论", "转交", "评分", "建议",
    "finance", "fin", "财务", "it", "tech", "信息部", "hr", "人事", "admin", "行政", "logistics",
    "reimbursement", "expense", "报销", "laptop", "电脑", "software", "training", "travel",
    "kevin", "bob", "alice", "carol", "1", "2", "3", "4", "5", "6", "P1", "P4", "urgent", "紧急",
]
PREFIXES = ["/request ", "/REQUEST ", "提单 ", "请求 ", "/suggest ", "", "/", " /request\t",
            "／request ", "/request\u3000", "/request  ", "建议 "]
REF_PREFIXES = ["FIN", "IT", "HR", "ADM", "LOG", "fin", "it", "Fin", "XX", "ＦＩＮ"]
OPENS = ["finance reimbursement", "it laptop", "财务 报销", "hr training", "信息部 电脑",
         "admin travel", "logistics shipment", "fin expense", "tech software", "行政 出差",
         "sales contract", "质量 投诉", "maintenance repair P1", "it account 紧急"]
VERBS = ["ack", "assign", "wait", "resume", "resolve", "confirm", "reopen", "cancel", "comment",
         "transfer", "rate", "show", "snooze", "受理", "解决", "确认", "评论", "评分", "转交"]
ACTORS = ["alice", "henry", "emma", "bob", "carol", "kevin", "dave", "mia", "nick", "leo",
          "root", "grace", "fuzz-newcomer", "新同事"]
NUL = "\x00"
LONE_SURROGATES = ["\ud800", "\udfff", "a\udc80b"]  # in-process only: not encodable for HTTP


def _alphabet(nul: bool) -> st.SearchStrategy[str]:
    """Any character, lone surrogates included (a JSON ``\\ud800`` escape in a Slack
    payload decodes to one); NUL optional."""
    chars = st.characters()
    return chars if nul else chars.filter(lambda c: c != NUL)


def texts(nul: bool = True) -> st.SearchStrategy[str]:
    """Chat lines: mostly command-shaped, some random, a few huge (up to 100 KB)."""
    alphabet = _alphabet(nul)
    refs = st.builds(lambda p, n: f"{p}-{n}", st.sampled_from(REF_PREFIXES),
                     st.one_of(st.integers(0, 40), st.integers(-10, 10**30)))
    pieces = [p for p in PIECES + LONE_SURROGATES if nul or NUL not in p]
    word = st.one_of(st.sampled_from(pieces), st.sampled_from(WORDS), refs,
                     st.text(alphabet, max_size=12))
    shaped = st.builds(lambda pre, ws, sep: pre + sep.join(ws), st.sampled_from(PREFIXES),
                       st.lists(word, max_size=8), st.sampled_from([" ", " ", " ", "", "\n"]))
    junk = st.lists(word, max_size=5).map(" ".join)
    opens = st.builds(lambda pre, what, rest: f"{pre}{what} {rest}",
                      st.sampled_from(["/request ", "提单 ", "请求 "]), st.sampled_from(OPENS),
                      junk)
    real_ref = st.builds(lambda p, n: f"{p}-{n}", st.sampled_from(["FIN", "IT", "HR", "ADM",
                                                                   "LOG", "fin", "it"]),
                         st.integers(1, 25))
    acts = st.builds(lambda verb, ref, rest: f"/request {verb} {ref} {rest}",
                     st.sampled_from(VERBS), real_ref, junk)
    free = st.text(alphabet, max_size=300)
    huge = st.builds(lambda pre, unit, n: (pre + unit * n)[:100_000], st.sampled_from(PREFIXES),
                     st.one_of(st.sampled_from(pieces), st.text(alphabet, min_size=1,
                                                                max_size=8)),
                     st.integers(500, 60_000))
    return st.one_of(opens, opens, opens, acts, acts, acts, acts, shaped, shaped, shaped,
                     free, free, huge)


def random_text(rng: random.Random, nul: bool = True, max_len: int = 100_000) -> str:
    """The same kinds of lines from a seeded generator (for the HTTP part)."""
    pieces = [p for p in PIECES if nul or NUL not in p]
    roll = rng.random()
    if roll < 0.05:
        unit = rng.choice(pieces)
        return (rng.choice(PREFIXES) + unit * rng.randint(100, 20_000))[:max_len]
    if roll < 0.2:
        return "".join(chr(rng.choice([rng.randint(32, 0x2FF), rng.randint(0x4E00, 0x9FFF),
                                       rng.randint(0x1F300, 0x1F6FF), rng.randint(1, 31)]))
                       for _ in range(rng.randint(0, 120)))
    words = []
    if roll < 0.45:
        words.append(rng.choice(OPENS))
    elif roll < 0.7:
        words += [rng.choice(VERBS), f"{rng.choice(['FIN', 'IT', 'HR'])}-{rng.randint(1, 20)}"]
    for _ in range(rng.randint(0, 8)):
        kind = rng.random()
        if kind < 0.4:
            words.append(rng.choice(pieces))
        elif kind < 0.8:
            words.append(rng.choice(WORDS))
        else:
            words.append(f"{rng.choice(REF_PREFIXES)}-{rng.randint(0, 40)}")
    text = rng.choice(PREFIXES) + " ".join(words)
    return text if nul else text.replace(NUL, "")
