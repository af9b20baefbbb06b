"""Which message in a request's thread is a command and which is a reply: on platforms that run
no slash command in a thread (Slack), a command there is addressed to the bot or typed."""

from __future__ import annotations

from handlers.catalog import Catalog
from handlers.command_words import REQUEST_PREFIXES, SUGGEST_PREFIXES
from handlers.grammar import Invalid, ignores_words, parse

COMMAND_WORD = "request"  # the English for the 请求 that starts a command typed in a thread
# Commands the word ``request`` alone does not start in a thread ("request it from the
# vendor" is words): opening a request, and the catalog
NOT_BY_WORD = frozenset({"open", "catalog"})


def thread_command(text: str, catalog: Catalog, *, addressed: bool) -> str | None:
    """The command line a message in a thread stands for, None when it is a reply.
    ``addressed`` (it started with a mention of the bot, already taken off ``text``): whatever
    follows is a command, a mistake answered with its hint, nothing at all is ``help``.
    Otherwise only a message that starts with a command prefix (``/request``, ``请求``,
    ``/suggest``) or with the word ``request`` and reads as a valid command is one
    (``request ack IT-1``; "Request received, checking" is a reply)."""
    words = text.split(None, 1)
    head = words[0].lower() if words else ""
    if head in REQUEST_PREFIXES or head in SUGGEST_PREFIXES:
        return text
    if addressed:
        if not words:
            return "/request help"
        if head.startswith("/"):
            return text
        if head == COMMAND_WORD:  # "@crossdesk request ack IT-1"
            return f"/request {words[1]}" if len(words) > 1 else "/request help"
        return f"/request {text}"
    if head != COMMAND_WORD or len(words) < 2:
        return None
    command = f"/request {words[1]}"
    parsed = parse(command, catalog)
    if isinstance(parsed, Invalid) or parsed.name in NOT_BY_WORD or ignores_words(command, catalog):
        return None
    return command
