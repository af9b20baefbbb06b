"""Rating tags are the words marked ``#`` or ``＃``: spaced, glued or followed by
punctuation; a word without the mark is the rater's comment, never a tag."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from storage.models import Rating
from tests.conftest import Transcript


def rated(chat: Transcript, typed: str) -> tuple[list[str], str | None]:
    chat("alice> /request it laptop x", "kevin> /request resolve IT-1 done",
         "alice> /request confirm IT-1")
    assert "IT-1" in chat(f"alice> /request rate IT-1 {typed}")
    with Session(chat.app.desk.engine) as session:
        rating = session.exec(select(Rating)).one()
    return list(rating.tags), rating.comment


@pytest.mark.parametrize(("typed", "tags", "comment"), [
    ("5 #timely#solved great", ["timely", "solved"], "great"),
    ("5 #解决问题！", ["solved"], None),
    ("4 ＃及时 好", ["timely"], "好"),
    ("5 #及时，#专业", ["timely", "professional"], None),
    ("5 很好#态度好。谢谢", ["courteous"], "很好 谢谢"),
    ("4 #Timely, fast #awesome", ["timely"], "fast #awesome"),
])
def test_marked_tags_are_read_however_they_are_joined(
        chat: Transcript, typed: str, tags: list[str], comment: str | None) -> None:
    assert rated(chat, typed) == (tags, comment)


@pytest.mark.parametrize("typed", ["2 一点也不 及时", "2 not timely at all"])
def test_a_word_without_the_mark_is_never_a_tag(chat: Transcript, typed: str) -> None:
    assert rated(chat, typed) == ([], typed[2:])
