"""A button's command may hold ``<slots>`` (``/request resolve FIN-1 <note>``): words the person
gives before it runs. Slack asks for them in a modal; WeCom, which cannot ask, runs the command
without them, and the handler says what to type."""

from __future__ import annotations

import re
from collections.abc import Mapping

from handlers.command_words import word_for
from handlers.i18n import t
from handlers.i18n.texts import TEXTS

SLOT = re.compile(r"\s*<(\w+)>")
OPTIONAL = frozenset({"comment"})  # a slot a person may leave empty (a rating's, a counter's)


def slots(command: str) -> list[str]:
    """The names of the command's slots, in order."""
    return SLOT.findall(command)


def fill(command: str, values: Mapping[str, str]) -> str:
    """The command with each slot replaced by its value; a slot without one vanishes."""

    def value(match: re.Match[str]) -> str:
        given = values.get(match.group(1), "").strip()
        return f" {given}" if given else ""

    return SLOT.sub(value, command).strip()


def as_typed(command: str, locale: str) -> str:
    """``command`` as a person reading ``locale`` types it: the command's word and its slots
    in that language (``/request reject FIN-3 <reason>`` → ``/request 驳回 FIN-3 <原因>``; an
    optional slot in brackets: ``/request 反提议 FIN-3 <日期> [说明]``)."""
    words = command.split(" ")
    name = words[1] if len(words) >= 2 and words[0] == "/request" else ""
    if name:
        words[1] = word_for(words[1], locale)
        words[2:] = [t(locale, "slot.me") if w == "me" else w for w in words[2:]]

    def slot(match: re.Match[str]) -> str:
        return " " + placeholder(match.group(1), locale, name)

    return SLOT.sub(slot, " ".join(words))


def placeholder(name: str, locale: str, command: str = "") -> str:
    """How slot ``name`` of subcommand ``command`` reads to a person typing it, as the texts
    that say what to type write it: ``<date>`` / ``<日期>`` for words it needs, ``[note]`` /
    ``[说明]`` for words it may leave out (``slot.<command>.<name>``, else ``slot.<name>``)."""
    for key in (f"slot.{command}.{name}", f"slot.{name}"):
        if key in TEXTS:
            return t(locale, key)
    return f"[{name}]" if optional(name) else f"<{name}>"


def optional(name: str) -> bool:
    """True for a slot a person may leave empty."""
    return name in OPTIONAL


def label(name: str, locale: str) -> str:
    """What a field asking for slot ``name`` says (its ``slack.input.*`` text, else
    "Text"): a modal's label."""
    key = f"slack.input.{name}"
    return t(locale, key if key in TEXTS else "slack.input.text")


def missing(command: str, values: Mapping[str, str]) -> str | None:
    """The first slot of ``command`` a person must fill and ``values`` leaves empty."""
    return next((name for name in slots(command)
                 if not optional(name) and not values.get(name, "").strip()), None)


def refused_at(command: str) -> str:
    """The slot a refusal of ``command`` is shown at: its first required one (else its
    first, else ``text``)."""
    names = slots(command)
    return next((n for n in names if not optional(n)), names[0] if names else "text")
