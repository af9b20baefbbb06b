"""A neutral Message as WeCom text or markdown, split within WeCom's byte limits."""

from __future__ import annotations

import re
from typing import Any

from handlers.messages import Message

TEXT_LIMIT = 2048
MARKDOWN_LIMIT = 4096


MENTION_ALL = re.compile(r"@(all|所有人)", re.IGNORECASE)


def byte_len(text: str) -> int:
    """Length in UTF-8 bytes, as WeCom counts."""
    return len(text.encode("utf-8"))


def clip_bytes(text: str, limit: int) -> str:
    """The longest prefix of ``text`` within ``limit`` bytes, never half a character."""
    return text.encode("utf-8")[:limit].decode("utf-8", errors="ignore")


def split_utf8(text: str, limit: int) -> list[str]:
    """Pieces of at most ``limit`` UTF-8 bytes, cut at line ends where possible."""
    if byte_len(text) <= limit:
        return [text]
    pieces: list[str] = []
    current = ""
    for line in text.splitlines(keepends=True):
        if byte_len(current + line) <= limit:
            current += line
            continue
        if current:
            pieces.append(current)
        while byte_len(line) > limit:
            head = clip_bytes(line, limit)
            if not head:
                raise ValueError(f"a limit of {limit} bytes cannot hold one character")
            pieces.append(head)
            line = line[len(head) :]
        current = line
    if current:
        pieces.append(current)
    return [p.rstrip("\n") for p in pieces if p.strip()]


def command_lines(message: Message, markdown: bool) -> list[str]:
    """Each button as the command to type: every platform can do what a button does."""
    if markdown:
        return [f"> {b.label}: `{b.command}`" for b in message.buttons]
    return [f"▸ {b.label}: {b.command}" for b in message.buttons]


def wants_markdown(message: Message) -> bool:
    """Markdown for structured messages and texts that quote commands; plain text otherwise."""
    return bool(message.title or message.fields or message.buttons or "`" in message.text)


def as_text(message: Message) -> str:
    """Plain text: the text, fields as ``name: value``, buttons as commands to type."""
    lines = [message.title] if message.title else []
    lines.append(MENTION_ALL.sub(lambda m: m.group(0)[0] + "\u200b" + m.group(0)[1:], message.text))
    lines += [f"{name}: {value}" for name, value in message.fields]
    lines += command_lines(message, markdown=False)
    return "\n".join(lines)


def neutralize(text: str) -> str:
    """Text people typed, made inert in WeCom markdown: no tags (<font>, <@user>), no @all."""
    text = text.replace("<", "＜").replace(">", "＞")  # full-width: shown as typed, never a tag
    return MENTION_ALL.sub(lambda m: m.group(0)[0] + "\u200b" + m.group(0)[1:], text)


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


def bodies(message: Message) -> list[dict[str, Any]]:
    """The message as one or more WeCom ``msgtype`` bodies, each within its byte limit."""
    if wants_markdown(message):
        return [
            {"msgtype": "markdown", "markdown": {"content": part}}
            for part in split_utf8(as_markdown(message), MARKDOWN_LIMIT)
        ]
    return [
        {"msgtype": "text", "text": {"content": part}}
        for part in split_utf8(as_text(message), TEXT_LIMIT)
    ]
