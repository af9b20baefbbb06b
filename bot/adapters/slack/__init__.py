"""Slack: Bolt listeners → handlers, Block Kit rendering, and a Web API sender for the outbox.

``build_slack(app, settings)`` gives a SlackPlatform (``bot.adapters.platform.Platform``):
``routes()`` for HTTP mode, ``start()`` / ``stop()`` (Socket Mode connects in ``start``), and
``route()`` for the dispatcher.
"""

from bot.adapters.slack.config import SlackConfig, SlackConfigError
from bot.adapters.slack.platform import SlackPlatform, build_slack, slack_enabled

__all__ = ["SlackConfig", "SlackConfigError", "SlackPlatform", "build_slack", "slack_enabled"]
