"""One console transcript line → the neutral ``Inbound`` it stands for.

``alice> text`` is alice typing to the bot; ``bob@FIN-1> text`` is bob replying in FIN-1's
desk thread; ``henry@dm> text`` a plain message in henry's DM (app chat);
``henry@dm:FIN-1> text`` a reply in the DM thread about FIN-1; ``alice@#finance-help> text`` a
new message in a desk's help channel (its ``intake_channel``). In any line, ``[file
path/to/x.pdf]`` anywhere in the text shares that file (read from the path if it exists,
else a few placeholder bytes): with a command it goes with the request the command opens or
names; otherwise (``alice> [file x.pdf]``) it is a plain message in alice's DM."""

from __future__ import annotations

import mimetypes
import re
from dataclasses import replace
from pathlib import Path

from handlers.grammar import REF_RE
from handlers.inbound import Inbound, IncomingFile

FILE_RE = re.compile(r"\[file\s+([^\]]+?)\s*\]")


def shared_file(path: str) -> IncomingFile:
    """The file at ``path`` as an ``IncomingFile`` (source ``console:<path>``)."""
    found = Path(path).expanduser()
    data = found.read_bytes() if found.is_file() else f"placeholder for {path}\n".encode()
    mime = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
    return IncomingFile(name=found.name, mime=mime, size=len(data), source=f"console:{path}",
                        data=data)


def said(speaker: str, text: str) -> Inbound | None:
    """The delivery a line stands for; None when the speaker part is malformed."""
    who, _, where = speaker.partition("@")
    if not who or " " in speaker:
        return None
    files = tuple(shared_file(p) for p in FILE_RE.findall(text))
    body = FILE_RE.sub("", text).replace("\\n", "\n").strip()
    base = Inbound(platform="console", person_id=who, text=body, files=files)
    if not where:  # typed to the bot; with files, as in a DM: a command takes them along
        return replace(base, conversation=True) if files else base
    if where.startswith("#") and len(where) > 1:  # a new message in a help channel
        return replace(base, intake=where[1:], intake_ref=None)
    place, _, ref = where.partition(":")
    if place.lower() == "dm" and not ref:
        return replace(base, conversation=True)
    if place.lower() == "dm" and REF_RE.match(ref):
        return replace(base, reply_about=ref.upper())
    if REF_RE.match(where):
        return replace(base, thread_of=where.upper())
    return None

