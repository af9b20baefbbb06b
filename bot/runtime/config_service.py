"""[nudges] and [feedback] config → the service policy (with per-department overrides)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields, replace
from datetime import time, timedelta
from typing import Any

from bot.runtime.config_checks import unknown_keys
from handlers.catalog import DEFAULT_TARGETS
from handlers.digest_post import DigestPolicy
from handlers.policy import MB, FeedbackPolicy, FilePolicy, NudgePolicy, ServicePolicy
from handlers.sla import WorkTime, parse_duration, parse_work_time

Problem = Callable[[str, str], None]
DURATIONS = ("repeat_every", "snooze_max", "auto_close_waiting", "auto_confirm",
             "proposal_reminder", "proposal_lapse", "approval_remind", "approval_escalate")
DURATION_LISTS = ("escalation", "remind_waiting")
COUNT_LIMITS = {"repeat_max": 20, "escalation_depth": 10, "steps": 20,  # sweeps stay fast
                "proposal_rounds": 10}
DAY_DEFAULTS = {"remind_waiting": ["1d", "2d"], "auto_close_waiting": "5d",
                "auto_confirm": "3d", "snooze_max": "1d"}
FEEDBACK_KEYS = ("thanks_delay", "rating_reminder", "change_window", "low_rating", "tags")
TAG_KEYS = ("key", "name", "name_zh")
DIGEST_KEYS = ("day", "time", "timeliness_weight", "charts_dir")
DEPARTMENT_KEYS = ("nudges", "digest_day", "digest_time")  # read here from [[departments]]


def _duration(value: Any, key: str, day: timedelta, problem: Problem) -> WorkTime | None:
    """A duration whose days count the working day of the calendar it runs on (``day`` is
    the one checked here: the desk's, or the company's)."""
    try:
        return parse_work_time(str(value))
    except ValueError as exc:
        problem(key, f"{exc}; write e.g. \"30m\", \"2h\" or \"1d\"")
        return None


def parse_nudges(table: dict[str, Any], key: str, day: timedelta, problem: Problem,
                 base: NudgePolicy) -> NudgePolicy:
    """A NudgePolicy from a [nudges] table; unknown or bad keys are reported."""
    known = sorted(f.name for f in fields(NudgePolicy))
    unknown_keys(table, known, key, problem)
    changes: dict[str, Any] = {}
    for name, value in table.items():
        where = f"{key}.{name}"
        if name not in known:
            continue
        if name in DURATIONS:
            parsed = _duration(value, where, day, problem)
            if parsed is not None:
                changes[name] = parsed
        elif name in DURATION_LISTS:
            if not isinstance(value, list) or len(value) > COUNT_LIMITS["steps"]:
                problem(where, "a list of at most "
                        f"{COUNT_LIMITS['steps']} durations such as [\"1h\", \"4h\"]")
                continue
            items = [_duration(v, where, day, problem) for v in value]
            if name == "escalation" and not items:
                problem(where, "needs at least one step, e.g. [\"1h\", \"4h\"]")
            elif all(i is not None for i in items):
                changes[name] = tuple(items)
        elif name == "warn_at":
            if not isinstance(value, int | float) or not 0 < value < 1:
                problem(where, "a fraction of the target between 0 and 1, e.g. 0.75")
            else:
                changes[name] = float(value)
        elif not isinstance(value, int) or isinstance(value, bool) or value < 0:
            problem(where, "a whole number such as 3")
        elif value > COUNT_LIMITS.get(name, value):
            problem(where, f"{value} is far too many; use at most {COUNT_LIMITS[name]}, e.g. 3")
        else:
            changes[name] = value
    return replace(base, **changes)


def parse_feedback(table: dict[str, Any], day: timedelta, problem: Problem) -> FeedbackPolicy:
    """A FeedbackPolicy from a [feedback] table."""
    policy = FeedbackPolicy()
    unknown_keys(table, FEEDBACK_KEYS, "feedback", problem)
    changes: dict[str, Any] = {}
    for name in ("thanks_delay", "rating_reminder"):
        if name in table:
            parsed = _duration(table[name], f"feedback.{name}", day, problem)
            if parsed is not None:
                changes[name] = parsed
    if "change_window" in table:  # clock time: a day is 24 hours
        window = _duration(table["change_window"], "feedback.change_window", day, problem)
        if window is not None:
            changes["change_window"] = window.in_days_of(timedelta(hours=24))
    if "low_rating" in table:
        value = table["low_rating"]
        if not isinstance(value, int) or not 1 <= value <= 5:
            problem("feedback.low_rating", "a star count from 1 to 5, e.g. 2")
        else:
            changes["low_rating"] = value
    if "tags" in table:
        tags = []
        for i, tag in enumerate(table["tags"]):
            if isinstance(tag, dict):  # a tag without its key still has its keys checked
                unknown_keys(tag, TAG_KEYS, f"feedback.tags[{i}]", problem)
            if not isinstance(tag, dict) or not tag.get("key"):
                problem(f"feedback.tags[{i}]", "write {key = \"timely\", name = \"Timely\", "
                        "name_zh = \"及时\"}")
                continue
            tags.append((str(tag["key"]), str(tag.get("name", tag["key"])),
                         str(tag.get("name_zh", tag.get("name", tag["key"])))))
        changes["tags"] = tuple(tags)
    return replace(policy, **changes)


def parse_service(raw: dict[str, Any], day: timedelta, problem: Problem,
                  department_days: dict[str, timedelta]) -> ServicePolicy:
    """The whole service policy: company rules and each department's overrides."""
    table = {**DAY_DEFAULTS, **(raw.get("nudges", {}) or {})}
    nudges = parse_nudges(table, "nudges", day, problem, NudgePolicy())
    feedback = parse_feedback(raw.get("feedback", {}) or {}, day, problem)
    overrides: dict[str, NudgePolicy] = {}
    for i, dep in enumerate(raw.get("departments", [])):
        table = dep.get("nudges")
        if isinstance(table, dict):
            dkey = str(dep.get("key", ""))
            overrides[dkey] = parse_nudges(table, f"departments[{i}].nudges",
                                           department_days.get(dkey, day), problem, nudges)
    target_order(raw, day, problem, department_days)
    return ServicePolicy(nudges=nudges, feedback=feedback, department_nudges=overrides)


