"""The chat and posted scorecard number only the scored desks, as `crossdesk report` does:
a desk with no rating or no target due follows them under a dash, with the line saying why."""

from __future__ import annotations

from tests.handlers.test_digest_week_history import BOTH_ON_TIME_ONE_RATED

# Finance answers FIN-1 on time, nobody rates it: something to show, no score, in any week.
NOBODY_RATES = [
    "@now 2026-11-16T09:00", "henry> /request finance cash advance trip",
    "bob> /request ack FIN-1",
    "@now 2026-11-16T10:00", "bob> /request resolve FIN-1 paid", "henry> /request confirm FIN-1",
]


def _card(out: str) -> list[str]:
    """The last scorecard's lines (a tick may have posted one before): title to the end."""
    lines = out.splitlines()
    last = max(i for i, line in enumerate(lines) if "🏆" in line)
    return lines[last:]


def test_an_unscored_desk_gets_a_dash_not_a_rank(chat):
    chat(*BOTH_ON_TIME_ONE_RATED)
    card = _card(chat("@now 2026-11-23T10:00", "root> /request scorecard"))
    assert any(line.startswith("1. IT: ") and "score 87.5" in line for line in card), card
    finance = next(line for line in card if "Finance:" in line)
    assert finance.startswith("— Finance: ") and finance.endswith("· not scored"), card
    assert not any(line.startswith("2.") for line in card), card
    zh = _card(chat("henry> /request scorecard"))
    assert any(line.startswith("1. 信息技术部：") for line in zh), zh
    assert any(line.startswith("— 财务部：") and line.endswith("· 不计分") for line in zh), zh


def test_a_week_with_no_score_at_all_numbers_nothing(chat):
    chat(*NOBODY_RATES)
    card = _card(chat("@now 2026-11-23T10:00", "henry> /request scorecard"))
    assert not any(line[:1].isdigit() for line in card), card  # was "1. 财务部：1 个请求 …"
    assert any(line.startswith("— 财务部：1 个请求") for line in card), card
    assert "不计分：财务部" in "\n".join(card)


def test_the_posted_scorecard_numbers_only_the_scored_desks(chat):
    chat(*BOTH_ON_TIME_ONE_RATED)
    card = _card(out := chat("@now 2026-11-23T10:00"))  # the tick posts last week's card
    assert any(line.startswith("1. ") for line in card), out
    assert not any(line.startswith("2. ") for line in card), out
    assert any(line.startswith("— 财务部：") and line.endswith("· 不计分") for line in card), out
