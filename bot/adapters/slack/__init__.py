"""Slack: Bolt listeners → handlers, Block Kit rendering, and a Web API sender for the outbox.

``bot.adapters.slack.platform.build_slack(app, settings)`` gives a SlackPlatform
(``bot.adapters.platform.Platform``): ``routes()`` for HTTP mode, ``start()`` / ``stop()``
(Socket Mode connects in ``start``), and ``route()`` for the dispatcher. Only the config is
imported here: a ``serve`` without ``[slack]`` never loads Bolt and the Slack SDK (about 5 MB
of memory).
"""

from __future__ import annotations

from bot.adapters.slack.config import SlackConfig, SlackConfigError, slack_enabled

__all__ = ["SlackConfig", "SlackConfigError", "slack_enabled"]
