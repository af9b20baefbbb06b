"""A huge message is answered with one short reply over WeCom, not echoed back in pieces."""

from __future__ import annotations


def test_a_huge_unknown_word_gets_one_short_answer(wecom):
    word = "啊" * 100_000  # one "word": an unknown department, quoted in the answer
    assert wecom.say("lihua", f"提单 {word}").status_code == 200
    wecom.dispatch()
    answers = wecom.replies_to("lihua")
    assert len(answers) == 1, f"{len(answers)} messages"
    assert "啊" * 200 + "…" in answers[0] and len(answers[0]) < 600
