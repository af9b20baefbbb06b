"""A stable hash of the settings the sweep works out due times from, and of the code's
schedule version: the same config under the same code gives the same fingerprint in every
process, any change to what the sweep works with (or to how this code schedules it) gives
another, and a change only to what it never reads (``[retention]``, ``[files]``,
``[digest]``, the server's and the platforms' tables) none."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping
from datetime import date, time, timedelta
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.runtime.config import Settings

# Not what the sweep works with: where the file is, the raw tables (the server's, the
# platforms', read by them at start), the database URL (it may hold a password), and the
# policies of jobs that keep no due time on a request (the nightly retention, the files
# taken, the digests, whose slots are worked out from the clock each time).
LEFT_OUT = frozenset({"path", "raw", "database_url", "retention", "files", "digest"})

SCHEDULE_VERSION = 1
"""How this code works out when each reminder, escalation or prompt is due. Bump it in a
change that moves a rule's time, adds or drops a rule, or changes which past rules the sweep
sends (``handlers/sweep_rules.py``, ``approval_sweep``, ``negotiation_sweep``, ``sweep``,
the calendar arithmetic of ``handlers/sla.py``): the first ``serve``, ``tick`` or ``chat``
of the new code then has every live request looked at again, as after a config change, so
no rule the new code places before a request's last sweep is passed over (what was sent
stays claimed)."""


def fingerprint(settings: Settings, schedule_version: int = SCHEDULE_VERSION) -> str:
    """The SHA-256 (hex) of the settings the sweep works with, in a canonical form, and of
    the code's ``schedule_version``."""
    parts = {f.name: getattr(settings, f.name) for f in dataclasses.fields(settings)
             if f.name not in LEFT_OUT}
    whole = {"settings": parts, "schedule_version": schedule_version}
    text = json.dumps(_plain(whole), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _plain(value: Any) -> Any:
    """``value`` as JSON data whose text does not depend on the process (no set order, no
    object addresses); TypeError for a type it does not know."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Enum):
        return _plain(value.value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)
                if f.compare}  # compare=False: an index built from the other fields
    if isinstance(value, Mapping):
        return {_key(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted((_plain(v) for v in value), key=_key)
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, date | time):  # a datetime is a date
        return value.isoformat()
    if isinstance(value, Decimal | Path):
        return str(value)
    if isinstance(value, ZoneInfo):
        return value.key
    raise TypeError(f"config fingerprint: no stable form for {type(value).__name__}")


def _key(value: Any) -> str:
    """A mapping key or a set member as text, for sorting."""
    return value if isinstance(value, str) else json.dumps(_plain(value), sort_keys=True)
