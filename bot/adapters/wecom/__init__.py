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

from bot.adapters.wecom.client import WeComCommandError
from bot.adapters.wecom.config import WeComConfigError, enabled
from bot.adapters.wecom.platform import WeComPlatform, build_wecom, client_from_env
from bot.adapters.wecom.sync import sync_org

__all__ = [
    "WeComCommandError",
    "WeComConfigError",
    "WeComPlatform",
    "build_wecom",
    "client_from_env",
    "enabled",
    "sync_org",
]
