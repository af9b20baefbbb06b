"""In WeCom a person is named as WeCom names them: their userid (any case) or their name,
with or without ``@``, for ``指派`` as for ``休假 … 代理``; a refusal says what works."""

from __future__ import annotations

import pytest

from tests.adapters.wecom.conftest import request


@pytest.mark.parametrize("named", ["zhangwei", "ZhangWei", "张伟", "@张伟", "bob"])
def test_assign_by_wecom_userid_or_name(wecom, named):
    wecom.say("lihua", "提单 财务 报销 出租车 86元")
    wecom.say("liufang", f"指派 FIN-1 {named}")
    assert request(wecom.app, "FIN-1").assignee_id == "bob"
    assert any("FIN-1 已指派给 张伟 Bob Zhang" in r for r in wecom.replies_to("liufang"))


def test_an_unknown_name_is_refused_saying_what_to_type(wecom):
    wecom.say("lihua", "提单 财务 报销 出租车 86元")
    wecom.say("liufang", "指派 FIN-1 wangwu")
    answer = next(r for r in wecom.replies_to("liufang") if "wangwu" in r)
    assert "人员ID" not in answer and "企业微信账号" in answer and "张伟 Bob Zhang" in answer
    assert request(wecom.app, "FIN-1").assignee_id is None


def test_away_delegate_by_userid(wecom):
    wecom.say("liufang", "休假 至 2026-12-10 代理 ZhangWei")
    assert any("张伟 Bob Zhang" in r and "2026-12-10" in r for r in wecom.replies_to("liufang"))
