"""Slack: Bolt listeners → handlers, Block Kit rendering, and a Web API sender for the outbox.

``build_slack(app, settings)`` gives a SlackPlatform (``bot.adapters.platform.Platform``):
``routes()`` for HTTP mode, ``start()`` / ``stop()`` (Socket Mode connects in ``start``), and
``route()`` for the dispatcher. Bolt and the Slack SDK are imported only when one of those is
first used: a ``serve`` without ``[slack]`` never loads them (about 5 MB of memory).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.adapters.slack.config import SlackConfig, SlackConfigError, slack_enabled

if TYPE_CHECKING:
    from bot.adapters.slack.platform import SlackPlatform, build_slack

__all__ = ["SlackConfig", "SlackConfigError", "SlackPlatform", "build_slack", "slack_enabled"]
_LAZY = ("SlackPlatform", "build_slack")


def __getattr__(name: str) -> Any:
    """``SlackPlatform`` and ``build_slack``, loading Bolt on first use."""
    if name in _LAZY:
        from bot.adapters.slack import platform

        return getattr(platform, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
