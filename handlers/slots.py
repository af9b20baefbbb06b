"""A button's command may hold ``<slots>`` (``/request resolve FIN-1 <note>``): words the person
gives before it runs. Slack asks for them in a modal; WeCom, which cannot ask, runs the command
without them, and the handler says what to type."""

from __future__ import annotations

import re
from collections.abc import Mapping

SLOT = re.compile(r"\s*<(\w+)>")


def slots(command: str) -> list[str]:
    """The names of the command's slots, in order."""
    return SLOT.findall(command)


def fill(command: str, values: Mapping[str, str]) -> str:
    """The command with each slot replaced by its value; a slot without one vanishes."""

    def value(match: re.Match[str]) -> str:
        given = values.get(match.group(1), "").strip()
        return f" {given}" if given else ""

    return SLOT.sub(value, command).strip()
