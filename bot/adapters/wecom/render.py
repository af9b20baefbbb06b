"""A neutral Message as WeCom text or markdown, split within WeCom's byte limits.

WeCom counts UTF-8 bytes: text and markdown in app messages (message/send) and app group
chats (appchat/send) hold at most 2048 bytes; only a group robot's markdown holds 4096.
Markdown over its limit is refused (errcode 40058), text over it is cut short: both are
split here, at line ends where possible, else at a space, never inside a character, a
markdown link, a ``<font>`` tag, inline code or bold text.

A message is at most ``MAX_PARTS`` pieces: WeCom drops, without an error, every app message
past 30 a minute to one member (20 a minute a robot takes), so a longer text keeps its
beginning and its end (a request's head, its newest history) with a line in between saying
how much is left out; the card, when there is one, still follows."""

from __future__ import annotations

import re
from typing import Any

from bot.adapters.chunks import pack_lines
from handlers import history
from handlers.i18n import t
from handlers.messages import Message
from handlers.slots import as_typed

TEXT_LIMIT = 2048
MARKDOWN_LIMIT = 2048
ROBOT_MARKDOWN_LIMIT = 4096
# Pieces of one message's text at most: a message also takes a card, a chart and a file, and
# all of it must fit one minute's window to a member (29) or a robot (19) with room to spare
# (bot/adapters/wecom/pacing.py). 12 pieces hold the longest text a person can type
# (MAX_DETAILS, 4,000 characters of Chinese) with the notice around it.
MAX_PARTS = 12

MENTION_ALL = re.compile(r"@(all|所有人)", re.IGNORECASE)
# What must stay whole in one piece: a link, a <font> span, inline code, bold text.
ATOM = re.compile(r"\[[^\]\n]*\]\([^)\n]*\)|<font\b[^>]*>.*?</font>|`[^`\n]*`|\*\*[^*\n]+\*\*",
                  re.IGNORECASE)
SOFT_BREAK = re.compile(r"[\s，。；、！？,.;!?]")
MD_LINK = re.compile(r"\[([^\]\n]*)\]\(([^)\n]*)\)")
HTML_LINK = re.compile(r"<(/?\s*a\b)", re.IGNORECASE)
HEADING = re.compile(r"(^|\n)(?=#)")
ELLIPSIS = "…"


def byte_len(text: str) -> int:
    """Length in UTF-8 bytes, as WeCom counts."""
    return len(text.encode("utf-8"))


def clip_bytes(text: str, limit: int) -> str:
    """The longest prefix of ``text`` within ``limit`` bytes, never half a character."""
    return text.encode("utf-8")[:limit].decode("utf-8", errors="ignore")


def _units(line: str) -> list[str]:
    """A line as pieces that may not be cut: markup atoms and single characters."""
    units: list[str] = []
    at = 0
    for found in ATOM.finditer(line):
        units += list(line[at:found.start()])
        units.append(found.group(0))
        at = found.end()
    return units + list(line[at:])


def _split_line(line: str, limit: int) -> list[str]:
    """A line longer than ``limit`` bytes cut between units, at a soft break if one is in
    the second half of the piece."""
    pieces: list[str] = []
    units = _units(line)
    start = 0
    while start < len(units):
        size, end, soft = 0, start, None
        while end < len(units) and size + byte_len(units[end]) <= limit:
            size += byte_len(units[end])
            end += 1
            if SOFT_BREAK.fullmatch(units[end - 1]) and end - start > 1:
                soft = end
        if end == start:  # one atom longer than the limit: its characters, cut
            head = clip_bytes(units[start], limit)
            if not head:
                raise ValueError(f"a limit of {limit} bytes cannot hold one character")
            units[start:start + 1] = [head, units[start][len(head):]]
            continue
        if end < len(units) and soft is not None and soft - start > (end - start) // 2:
            end = soft
        pieces.append("".join(units[start:end]))
        start = end
    return pieces


def split_utf8(text: str, limit: int) -> list[str]:
    """Pieces of at most ``limit`` UTF-8 bytes, cut at line ends where possible."""
    if byte_len(text) <= limit:
        return [text]
    pieces = pack_lines(text.splitlines(keepends=True), limit, _split_line, byte_len)
    return [p.rstrip("\n") for p in pieces if p.strip()]


def command_lines(message: Message, markdown: bool) -> list[str]:
    """Each button as the command to type, in the message's language: every platform can do
    what a button does."""
    typed = [(b.label, as_typed(b.command, message.locale)) for b in message.buttons]
    if markdown:
        return [f"> {label}: `{command}`" for label, command in typed]
    return [f"▸ {label}: {command}" for label, command in typed]


def wants_markdown(message: Message) -> bool:
    """Markdown for structured messages and texts that quote commands; plain text otherwise."""
    return bool(message.title or message.fields or message.buttons or "`" in message.text)


def _no_mention_all(text: str) -> str:
    return MENTION_ALL.sub(lambda m: m.group(0)[0] + "\u200b" + m.group(0)[1:], text)


def _no_md_link(text: str) -> str:
    return MD_LINK.sub(lambda m: f"［{m.group(1)}］（{m.group(2)}）", text).replace("](", "］(")


