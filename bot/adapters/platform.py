"""What ``crossdesk serve`` needs of a chat platform, whichever it is."""

from __future__ import annotations

from typing import Protocol

from starlette.routing import BaseRoute

from bot.runtime.routing import PlatformRoute


class PlatformStartError(Exception):
    """A platform refused to start (e.g. its token was refused): the message says what to fix,
    and ``serve`` stops with it."""


class Platform(Protocol):
    """One platform: its HTTP routes, its outbox sender, and a start and a stop."""

    name: str

    def routes(self) -> list[BaseRoute]:
        """The HTTP routes its deliveries arrive on (none for a socket transport)."""

    def route(self) -> PlatformRoute:
        """Its sender, and which targets it reaches."""

    def start(self) -> None:
        """Start background transports (e.g. Slack's Socket Mode); returns at once."""

    def stop(self) -> None:
        """Stop taking deliveries, let running ones finish, close connections."""
