"""Secrets never reach the database or the logs: every secret value the process read is
masked wherever it appears, and secret query parameters are stripped from every URL."""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from urllib.parse import parse_qsl, urlsplit

MASK = "***"
MIN_SECRET = 6  # shorter values (a "1", an agent id) would mask ordinary words
# Query parameters that carry a credential: WeCom's gettoken and robot webhooks, OAuth,
# signed callbacks (msg_signature), presigned URLs.
SECRET_PARAMS = ("corpsecret", "secret", "client_secret", "key", "api_key", "apikey",
                 "access_token", "refresh_token", "token", "signature", "msg_signature", "sig",
                 "password", "passwd", "auth", "code", "encodingaeskey")
SECRET_NAMES = re.compile(r"(TOKEN|SECRET|AES_KEY|PASSWORD|PASSWD|KEY|WEBHOOK|DSN)$", re.I)
_PARAM = re.compile(
    r"(?i)((?:[?&;]|&amp;)(?:" + "|".join(SECRET_PARAMS) + r")=)[^&\s#'\"<>)\]]+")
_URL_PASSWORD = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^/\s:@]+:)[^/\s@]+@")

_lock = threading.Lock()
_values: set[str] = set()
_ordered: tuple[str, ...] = ()


def remember(*values: str | None) -> None:
    """Mask these values from now on (and a URL's secret parameters and password too)."""
    global _ordered
    found: set[str] = set()
    for value in values:
        if not value:
            continue
        value = value.strip()
        found.add(value)
        found.update(_url_parts(value))
    found = {v for v in found if len(v) >= MIN_SECRET}
    with _lock:
        if found <= _values:
            return
        _values.update(found)
        _ordered = tuple(sorted(_values, key=len, reverse=True))


def remember_environment(environ: Mapping[str, str]) -> None:
    """Mask the values of secret-looking variables (``*_TOKEN``, ``*_SECRET``, ``*_KEY`` …)."""
    remember(*(v for k, v in environ.items() if SECRET_NAMES.search(k)))


def scrub(text: str | None) -> str:
    """``text`` with every remembered secret, URL password and secret query value masked."""
    if not text:
        return text or ""
    for value in _ordered:
        if value in text:
            text = text.replace(value, MASK)
    text = _PARAM.sub(lambda m: m.group(1) + MASK, text)
    return _URL_PASSWORD.sub(lambda m: m.group(1) + MASK + "@", text)


def _url_parts(value: str) -> list[str]:
    """The secret pieces of a URL: its password and the values of its secret parameters."""
    if "://" not in value:
        return []
    try:
        parts = urlsplit(value)
        password = parts.password
    except ValueError:
        return []
    names = {p.lower() for p in SECRET_PARAMS}
    found = [v for k, v in parse_qsl(parts.query) if k.lower() in names]
    return [*found, *([password] if password else [])]
