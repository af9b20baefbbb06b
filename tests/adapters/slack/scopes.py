"""Which bot scopes each Slack Web API method needs, and what Slack answers when one is missing.

From the "Required scopes" of each method's reference page (docs.slack.dev/reference/methods).
A method listing several scopes needs any one of them (which one depends on the conversation's
kind); an empty tuple needs none. The stand-in refuses a method missing from this table
(``unknown_method``), so a new call in the code must be added here, with its scopes.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

MANIFEST = Path(__file__).resolve().parents[3] / "slack-manifest.yml"

_READ = ("channels:read", "groups:read", "im:read", "mpim:read")
_HISTORY = ("channels:history", "groups:history", "im:history", "mpim:history")

METHOD_SCOPES: dict[str, tuple[str, ...]] = {
    "auth.test": (),
    "chat.postMessage": ("chat:write",),
    "chat.update": ("chat:write",),
    "chat.postEphemeral": ("chat:write",),
    "chat.delete": ("chat:write",),
    "chat.getPermalink": (),
    "conversations.info": _READ,
    "conversations.list": _READ,
    "conversations.members": _READ,
    "conversations.history": _HISTORY,
    "conversations.replies": _HISTORY,
    "conversations.join": ("channels:join",),
    "conversations.open": ("channels:manage", "groups:write", "im:write", "mpim:write"),
    "users.info": ("users:read",),
    "users.list": ("users:read",),
    "users.lookupByEmail": ("users:read.email",),
    "usergroups.list": ("usergroups:read",),
    "usergroups.users.list": ("usergroups:read",),
    "files.info": ("files:read",),
    "files.getUploadURLExternal": ("files:write",),
    "files.completeUploadExternal": ("files:write",),
    "files.upload": ("files:write",),
    "reactions.add": ("reactions:write",),
    "views.open": (),
    "views.update": (),
    "views.push": (),
    "views.publish": (),
}

# Bot events and the scope each needs (docs.slack.dev/reference/events): a subscription's
# ``message.channels`` arrives as event type ``message`` (with ``channel_type``).
EVENT_SCOPES: dict[str, tuple[str, ...]] = {
    "app_home_opened": (),
    "message.channels": ("channels:history",),
    "message.groups": ("groups:history",),
    "message.im": ("im:history",),
    "message.mpim": ("mpim:history",),
    "reaction_added": ("reactions:read",),
    "reaction_removed": ("reactions:read",),
}


def event_type(subscription: str) -> str:
    """The event type a bot event subscription delivers (``message.im`` → ``message``)."""
    return subscription.split(".", 1)[0]


# Called with the app-level token (xapp-…, connections:write), never the bot token.
APP_TOKEN_METHODS = frozenset({"apps.connections.open"})

# Scopes that widen a method rather than unlock it: chat.postMessage into a public channel
# the bot was never invited to needs chat:write.public as well (Slack: not_in_channel).
WIDENING: dict[str, str] = {"chat:write.public": "chat.postMessage"}


def manifest() -> dict[str, Any]:
    """slack-manifest.yml as data."""
    data: dict[str, Any] = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    return data


def granted_scopes() -> frozenset[str]:
    """The bot scopes the shipped manifest asks for."""
    return frozenset(manifest()["oauth_config"]["scopes"]["bot"])


def refusal(method: str, granted: Iterable[str]) -> dict[str, Any] | None:
    """What Slack answers (HTTP 200) a bot-token call to ``method`` it refuses for want of a
    scope, or because no such method exists; None when the call may go ahead."""
    if method in APP_TOKEN_METHODS:
        return None
    if method not in METHOD_SCOPES:
        return {"ok": False, "error": "unknown_method", "req_method": method}
    needed = METHOD_SCOPES[method]
    have = list(granted)
    if needed and not set(needed) & set(have):
        return {"ok": False, "error": "missing_scope", "needed": ",".join(needed),
                "provided": ",".join(have)}
    return None
