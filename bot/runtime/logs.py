"""Logging: one line per event, plain or JSON, with secrets from the environment masked."""

from __future__ import annotations

import json
import logging
import os
import re
from datetime import UTC, datetime

SECRET_VARS = re.compile(r"(TOKEN|SECRET|AES_KEY|PASSWORD|KEY)$")
MIN_SECRET = 6


def secrets(environ: dict[str, str] | None = None) -> list[str]:
    """Values of secret-looking environment variables (tokens, signing secrets, keys)."""
    env = os.environ if environ is None else environ
    return sorted({v for k, v in env.items()
                   if SECRET_VARS.search(k) and len(v) >= MIN_SECRET}, key=len, reverse=True)


class Redact(logging.Filter):
    """Replace every secret value in a record's message and arguments with ***."""

    def __init__(self, values: list[str]) -> None:
        super().__init__()
        self.values = values

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        for value in self.values:
            message = message.replace(value, "***")
        record.msg, record.args = message, None
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
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


def setup(fmt: str = "text", level: int = logging.INFO) -> None:
    """Configure the root logger once: JSON or text, secrets masked everywhere."""
    handler = logging.StreamHandler()
    handler.addFilter(Redact(secrets()))
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
