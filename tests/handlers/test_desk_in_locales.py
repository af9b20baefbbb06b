"""A desk's message carries its rendering in each other language its staff read
(``IN_LOCALES``), for platforms that copy it to each member in person; none when every
member reads the channel's language."""

from __future__ import annotations

from sqlmodel import Session, col, select

from handlers.messages import IN_LOCALES, TOLD
from storage.models import Outbox
from tests.conftest import Transcript


def desk_rows(chat: Transcript, department: str) -> list[Outbox]:
    with Session(chat.app.desk.engine) as session:
        return list(session.exec(select(Outbox).where(col(Outbox.target) == f"dept:{department}")
                                 .order_by(col(Outbox.id))))


def test_the_it_desks_new_request_carries_its_english_words(chat: Transcript) -> None:
    chat("henry> /request it laptop 屏幕闪烁")  # kevin, at the IT desk, reads English
    (row,) = desk_rows(chat, "it")
    payload = row.payload
    assert payload["locale"] == "zh-CN" and payload["text"].startswith("新请求 IT-1")
    english = payload["extra"][IN_LOCALES]["en"]
    assert set(english) == {"text", "locale", "title", "fields", "buttons"}
    assert english["locale"] == "en" and english["text"].startswith("New request IT-1 from")
    assert ["Service", "Laptop"] in english["fields"]
    assert [b["command"] for b in english["buttons"]] == [b["command"]
                                                          for b in payload["buttons"]]
    assert payload["extra"][TOLD] == []


def test_a_desk_whose_staff_all_read_its_language_gets_no_copy(chat: Transcript) -> None:
    chat("henry> /request finance question 发票抬头怎么写")  # carol and bob read Chinese
    (row,) = desk_rows(chat, "finance")
    assert IN_LOCALES not in row.payload["extra"]
    assert chat.app.desk.other_staff_locales(chat.app.desk.catalog.department("finance")) == ()
    assert chat.app.desk.other_staff_locales(chat.app.desk.catalog.department("it")) == ("en",)
