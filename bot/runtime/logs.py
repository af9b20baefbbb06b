"""Logging: one line per event, plain or JSON, with every secret the process read masked in
the message, the exception text and the extra fields."""

from __future__ import annotations

import json
import logging
import os
from datetime import UTC, datetime
from typing import TextIO

from storage import redact


class Redact(logging.Filter):
    """Mask secrets (by value, and secret URL parameters) in a record before any handler
    formats it: message, arguments, traceback, stack and extra fields."""

    FORMATTER = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = redact.scrub(record.getMessage()), None
        if record.exc_info and not record.exc_text:
            record.exc_text = self.FORMATTER.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact.scrub(record.exc_text)
            record.exc_info = None  # formatters use exc_text, never the raw exception
        if record.stack_info:
            record.stack_info = redact.scrub(record.stack_info)
        for name in JsonFormatter.FIELDS:
            value = getattr(record, name, None)
            if isinstance(value, str):
                setattr(record, name, redact.scrub(value))
        return True


class JsonFormatter(logging.Formatter):
    """{"ts", "level", "logger", "msg", …extra fields such as request_ref, platform}."""

    FIELDS = ("request_ref", "platform", "outbox_id", "command")

    def format(self, record: logging.LogRecord) -> str:
        data = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for name in self.FIELDS:
            if hasattr(record, name):
                data[name] = getattr(record, name)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            data["exc"] = record.exc_text
        return json.dumps(data, ensure_ascii=False)


def setup(fmt: str = "text", level: int = logging.INFO, stream: TextIO | None = None) -> None:
    """Configure the root logger once: JSON or text to ``stream`` (stderr), secrets masked
    everywhere."""
    redact.remember_environment(os.environ)
    handler = logging.StreamHandler(stream)
    handler.addFilter(Redact())
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # APScheduler says "Running job …" and "… executed successfully" at INFO for every pass
    # of the dispatcher (every few seconds, and after each command): noise, and CPU in a
    # burst. Its warnings and errors still show; crossdesk logs what its jobs did itself.
    logging.getLogger("apscheduler").setLevel(max(level, logging.WARNING))
