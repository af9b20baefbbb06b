"""Which of a button's ``<slots>`` must be filled, what asks for each, and where a refusal of
the filled command shows: one rule (``handlers.slots``) for Slack's modals and any other form."""

from __future__ import annotations

from handlers.slots import label, missing, optional, refused_at


def test_only_a_comment_may_be_left_empty() -> None:
    assert optional("comment")
    assert not optional("note") and not optional("date") and not optional("why")
    assert missing("/request counter FIN-1 <date> <comment>", {"date": "2026-12-01"}) is None
    assert missing("/request counter FIN-1 <date> <comment>", {"comment": "later"}) == "date"
    assert missing("/request rate FIN-1 <stars> <comment>", {"stars": " "}) == "stars", \
        "blank is empty"
    assert missing("/request ack FIN-1", {}) is None


def test_a_refusal_shows_at_the_first_slot_that_must_be_filled() -> None:
    assert refused_at("/request counter FIN-1 <date> <comment>") == "date"
    assert refused_at("/request rate FIN-1 <comment>") == "comment", "only optional ones: the first"
    assert refused_at("/request ack FIN-1") == "text", "no slot at all"


def test_each_slot_is_asked_for_in_the_readers_language_or_as_text() -> None:
    assert label("note", "en") == "Resolution note"
    assert label("why", "zh-CN") == "拒绝原因（会告知对方）", "negotiation's own labels count"
    assert label("date", "en").startswith("Date")
    assert label("comment", "en") == "Comment (optional)"
    assert label("field", "en") == "Text" and label("number", "zh-CN") == "内容", \
        "a slot without its own label asks for text"
