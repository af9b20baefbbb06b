"""WeCom (企业微信): callbacks in, template cards and messages out, org chart sync.

Wiring for ``crossdesk serve``::

    platform = build_wecom(app, settings)      # a bot.adapters.platform.Platform
    routes += platform.routes()                # GET + POST /wecom/callback
    platform_routes.append(platform.route())   # bot.runtime.routing.PlatformRoute
    ...
    platform.stop()

and for ``crossdesk sync wecom [--dry-run]``::

    for line in sync_org(app, client_from_env(app), dry_run=dry_run):
        print(line)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from bot.adapters.wecom.config import WeComConfigError, enabled

if TYPE_CHECKING:
    from bot.adapters.wecom.client import WeComCommandError
    from bot.adapters.wecom.platform import WeComPlatform, build_wecom, client_from_env
    from bot.adapters.wecom.sync import sync_org

# Loaded when first used: a serve or check-config without [wecom] never loads wechatpy and
# the client (about 15 MB of memory), as Slack's package loads only its config.
_LAZY = {"WeComCommandError": "client", "WeComPlatform": "platform", "build_wecom": "platform",
         "client_from_env": "platform", "sync_org": "sync"}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)


__all__ = [
    "WeComCommandError",
    "WeComConfigError",
    "WeComPlatform",
    "build_wecom",
    "client_from_env",
    "enabled",
    "sync_org",
]
