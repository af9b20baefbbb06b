"""``/request scorecard`` gives equal scores one rank, as ``crossdesk report`` does: two desks
at 100.0 were numbered 1 and 2, in whatever order the catalog had them."""

from __future__ import annotations

WEEK = ("@now 2026-11-23T09:00", "alice> /request finance question how to expense",
        "alice> /request it software need visio", "@now 2026-11-23T09:30",
        "bob> /request resolve FIN-1 see the wiki", "dave> /request resolve IT-1 installed",
        "@now 2026-11-23T10:00", "alice> /request confirm FIN-1", "alice> /request confirm IT-1")


def card(out: str) -> list[str]:
    text = out[out.index("[reply] 🏆"):]
    return [line for line in text.splitlines()[1:] if line[:1].isdigit()]


def test_equal_scores_share_a_rank(chat):
    chat(*WEEK, "alice> /request rate FIN-1 5", "alice> /request rate IT-1 5")
    lines = card(chat("@now 2026-11-30T10:00", "carol> /request scorecard"))
    assert [line.split(".")[0] for line in lines] == ["1", "1"], lines
    assert "综合 100.0" in lines[0] and "综合 100.0" in lines[1]


def test_a_lower_score_ranks_after_the_tie(chat):
    chat(*WEEK, "alice> /request rate FIN-1 5", "alice> /request rate IT-1 3")
    lines = card(chat("@now 2026-11-30T10:00", "carol> /request scorecard"))
    assert [line.split(".")[0] for line in lines] == ["1", "2"], lines
    assert lines[0].startswith("1. 财务部")
