"""What every platform does alike to be wired into ``serve``: its secrets from the
environment, tables of names in its config section, and its route for the dispatcher."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Mapping
from typing import Protocol

from bot.runtime.dispatch import Sender
from bot.runtime.routing import PlatformRoute
from storage import redact

Problem = Callable[[str, str], None]  # (key, what is wrong and what to write)
BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def env_values(names: tuple[str, ...], environ: Mapping[str, str] | None = None,
               public: tuple[str, ...] = ()) -> dict[str, str]:
    """Each variable in ``names``, stripped ("" when unset; ``environ``: the process's). All
    but the ``public`` ones (identifiers, not credentials) are masked in every log and stored
    error from now on."""
    env = os.environ if environ is None else environ
    values = {name: env.get(name, "").strip() for name in names}
    redact.remember(*(value for name, value in values.items() if name not in public))
    return values


def text_table(raw: object, key: str, what: str, sample: str, problem: Problem,
               strip: str = "") -> dict[str, str]:
    """A config table of names to texts (``channels = { service-office = "C0123ABCD" }``),
    empty when not given. A value that is not a table, and each entry that is not ``what``
    (text, non-empty once ``strip`` is taken off its start), is reported with what to write
    (``sample``: a value to show) and left out."""
    if raw is None:
        return {}
    name = key.rsplit(".", 1)[-1]
    if not isinstance(raw, dict):
        problem(key, f"must be a table, e.g. {name} = {{ service-office = \"{sample}\" }}")
        return {}
    out: dict[str, str] = {}
    for entry, value in raw.items():
        text = value.strip().lstrip(strip) if isinstance(value, str) else ""
        if text:
            out[str(entry).lstrip(strip)] = text
        else:
            problem(f"{key}.{entry}", f"{value!r} is not {what}; write it in quotes, e.g. "
                    f"{name} = {{ {_toml_key(str(entry))} = \"{sample}\" }}")
    return out


def _toml_key(name: str) -> str:
    """``name`` as a TOML key: bare when it can be, else quoted."""
    return name if BARE_KEY.match(name) else json.dumps(name, ensure_ascii=False)


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