def inert_text(text: str) -> str:
    """Text people typed, made inert in a WeCom text message: no ``<a href>`` and no
    ``[text](url)`` link (WeCom renders both), no @all; the words still read as typed."""
    return _no_mention_all(_no_md_link(HTML_LINK.sub(lambda m: "＜" + m.group(1), text)))


def as_text(message: Message) -> str:
    """Plain text: the text, fields as ``name: value``, buttons as commands to type."""
    lines = [inert_text(message.title)] if message.title else []
    lines.append(inert_text(message.text))
    lines += [f"{name}: {inert_text(value)}" for name, value in message.fields]
    lines += command_lines(message, markdown=False)
    return "\n".join(lines)


def neutralize(text: str) -> str:
    """Text people typed, made inert in WeCom markdown: no tags (<font>, <@user>), no live
    ``[text](url)`` link, no @all, no bold or heading; the words still read as typed."""
    text = text.replace("<", "＜").replace(">", "＞")  # full-width: shown as typed, never a tag
    text = text.replace("**", "*\u200b*")  # a zero-width space: never bold
    text = HEADING.sub(lambda m: m.group(1) + "\u200b", text)  # never a heading
    return _no_mention_all(_no_md_link(text))


def as_markdown(message: Message) -> str:
    """WeCom markdown: bold title, the text, fields as a quote, commands as code."""
    lines = [f"**{neutralize(message.title)}**"] if message.title else []
    lines.append(neutralize(message.text))
    if message.fields:
        lines.append("")
        lines += [f"> **{name}**: {neutralize(value)}" for name, value in message.fields]
    if message.buttons:
        lines.append("")
        lines += command_lines(message, markdown=True)
    return "\n".join(lines)


def _lines_within(lines: list[str], pieces: int, limit: int, from_end: bool = False) -> int:
    """How many of ``lines``, from the first (``from_end``: the last), ``split_utf8`` into at
    most ``pieces`` pieces."""
    def taken(n: int) -> list[str]:
        return lines[len(lines) - n:] if from_end else lines[:n]

    order = lines[::-1] if from_end else lines
    n, size = 0, 0
    while n < len(order) and size + byte_len(order[n]) + 1 <= pieces * limit:
        size += byte_len(order[n]) + 1
        n += 1
    while n and len(split_utf8("\n".join(taken(n)), limit)) > pieces:
        n -= 1
    return n


def _beginning(line: str, pieces: int, limit: int) -> list[str]:
    """The first ``pieces`` pieces of one line too long for them, ending in "…"."""
    head = split_utf8(line, limit - byte_len(ELLIPSIS))[:pieces]
    return head[:-1] + [head[-1] + ELLIPSIS]


def within_parts(text: str, limit: int, locale: str, most: int = MAX_PARTS) -> list[str]:
    """``text`` as ``split_utf8`` pieces, at most ``most``: a longer text keeps whole lines
    from its beginning and from its end (a line too long for its half: its beginning, cut
    with "…"), and between them one line saying how many characters are left out."""
    pieces = split_utf8(text, limit)
    if len(pieces) <= most:
        return pieces
    head_n = most // 2
    tail_n = most - head_n - 1
    lines = text.split("\n")
    h = _lines_within(lines, head_n, limit)
    head = split_utf8("\n".join(lines[:h]), limit) if h else _beginning(lines[0], head_n, limit)
    rest = lines[max(h, 1):]
    k = _lines_within(rest, tail_n, limit, from_end=True)
    tail = (split_utf8("\n".join(rest[len(rest) - k:]), limit) if k
            else _beginning(rest[-1], tail_n, limit) if rest else [])
    cut = (0 if h else 1) + (1 if rest and not k else 0)  # the "…" added
    shown = sum(len(p.replace("\n", "")) for p in head + tail) - cut
    left_out = len(text.replace("\n", "")) - shown
    if left_out <= 0:
        return [*head, *tail]
    return [*head, t(locale, "wecom.left_out", chars=left_out, parts=most), *tail]


def _rendered(message: Message, markdown_limit: int) -> tuple[str, str, int]:
    """The message's msgtype, its whole content and the byte limit of one piece."""
    if wants_markdown(message):
        return "markdown", as_markdown(message), markdown_limit
    return "text", as_text(message), TEXT_LIMIT


def bodies(message: Message, markdown_limit: int = MARKDOWN_LIMIT) -> list[dict[str, Any]]:
    """The message as one or more WeCom ``msgtype`` bodies (at most ``MAX_PARTS``), each
    within its byte limit (``markdown_limit``: 2048 for app messages and chats,
    ``ROBOT_MARKDOWN_LIMIT`` for a group robot). A request's history longer than that
    keeps its latest events (``handlers.history.within``): the room is ``MAX_PARTS`` pieces."""
    def fits(shown: Message) -> bool:
        _kind, content, limit = _rendered(shown, markdown_limit)
        return len(split_utf8(content, limit)) <= MAX_PARTS

    message = history.within(message, fits)
    kind, content, limit = _rendered(message, markdown_limit)
    return [{"msgtype": kind, kind: {"content": part}}
            for part in within_parts(content, limit, message.locale)]
