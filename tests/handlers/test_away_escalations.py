"""A lead away (``away … delegate``) is covered for escalations too: what would reach them
reaches their delegate, who is told whom they cover for; the away answer says so. Before,
the lead on holiday got every escalation and the delegate none."""

from __future__ import annotations

OPEN = ("@now 2026-11-30T09:00", "alice> /request finance cash advance trip 3000 CNY")


def to(out: str, who: str) -> list[str]:
    """The messages sent to ``who`` (each with its lines)."""
    blocks, current = [], None
    for line in out.splitlines():
        if line.startswith("[to "):
            current = [line] if line.startswith(f"[to {who}]") else None
            if current is not None:
                blocks.append(current)
        elif line.startswith("["):
            current = None
        elif current is not None:
            current.append(line)
    return ["\n".join(b) for b in blocks]


def test_an_away_leads_escalation_reaches_the_delegate(chat):
    chat("@now 2026-11-30T08:30", "carol> /request away until 2026-12-04 delegate bob")
    chat(*OPEN)
    out = chat("@now 2026-11-30T14:00")
    assert not [m for m in to(out, "carol") if "升级至您" in m], "carol is on holiday"
    (bob,) = [m for m in to(out, "bob") if "升级至您（第 1 级）：FIN-1" in m]
    assert bob.startswith("[to bob] 您正在代理刘芳 Carol Liu（休假至 2026-12-04）的工作：")


def test_after_the_absence_the_lead_hears_again(chat):
    chat("@now 2026-11-30T08:30", "carol> /request away until 2026-11-30 delegate bob")
    chat(*OPEN)
    out = chat("@now 2026-12-01T10:00")  # the first response is overdue; carol is back
    assert [m for m in to(out, "carol") if "升级至您（第 1 级）：FIN-1" in m]
    assert not [m for m in to(out, "bob") if "代理" in m]


def test_the_delegates_own_nudges_say_nothing_of_covering(chat):
    chat("@now 2026-11-30T08:30", "carol> /request away until 2026-12-04 delegate bob")
    chat(*OPEN, "bob> /request assign FIN-1 me", "bob> /request ack FIN-1")
    out = chat("@now 2026-12-01T17:00")  # bob's own warning before the resolution target
    mine = to(out, "bob")
    assert mine and not [m for m in mine if "代理" in m], mine


def test_the_away_answer_tells_a_lead_where_escalations_go(chat):
    out = chat("@now 2026-11-30T08:30", "carol> /request away until 2026-12-04 delegate bob")
    assert "本应升级给您的提醒将发给 张伟 Bob Zhang" in out
    out = chat("alice> /request away until 2026-12-04 delegate kevin")
    assert "escalat" not in out.lower(), "alice leads nothing and manages no one"


def test_the_same_absence_typed_again_tells_the_delegate_once(chat):
    first = chat("@now 2026-11-30T08:30", "carol> /request away until 2026-12-04 delegate bob")
    again = chat("carol> /request away until 2026-12-04 delegate bob")
    assert "[to bob]" in first and "[to bob]" not in again
    assert "2026-12-04" in again, "carol still gets her answer"
    longer = chat("carol> /request away until 2026-12-08 delegate bob")
    assert "[to bob]" in longer and "2026-12-08" in longer, "a new end is news to bob"
