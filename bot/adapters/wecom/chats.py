"""`crossdesk wecom create-chat DEPARTMENT`: a desk's group chat, made by the app itself.

WeCom's appchat/* API works only for a self-built app whose visible range is the root
department, and only on chats that app created with appchat/create; a chat made by hand in
the client cannot be sent to (errcode 86003). So the desk's chat is created here, with its
staff who have a WeCom userid (at least 2, as WeCom requires), a lead as owner and the
department's display name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wechatpy.exceptions import WeChatClientException

from bot.adapters.wecom.client import describe, unreachable
from bot.runtime.plural import count
from handlers.catalog import Catalog

MIN_MEMBERS = 2
MAX_NAME_CHARS = 50  # appchat/create: longer names are cut by WeCom


class ChatError(Exception):
    """The chat cannot be created: the message says what to fix."""


@dataclass(frozen=True)
class NewChat:
    """What appchat/create was asked for, and the chat id WeCom gave."""

    department: str
    chatid: str
    name: str
    owner: str
    userlist: tuple[str, ...]

    def config_line(self) -> str:
        """The line to add under the department's ``[[departments]]`` table."""
        return f'wecom_chat = "{self.chatid}"'


def chat_request(catalog: Catalog, word: str, locale: str) -> dict[str, Any]:
    """The appchat/create body for the department named ``word`` (key, name or alias)."""
    dep = catalog.find_department(word)
    if dep is None:
        keys = ", ".join(d.key for d in catalog.departments)
        raise ChatError(f"no department {word!r}; use a key such as one of: {keys}")
    userids: dict[str, str] = {}  # person id -> userid, leads first
    for pid in (*dep.leads, *dep.members):
        spec = catalog.person_spec(pid)
        if spec is not None and spec.wecom and spec.wecom.lower() not in {
                u.lower() for u in userids.values()}:
            userids[pid] = spec.wecom
    if len(userids) < MIN_MEMBERS:
        members = count(len(userids), "member", "members")
        raise ChatError(f"{dep.key} has {members} with a WeCom userid; a WeCom "
                        f"group chat needs at least {MIN_MEMBERS}: add `wecom = \"…\"` to "
                        "its people in [[people]]")
    owner = next((userids[p] for p in dep.leads if p in userids), next(iter(userids.values())))
    return {"name": dep.label(locale)[:MAX_NAME_CHARS], "owner": owner,
            "userlist": list(userids.values())}


def create_chat(client: Any, catalog: Catalog, word: str, locale: str) -> NewChat:
    """Create the department's group chat with appchat/create; ChatError when WeCom refuses
    (e.g. 60011: the app's visible range is not the root department)."""
    body = chat_request(catalog, word, locale)
    dep = catalog.find_department(word)
    assert dep is not None
    try:
        result = client.post("appchat/create", data=body)
    except OSError as exc:  # requests' network errors too: nothing answered
        raise ChatError(unreachable(exc)) from None
    except WeChatClientException as exc:
        raise ChatError(f"WeCom refused appchat/create ({describe(exc)}); it needs a "
                        "self-built app whose visible range (可见范围) is the root "
                        "department") from None
    return NewChat(dep.key, str(result["chatid"]), body["name"], body["owner"],
                   tuple(body["userlist"]))
