"""A person is named the way people know them: their WeCom account (any case), their name
(whole, its Chinese or its English part, with or without ``@``), a Slack user id, their
crossdesk id or ``me``; a name shared by several people is asked about, with what to type.
The same rules for ``assign`` and for ``away … delegate``."""

from __future__ import annotations

import pytest

from handlers.fields import Named, people_named
from tests.handlers.test_config_change import restart as company
from tests.handlers.test_sweep import messages_to, req

TAXI = "henry> /request finance reimbursement amount=86 taxi"
BOB = ('id = "bob"\nname = "张伟 Bob Zhang"\nslack = "U0BOB"\nwecom = "zhangwei"\n'
       'manager = "carol"\n')
NAMESAKE = BOB + '\n[[people]]\nid = "weizhang"\nname = "张伟 Wei Zhang"\nwecom = "zhangwei2"\n'
STAFF = 'members = ["carol", "bob"]'


@pytest.mark.parametrize("named", ["zhangwei", "ZhangWei", "张伟", "@张伟", "＠张伟", "Bob",
                                   "bob", "U0BOB", "张伟 Bob Zhang", "@Bob Zhang"])
def test_assign_takes_any_name_people_know(chat, named):
    chat(TAXI)
    out = chat(f"carol> /request 指派 FIN-1 {named}")
    assert "FIN-1 已指派给 张伟 Bob Zhang。" in out, out
    assert messages_to(out, "bob"), "bob is told"
    assert req(chat.app, "FIN-1").assignee_id == "bob"


def test_me_in_either_language(chat):
    chat(TAXI, "carol> /request 指派 FIN-1 我")
    assert req(chat.app, "FIN-1").assignee_id == "carol"


def test_an_unknown_name_is_refused_saying_what_works(chat):
    chat(TAXI)
    out = chat("carol> /request 指派 FIN-1 nobody")
    assert "找不到“nobody”这个人" in out
    assert "人员ID" not in out, "the refusal names what people can type"
    assert "@" in out and "张伟 Bob Zhang" in out and "我" in out
    assert req(chat.app, "FIN-1").assignee_id is None
    english = chat("alice> /request it laptop x", "dave> /request assign IT-1 nobody")
    assert "person id" not in english.lower()


def test_a_shared_name_asks_which_one_with_what_to_type(tmp_path, engine, clock):
    chat = company(tmp_path, engine, clock, (BOB, NAMESAKE),
                   (STAFF, 'members = ["carol", "bob", "weizhang"]'))
    chat(TAXI)
    out = chat("carol> /request 指派 FIN-1 张伟")
    assert "“张伟”" in out and "张伟 Bob Zhang" in out and "张伟 Wei Zhang" in out, out
    assert "`/request 指派 FIN-1 bob`" in out and "`/request 指派 FIN-1 weizhang`" in out
    assert req(chat.app, "FIN-1").assignee_id is None
    chat("carol> /request 指派 FIN-1 weizhang")
    assert req(chat.app, "FIN-1").assignee_id == "weizhang"
    chat("carol> /request 指派 FIN-1 wei")  # one word of one name only
    assert req(chat.app, "FIN-1").assignee_id == "weizhang"


def test_a_shared_name_means_the_member_of_the_desk_when_only_one_is(tmp_path, engine, clock):
    chat = company(tmp_path, engine, clock, (BOB, NAMESAKE))
    chat(TAXI)
    chat("carol> /request 指派 FIN-1 张伟")
    assert req(chat.app, "FIN-1").assignee_id == "bob"


def test_a_name_shared_outside_the_desk_says_who_may_have_it(tmp_path, engine, clock):
    chat = company(tmp_path, engine, clock, (BOB, NAMESAKE))
    chat("alice> /request it laptop x")
    out = chat("kevin> /request assign IT-1 张伟")
    assert "张伟 is not in IT; requests can only be assigned to its members: 孙磊 Dave Sun, " \
           "徐凯 Kevin Xu." in out, out
    assert "`/request assign" not in out, "no command that would be refused next"


@pytest.mark.parametrize("named", ["zhangwei", "张伟", "@张伟", "Bob"])
def test_away_names_the_delegate_the_same_way(chat, named):
    out = chat(f"carol> /request 休假 至 2026-12-10 代理 {named}")
    assert "张伟 Bob Zhang" in out and "找不到" not in out, out
    assert messages_to(out, "bob"), "the delegate is told"


def test_away_with_a_shared_name_asks_which_one(tmp_path, engine, clock):
    chat = company(tmp_path, engine, clock, (BOB, NAMESAKE))
    out = chat("carol> /request 休假 至 2026-12-10 代理 张伟")
    assert "张伟 Wei Zhang" in out and "`/request 休假 至 2026-12-10 代理 weizhang`" in out, out
    assert not messages_to(out, "bob") and not messages_to(out, "weizhang")
    unknown = chat("carol> /request 休假 至 2026-12-10 代理 nobody")
    assert "找不到“nobody”这个人" in unknown and "人员ID" not in unknown


def test_a_whole_name_tells_namesakes_apart_and_ids_come_first():
    people = [Named("bob", "张伟 Bob Zhang", "U0BOB", "zhangwei"),
              Named("weizhang", "张伟 Wei Zhang", None, "ZhangWei2"),
              Named("zhang", "Zhang San")]
    assert people_named("张伟", people) == ("bob", "weizhang")
    assert people_named("@张伟 Wei Zhang", people) == ("weizhang",)  # a Slack mention's text
    assert people_named("ZHANGWEI2", people) == ("weizhang",)
    assert people_named("u0bob", people) == ("bob",)
    assert people_named("zhang", people) == ("zhang",)  # an id before a word of a name
    assert people_named("Bob Zhang", people) == ("bob",)
    assert people_named("nobody", people) == ()


@pytest.mark.parametrize("typed", ["休假 至 2026-12-10 代理 张伟 Bob Zhang",
                                   "away until 2026-12-10 delegate Bob Zhang",
                                   "away delegate Bob Zhang until 2026-12-10",
                                   "away delegate @Bob Zhang 2026-12-10"])
def test_away_takes_a_whole_name_of_several_words(chat, typed):
    out = chat(f"carol> /request {typed}")
    assert "张伟 Bob Zhang" in out and "找不到" not in out and "哪一位" not in out, out
    assert messages_to(out, "bob"), "the delegate is told"


def test_away_with_the_full_name_tells_namesakes_apart(tmp_path, engine, clock):
    chat = company(tmp_path, engine, clock, (BOB, NAMESAKE))
    out = chat("carol> /request 休假 至 2026-12-10 代理 张伟 Wei Zhang")
    assert messages_to(out, "weizhang") and not messages_to(out, "bob"), out
