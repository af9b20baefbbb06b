"""Hostile words never become live WeCom markup on their way to the other side: a
requester's app-chat words reaching the desk's group chat and group robot, a desk member's
comment reaching the requester's app chat, and a shared file's name reaching the robot. What
the WeCom stand-in received must hold no link (``[x](url)``, ``<a href>``), no tag
(``<font>``, ``<@user>``), no @all and no markdown emphasis made of what a person typed."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from tests.adapters.wecom.conftest import FINANCE_CHAT, WeCom
from tests.adapters.wecom.test_files import PDF, send_media

HOSTILE = [
    "[pay here](https://evil.example/pay) <a href=\"https://evil.example\">x</a> @all @所有人",
    "<font color=\"warning\">urgent</font> <@zhangwei> **pay now** `code` [x](https://evil.example)",
    "\n# 紧急通知\n> quoted\n@ALL **全体** [点击](https://evil.example)",
]
# Live: a markdown link, an HTML link or tag, @all as WeCom reads it, emphasis or a heading.
# (Text messages render links and @all only; markdown also tags, emphasis and headings.)
LIVE = [re.compile(r"\]\(https?://evil", re.I), re.compile(r"<\s*(a\b|font|@)", re.I),
        re.compile(r"@(all|所有人)", re.I)]
LIVE_MARKDOWN = [re.compile(r"\*\*(pay now|全体)\*\*"), re.compile(r"(^|\n)#+ ")]


def contents(bodies: list[dict[str, Any]]) -> list[str]:
    """Each body's content, markdown ones marked ``md:``."""
    return [("md:" if b.get("msgtype") == "markdown" else "")
            + str((b.get(b.get("msgtype", "")) or {}).get("content", "")) for b in bodies]


def robot(wecom: WeCom) -> list[str]:
    return contents([c.body or {} for c in wecom.api.to("webhook/send") if c.ok])


def to_robot(wecom: WeCom, text: str) -> list[str]:
    wecom.say("lihua", "/request it account-access vpn for the trip")
    wecom.dispatch()
    wecom.say("lihua", f"about the form: {text}")
    wecom.dispatch()
    return [c for c in robot(wecom) if "about the form" in c]


def to_desk_chat(wecom: WeCom, text: str) -> list[str]:
    wecom.say("lihua", "提单 财务 借支 出租车 86元")
    wecom.dispatch()
    wecom.say("lihua", f"about the form: {text}")
    wecom.dispatch()
    chat = [b for b in wecom.api.delivered("appchat/send") if b.get("chatid") == FINANCE_CHAT]
    return [c for c in contents(chat) if "about the form" in c]


def to_requester(wecom: WeCom, text: str) -> list[str]:
    wecom.say("lihua", "提单 财务 借支 出租车 86元")
    wecom.dispatch()
    wecom.say("zhangwei", f"/request comment FIN-1 about the form: {text}")
    wecom.dispatch()
    sent = [b for b in wecom.api.delivered("message/send") if b.get("touser") == "lihua"]
    return [c for c in contents(sent) if "about the form" in c]


def file_name(wecom: WeCom, text: str) -> list[str]:
    wecom.say("lihua", "/request it account-access vpn for the trip")
    wecom.dispatch()
    name = re.sub(r"[\n/\\]", " ", text)[:120] + " about the form.pdf"
    wecom.api.serve("M-HOSTILE", PDF, "application/pdf", "M-HOSTILE.pdf")
    title = name.replace("]]>", "")
    send_media(wecom, "file", "M-HOSTILE", f"<Title><![CDATA[{title}]]></Title>")
    wecom.dispatch()
    wecom.dispatch()
    return [c for c in robot(wecom) if "about the form" in c]


PATHS: dict[str, Callable[[WeCom, str], list[str]]] = {
    "app chat → desk group robot": to_robot,
    "app chat → desk group chat": to_desk_chat,
    "desk comment → requester app chat": to_requester,
    "file name → desk group robot": file_name,
}


@pytest.mark.parametrize("text", HOSTILE, ids=["links", "tags-emphasis", "heading-quote"])
@pytest.mark.parametrize("path", list(PATHS))
def test_hostile_words_arrive_inert(wecom: WeCom, path: str, text: str) -> None:
    shown = PATHS[path](wecom, text)
    assert shown, f"{path}: nothing arrived"
    for content in shown:
        markdown = content.startswith("md:")
        for live in [*LIVE, *(LIVE_MARKDOWN if markdown else [])]:
            assert not live.search(content.removeprefix("md:")), \
                f"{path}: {live.pattern} in {json.dumps(content, ensure_ascii=False)}"
        assert "evil.example" in content, "the words still arrive, as text"
