"""What every platform does alike to be wired into ``serve``: its secrets from the
environment, tables of names in its config section, and its route for the dispatcher."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Protocol

from bot.runtime.dispatch import Sender
from bot.runtime.routing import PlatformRoute
from storage import redact


def env_values(names: tuple[str, ...], environ: Mapping[str, str] | None = None,
               public: tuple[str, ...] = ()) -> dict[str, str]:
    """Each variable in ``names``, stripped ("" when unset; ``environ``: the process's). All
    but the ``public`` ones (identifiers, not credentials) are masked in every log and stored
    error from now on."""
    env = os.environ if environ is None else environ
    values = {name: env.get(name, "").strip() for name in names}
    redact.remember(*(value for name, value in values.items() if name not in public))
    return values


def text_table(raw: object) -> dict[str, str] | None:
    """A config table of names to texts (``channels = { service-office = "C0123ABCD" }``) as
    a dict, empty when not given; None when it is something else (the caller says what to
    write instead)."""
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
        return None
    return {str(k): v for k, v in raw.items()}


class RoutedSender(Sender, Protocol):
    """A platform's sender, which knows the departments it reaches."""

    def reaches_department(self, key: str) -> bool: ...


def platform_route(name: str, sender: RoutedSender) -> PlatformRoute:
    """The dispatcher's route to platform ``name`` (``slack`` or ``wecom``): its sender, for
    people with an id there (``SenderRouter.platform_ids``: their Slack id, then their WeCom
    id) and the departments the sender reaches."""
    place = ("slack", "wecom").index(name)
    return PlatformRoute(name=name, sender=sender,
                         reaches_person=lambda *ids: bool(ids[place]),
                         reaches_department=sender.reaches_department)