def target_order(raw: dict[str, Any], day: timedelta, problem: Problem,
                 department_days: dict[str, timedelta]) -> None:
    """Refuse a service whose resolution target is shorter than its first response: its
    requests would be due to be solved before they are due to be answered (a day counts the
    department's working day; targets that do not parse are reported where they are read)."""
    departments = raw.get("departments")
    for i, dep in enumerate(departments if isinstance(departments, list) else []):
        if not isinstance(dep, dict) or not isinstance(dep.get("categories"), list):
            continue
        dep_day = department_days.get(str(dep.get("key", "")), day)
        for j, cat in enumerate(dep["categories"]):
            if not isinstance(cat, dict):
                continue
            first_text = str(cat.get("first_response", DEFAULT_TARGETS["first_response"]))
            resolution_text = str(cat.get("resolution", DEFAULT_TARGETS["resolution"]))
            try:
                first = parse_duration(first_text, dep_day)
                resolution = parse_duration(resolution_text, dep_day)
            except ValueError:
                continue
            if resolution < first:
                problem(f"departments[{i}].categories[{j}].resolution",
                        f"{resolution_text!r} is shorter than first_response {first_text!r} of "
                        f"service {cat.get('key', '')!r}: its requests would be due to be "
                        f"solved before they are due to be answered; write e.g. resolution = "
                        f"\"{first_text}\" or longer (or a shorter first_response)")


def _slot(day: Any, at: Any, key: str, problem: Problem) -> tuple[int, time] | None:
    name = str(day).lower()[:3]
    if name not in DAYS_NAMES:
        problem(f"{key}.day", f"{day!r} is not a weekday; write \"mon\" … \"sun\"")
    try:
        moment: time | None = time.fromisoformat(str(at))
    except ValueError:
        problem(f"{key}.time", f"{at!r} is not a time; write \"09:30\"")
        moment = None
    if name not in DAYS_NAMES or moment is None:
        return None
    return DAYS_NAMES.index(name), moment


def parse_digest(raw: dict[str, Any], problem: Problem) -> DigestPolicy:
    """[digest] day/time (default Monday 09:30), per-department digest_day/digest_time."""
    table = raw.get("digest", {}) or {}
    unknown_keys(table, DIGEST_KEYS, "digest", problem)
    slot = _slot(table.get("day", "mon"), table.get("time", "09:30"), "digest", problem)
    day, at = slot or (0, time(9, 30))
    weight = table.get("timeliness_weight", 0.5)
    if not isinstance(weight, int | float) or not 0 <= weight <= 1:
        problem("digest.timeliness_weight", "a share between 0 and 1, e.g. 0.5")
        weight = 0.5
    overrides: dict[str, tuple[int, time]] = {}
    for i, dep in enumerate(raw.get("departments", [])):
        if "digest_day" in dep or "digest_time" in dep:
            own = _slot(dep.get("digest_day", DAYS_NAMES[day]), dep.get("digest_time", at),
                        f"departments[{i}].digest", problem)
            if own:
                overrides[str(dep.get("key", ""))] = own
    return DigestPolicy(day=day, at=at, overrides=overrides, timeliness_weight=float(weight),
                        charts_dir=table.get("charts_dir"))


SIZE_UNITS = {"kb": 1024, "mb": MB, "gb": 1024 * MB, "b": 1}
FILES_KEYS = ("dir", "max_size", "types")


def _size(value: Any) -> int | None:
    """Bytes from ``10485760``, ``"10MB"`` or ``"512 KB"``; None when unreadable."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if value > 0 else None
    text = str(value).strip().lower().replace(" ", "")
    for unit, factor in SIZE_UNITS.items():
        number = text.removesuffix(unit)
        if number != text:
            try:
                size = float(number)
            except ValueError:
                return None
            return int(size * factor) if size > 0 else None
    return None


def parse_files(raw: dict[str, Any], problem: Problem) -> FilePolicy:
    """[files]: ``dir`` (a folder for the bytes; default: the database), ``max_size`` (per
    file, default 10 MB) and ``types`` (MIME types taken, ``image/*`` for a family)."""
    table = raw.get("files", {}) or {}
    policy = FilePolicy()
    changes: dict[str, Any] = {}
    unknown_keys(table, FILES_KEYS, "files", problem)
    if "dir" in table:
        folder = table["dir"]
        if not isinstance(folder, str) or not folder.strip():
            problem("files.dir", "a folder every replica shares, e.g. \"files\" (leave it out "
                    "to keep files in the database)")
        else:
            changes["dir"] = folder.strip()
    if "max_size" in table:
        size = _size(table["max_size"])
        if size is None:
            problem("files.max_size", "a size such as \"10MB\", \"512KB\" or 10485760 (bytes)")
        else:
            changes["max_bytes"] = size
    if "types" in table:
        types = table["types"]
        if (not isinstance(types, list) or not types
                or not all(isinstance(t, str) and "/" in t for t in types)):
            problem("files.types", "a list of MIME types such as [\"image/*\", "
                    "\"application/pdf\"]")
        else:
            changes["types"] = tuple(str(t).strip() for t in types)
    return replace(policy, **changes)


DAYS_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
