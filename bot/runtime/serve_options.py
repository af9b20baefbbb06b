"""Where `serve` listens and how it logs: a command-line flag (or its environment variable,
e.g. CROSSDESK_PORT) wins over the config file (``[server] host``/``port``,
``[logging] format``), which wins over the defaults. ``[logging] access_log`` (a line per
HTTP request, off by default: every chat message is one, and crossdesk logs what matters)
is read from the config file only."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the config imports the keys below to check them
    from bot.runtime.config import Settings

LOG_FORMATS = ("text", "json")
# [server] sweep_seconds and dispatch_seconds are read by serve.start (the scheduler's periods)
SERVER_KEYS = ("host", "port", "sweep_seconds", "dispatch_seconds")
LOGGING_KEYS = ("format", "access_log")


@dataclass(frozen=True)
class ServeOptions:
    """How one `crossdesk serve` runs."""

    host: str = "127.0.0.1"
    port: int = 8080
    log_format: str = "text"
    upgrade: bool = False  # migrate first (behind the advisory lock) instead of refusing
    access_log: bool = False  # uvicorn's line per HTTP request


def resolve(settings: Settings, host: str | None = None, port: int | None = None,
            log_format: str | None = None, upgrade: bool = False) -> ServeOptions:
    """Flags and environment (given here, None when unset; checked by the command line) over
    the config file (checked when it loads: ``option_problems``)."""
    server = settings.section("server")
    logging = settings.section("logging")
    return ServeOptions(host=host or str(server.get("host", "127.0.0.1")),
                        port=port if port is not None else int(server.get("port", 8080)),
                        log_format=log_format or str(logging.get("format", "text")),
                        upgrade=upgrade, access_log=bool(logging.get("access_log", False)))


def option_problems(server: Mapping[str, Any], logging: Mapping[str, Any],
                    problem: Callable[[str, str], None]) -> None:
    """Every ``[server]`` and ``[logging]`` value serve would refuse, for the config's one
    pass (``check-config`` lists them with the rest; a flag given to serve still wins)."""
    port = server.get("port")
    if port is not None and (isinstance(port, bool) or not isinstance(port, int)
                             or not 0 < port < 65536):
        problem("server.port", f"{port!r} is not a TCP port; use a number such as 8080")
    host = server.get("host")
    if host is not None and (not isinstance(host, str) or not host.strip()):
        problem("server.host", f"{host!r} is not a host to listen on; use an address such as "
                "\"127.0.0.1\" (this machine) or \"0.0.0.0\" (every interface)")
    for key, default in (("sweep_seconds", 60), ("dispatch_seconds", 5)):
        value = server.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                  or value < 1):
            problem(f"server.{key}", f"{value!r} is not a number of seconds; use a whole "
                    f"number of 1 or more, e.g. {key} = {default}")
    fmt = logging.get("format")
    if fmt is not None and fmt not in LOG_FORMATS:
        problem("logging.format", f"{fmt!r} is not a log format; use \"text\" or \"json\"")
    access_log = logging.get("access_log")
    if access_log is not None and not isinstance(access_log, bool):
        problem("logging.access_log", f"{access_log!r} is not true or false; use access_log "
                "= true to log every HTTP request")
