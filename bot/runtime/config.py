"""TOML + environment → validated settings; every problem names file, key and the fix."""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.runtime import config_checks as checks
from bot.runtime.config_approval import cross_check, parse_approval
from bot.runtime.config_calendar import CALENDAR_KEYS, parse_calendar, parse_timezone
from bot.runtime.config_fields import parse_fields, parse_instructions
from bot.runtime.config_retention import parse_retention
from bot.runtime.config_service import DEPARTMENT_KEYS as DEPARTMENT_SERVICE_KEYS
from bot.runtime.config_service import parse_digest, parse_files, parse_service
from bot.runtime.serve_options import LOGGING_KEYS, SERVER_KEYS, option_problems
from handlers.catalog import (
    DEFAULT_TARGETS,
    PRIORITIES,
    Catalog,
    Category,
    Department,
    PersonSpec,
    norm,
)
from handlers.command_words import SUBCOMMAND_WORDS
from handlers.desk import Policy
from handlers.digest_post import DigestPolicy
from handlers.policy import FilePolicy, ServicePolicy
from handlers.retention_rules import RetentionPolicy
from handlers.service_spec import FieldSpec
from handlers.sla import BusinessCalendar, CalendarSpec, parse_duration

DEFAULT_DATABASE_URL = "sqlite:///crossdesk.db"
PREFIX_RE = re.compile(r"^[A-Z]{2,4}$")
KEY_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
RESERVED = set(SUBCOMMAND_WORDS) | {"/request", "/suggest", "提单", "请求"}
# The keys each table may have (anything else is reported, with the key meant).
BOT_KEYS = ("timezone", "locale", "database_url", "admins", "admin_channel")
PERSON_KEYS = ("id", "name", "slack", "wecom", "locale", "manager")
DEPARTMENT_KEYS = ("key", "prefix", "name", "name_zh", "aliases", "leads", "members", "channel",
                   "locale", *CALENDAR_KEYS, "after_hours_p1", "slack_channel", "wecom_chat",
                   "intake_channel", "intake_service", "categories", *DEPARTMENT_SERVICE_KEYS,
                   "slack_usergroup")  # the last one read by the Slack adapter
CATEGORY_KEYS = ("key", "name", "name_zh", "aliases", "priority", "first_response",
                 "resolution", "confidential", "instructions", "instructions_zh", "fields",
                 "approval")
# tables only the server and the platforms read
SECTION_KEYS = {"server": SERVER_KEYS, "logging": LOGGING_KEYS, "slack": checks.SLACK_KEYS,
                "wecom": checks.WECOM_KEYS}


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a config file."""

    file: str
    key: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.key}: {self.message}"


class ConfigError(Exception):
    """The config file has problems; ``problems`` lists them all. ``raw`` is the file as
    read, when it could be read (``check-config`` checks its platform tables too)."""

    def __init__(self, problems: list[Problem], raw: dict[str, Any] | None = None) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems
        self.raw = raw


@dataclass
class Settings:
    """Everything the runtime needs, validated."""

    path: Path
    database_url: str
    policy: Policy
    catalog: Catalog
    calendar_spec: CalendarSpec
    department_specs: dict[str, CalendarSpec]
    service: ServicePolicy = field(default_factory=ServicePolicy)
    digest: DigestPolicy = field(default_factory=DigestPolicy)
    files: FilePolicy = field(default_factory=FilePolicy)
    retention: RetentionPolicy = field(default_factory=RetentionPolicy)
    raw: dict[str, Any] = field(default_factory=dict)

    def calendar(self) -> BusinessCalendar:
        """The company's business calendar."""
        return BusinessCalendar(self.calendar_spec)

    def department_calendars(self) -> dict[str, BusinessCalendar]:
        """Calendars of departments with their own hours."""
        return {k: BusinessCalendar(s) for k, s in self.department_specs.items()}

    def section(self, name: str) -> dict[str, Any]:
        """A raw config table (for adapters' own keys)."""
        value = self.raw.get(name, {})
        return value if isinstance(value, dict) else {}


# The sample company, shipped inside the package (a link to the repository's
# config.example.toml in a checkout, a copy of it in an installed wheel).
EXAMPLE_CONFIG = Path(__file__).parent.parent / "config.example.toml"


def find_config(explicit: str | None) -> Path:
    """``--config`` if given, else ./config.toml, else ./config.example.toml, else the sample
    company shipped with the package."""
    if explicit:
        return Path(explicit)
    for name in ("config.toml", "config.example.toml"):
        if Path(name).exists():
            return Path(name)
    return EXAMPLE_CONFIG


def load(path: Path, database_url: str | None = None) -> Settings:
    """Read and validate ``path``; raise ConfigError listing every problem."""
    name = str(path)
    text = ""
    try:
        text = path.read_text(encoding="utf-8")
        raw = tomllib.loads(text)
    except FileNotFoundError:
        fix = "run `crossdesk init` to create one from config.example.toml"
        raise ConfigError([Problem(name, "-", f"file not found; {fix}")]) from None
    except tomllib.TOMLDecodeError as exc:
        headers = [Problem(name, f"line {n}", message) for n, message in _unknown_headers(text)]
        raise ConfigError([Problem(name, "-", f"not valid TOML: {exc}"), *headers]) from None
    except UnicodeDecodeError:
        raise ConfigError([Problem(name, "-", "not UTF-8 text; save the file as UTF-8")]) from None
    except OSError as exc:
        raise ConfigError([Problem(name, "-", f"cannot read it: {exc.strerror or exc}; "
                                   "give the path of a TOML file")]) from None
    return _Validator(name, raw, database_url).settings()


class _Validator:
    """Collects every problem instead of stopping at the first."""

    def __init__(self, file: str, raw: dict[str, Any], database_url: str | None) -> None:
        self.file = file
        self.raw = raw
        self.database_url = database_url
        self.problems: list[Problem] = []

    def problem(self, key: str, message: str) -> None:
        self.problems.append(Problem(self.file, key, message))

    def _key(self, where: str, value: str, longest: int, seen: set[str], example: str,
             what: str, among: str = "") -> None:
        """A department's or service's key: short enough for the database, well formed,
        unique."""
        if len(value) > longest:
            self.problem(where, f"is {len(value)} characters; the database keeps at most "
                         f"{longest}: use a shorter one")
        elif not KEY_RE.match(value):
            self.problem(where, f"{value!r} is not a valid key; use lowercase letters, digits "
                         f"and dashes, {example}")
        elif value in seen:
            self.problem(where, f"duplicate {what} {value!r}{among}; keys must be unique")

    def settings(self) -> Settings:
        self.raw = checks.shapes(self.raw, self.problem)
        checks.unknown_keys(self.raw, checks.TABLES + checks.ARRAYS, "", self.problem)
        bot = self._table(self.raw, "bot")
        checks.unknown_keys(bot, BOT_KEYS, "bot", self.problem)
        self._secrets(self.raw, "")
        timezone = parse_timezone(bot, self.problem)
        locale = str(bot.get("locale", "zh-CN"))
        if locale not in ("zh-CN", "en"):
            self.problem("bot.locale", f"{locale!r} is not supported; use \"zh-CN\" or \"en\"")
            locale = "zh-CN"
        company = self._table(self.raw, "calendar")
        checks.unknown_keys(company, CALENDAR_KEYS, "calendar", self.problem)
        calendar_spec = parse_calendar(company, "calendar", timezone, self.problem)
        day = _day_length(calendar_spec)
        people = self._people()
        ids = {p.id for p in people}
        admins = tuple(self._strings(bot, "admins", "bot"))
        for a in admins:
            if a not in ids:
                self.problem("bot.admins", f"unknown person {a!r}; add them to [[people]]")
        factors = self._priorities()
        departments, dep_specs = self._departments(ids, timezone, calendar_spec, day)
        service = parse_service(
            self.raw, day, self.problem,
            {k: _day_length(spec) for k, spec in dep_specs.items()},
        )
        digest = parse_digest(self.raw, self.problem)
        files = parse_files(self.raw, self.problem)
        retention = parse_retention(self.raw, self.problem)
        for name, known in SECTION_KEYS.items():
            checks.unknown_keys(self._table(self.raw, name), known, name, self.problem)
        option_problems(self._table(self.raw, "server"), self._table(self.raw, "logging"),
                        self.problem)
        checks.platform_switches(self.raw, self.problem)
        cross_check(((f"departments[{i}].categories[{j}]", c.get("approval"))
                     for i, d in enumerate(self.raw.get("departments", []))
                     for j, c in enumerate(d.get("categories", []))),
                    ids, {d.key for d in departments}, self.problem)
        policy = Policy(timezone=timezone, locale=locale, admins=admins,
                        priority_factors=factors, admin_channel=bot.get("admin_channel"))
        if self.problems:
            raise ConfigError(self.problems, self.raw)
        url = self.database_url or str(bot.get("database_url", DEFAULT_DATABASE_URL))
        return Settings(
            path=Path(self.file), database_url=url, policy=policy,
            catalog=Catalog(departments=tuple(departments), people=tuple(people)),
            calendar_spec=calendar_spec, department_specs=dep_specs, service=service,
            digest=digest, files=files, retention=retention,
            raw=self.raw,
        )

    def _secrets(self, value: Any, path: str) -> None:
        """Report every key that looks like a secret (token, signing_secret, aes_key …)."""
        if isinstance(value, list):
            for i, item in enumerate(value):
                self._secrets(item, f"{path}[{i}]")
        elif isinstance(value, dict):
            for k, v in value.items():
                where = f"{path}.{k}" if path else str(k)
                if checks.secret_name(k):
                    self.problem(where, checks.secret_in_file(where))
                else:
                    self._secrets(v, where)
        else:
            checks.secrets_by_value(value, path, self.problem)

    def _strings(self, table: dict[str, Any], name: str, key: str) -> list[str]:
        """A list of strings, or a problem (``leads = "carol"`` is not a list)."""
        value = table.get(name, [])
        if isinstance(value, str) or not isinstance(value, list):
            self.problem(f"{key}.{name}", f"must be a list of strings such as [\"{value}\"]"
                         if isinstance(value, str) else "must be a list of strings")
            return []
        return [str(v) for v in value]

    def _table(self, parent: dict[str, Any], key: str) -> dict[str, Any]:
        value = parent.get(key, {})
        if not isinstance(value, dict):
            self.problem(key, "must be a table like [" + key + "]")
            return {}
        return value

    def _priorities(self) -> dict[str, float]:
        table = self._table(self.raw, "priorities")
        factors = {"P1": 0.25, "P2": 0.5, "P3": 1.0, "P4": 2.0}
        for k, v in table.items():
            if k not in PRIORITIES:
                self.problem(f"priorities.{k}", "unknown priority; use P1, P2, P3 or P4")
            elif not isinstance(v, int | float) or v <= 0:
                self.problem(f"priorities.{k}", "must be a positive number such as 0.5")
            else:
                factors[k] = float(v)
        return factors

    def _people(self) -> list[PersonSpec]:
        out: list[PersonSpec] = []
        seen: dict[str, str] = {}
        places: list[int] = []  # where each accepted person stands in the file
        for i, p in enumerate(self.raw.get("people", [])):
            key = f"people[{i}]"
            checks.unknown_keys(p, PERSON_KEYS, key, self.problem)
            pid = checks.text(p.get("id"), f"{key}.id", checks.PERSON_ID_MAX, self.problem,
                              example="alice") or ""
            if not pid and not p.get("id"):
                self.problem(f"{key}.id", "missing; every person needs an id such as \"alice\"")
            elif pid and UNTYPABLE_ID.search(pid):
                self.problem(f"{key}.id", f"{pid!r} cannot be typed as one word in a command "
                             "(`assign FIN-1 <id>`, `<id>>` on the console); use lowercase "
                             "letters, digits, dots, dashes or underscores, e.g. "
                             f"\"{_typable(pid)}\"")
            fields = {name: checks.text(p.get(name), f"{key}.{name}", limit, self.problem,
                                        example=example)
                      for name, limit, example in (
                          ("name", checks.NAME_MAX, "王丽 Alice Wang"),
                          ("slack", checks.PLATFORM_ID_MAX, "U0ALICE"),
                          ("wecom", checks.PLATFORM_ID_MAX, "wangli"),
                          ("manager", checks.PERSON_ID_MAX, "carol"),
                          ("locale", 10, "en"))}
            loc = fields["locale"]
            if loc is not None and loc not in ("zh-CN", "en"):
                self.problem(f"{key}.locale", f"{loc!r} is not supported; use \"zh-CN\" or \"en\"")
                loc = None
            if not pid:
                continue  # reported; the person's other keys are checked all the same
            if pid in {x.id for x in out}:
                self.problem(f"{key}.id", f"duplicate person id {pid!r}; ids must be unique")
            for platform in ("slack", "wecom"):
                handle = fields[platform]
                same = handle.lower() if handle and platform == "wecom" else handle
                if same and f"{platform}:{same}" in seen:
                    self.problem(f"{key}.{platform}", f"{handle!r} is already used by "
                                 f"{seen[f'{platform}:{same}']!r}")
                elif same:
                    seen[f"{platform}:{same}"] = pid
            out.append(PersonSpec(id=pid, name=fields["name"] or pid, slack=fields["slack"],
                                  wecom=fields["wecom"], locale=loc, manager=fields["manager"]))
            places.append(i)
        ids = {x.id for x in out}
        for i, p in zip(places, out, strict=True):
            if p.manager and p.manager not in ids:
                self.problem(f"people[{i}].manager", f"unknown person {p.manager!r}; use the id "
                             "of someone in [[people]]")
        checks.manager_cycles({p.id: p.manager for p in out},
                              {p.id: i for i, p in zip(places, out, strict=True)}, self.problem)
        return out

    def _departments(self, ids: set[str], timezone: str, company: CalendarSpec,
                     day: timedelta) -> tuple[list[Department], dict[str, CalendarSpec]]:
        out: list[Department] = []
        specs: dict[str, CalendarSpec] = {}
        words: dict[str, str] = {}
        prefixes: dict[str, str] = {}
        channels: dict[str, str] = {}
        dep_keys: set[str] = set()
        raw_deps = self.raw.get("departments", [])
        if not raw_deps:
            self.problem("departments", "no departments; add at least one [[departments]] table")
        for i, d in enumerate(raw_deps):
            key = f"departments[{i}]"
            checks.unknown_keys(d, DEPARTMENT_KEYS, key, self.problem)
            checks.names(d, key, self.problem)
            checks.platform_names(d, key, self.problem)
            dkey = str(d.get("key", ""))
            self._key(f"{key}.key", dkey, checks.KEY_MAX, dep_keys, "e.g. \"finance\"",
                      "department key")
            dep_keys.add(dkey)
            prefix = str(d.get("prefix", ""))
            if not PREFIX_RE.match(prefix):
                self.problem(f"{key}.prefix", f"{prefix!r} must be 2-4 capital letters, e.g. FIN")
            elif prefix in prefixes:
                self.problem(f"{key}.prefix", f"prefix {prefix} is already used by "
                             f"{prefixes[prefix]!r}; pick another")
            prefixes.setdefault(prefix, dkey)
            aliases = self._strings(d, "aliases", key)
            named = [("key", dkey), ("prefix", prefix), ("name", d.get("name", "")),
                     ("name_zh", d.get("name_zh", ""))] + [("aliases", a) for a in aliases]
            for field_name, w in named:
                if not w or (field_name == "prefix" and prefixes.get(prefix) != dkey):
                    continue
                n = norm(str(w))
                if n in RESERVED:
                    self.problem(f"{key}.{field_name}", f"{w!r} is a command word; "
                                 "choose another name")
                elif n in words and words[n] != dkey:
                    self.problem(f"{key}.{field_name}", f"{w!r} already names department "
                                 f"{words[n]!r}; remove one of them")
                words.setdefault(n, dkey)
            roles = {role: self._strings(d, role, key) for role in ("leads", "members")}
            for role, pids in roles.items():
                for pid in pids:
                    if pid not in ids:
                        self.problem(f"{key}.{role}", f"unknown person {pid!r}; add them to "
                                     "[[people]] or fix the spelling")
            if not roles["leads"] and isinstance(d.get("leads", []), list):
                self.problem(f"{key}.leads", "every department needs at least one lead")
            channel = str(d.get("channel", f"{dkey}-requests"))
            if not channel.strip():
                self.problem(f"{key}.channel", f"is empty: the messages of department {dkey!r} "
                             "would go to a channel with no name; write the channel, e.g. "
                             f"channel = \"{dkey}-requests\", or remove the key to use that "
                             "default (a WeCom desk needs none: it posts to wecom_chat or its "
                             "robot)")
            elif channel in channels:
                self.problem(f"{key}.channel", f"channel {channel!r} is already used by "
                             f"{channels[channel]!r}")
            channels.setdefault(channel, dkey)
            spec = company
            if any(k in d for k in CALENDAR_KEYS):
                spec = parse_calendar(d, key, timezone, self.problem, company)
                specs[dkey] = spec
            cats = self._categories(d, key, _day_length(spec) if spec is not company else day)
            after_hours_p1 = d.get("after_hours_p1", False)
            if not isinstance(after_hours_p1, bool):
                self.problem(f"{key}.after_hours_p1", "true or false (a P1 breach outside "
                             "working hours reaches the leads at once)")
                after_hours_p1 = False
            loc = d.get("locale")
            if loc is not None and loc not in ("zh-CN", "en"):
                self.problem(f"{key}.locale", f"{loc!r} is not supported; use \"zh-CN\" or \"en\"")
                loc = None
            out.append(Department(
                key=dkey, prefix=prefix, name=str(d.get("name", dkey)),
                name_zh=str(d.get("name_zh", "")), aliases=tuple(aliases),
                leads=tuple(roles["leads"]), members=tuple(roles["members"]),
                channel=channel, categories=tuple(cats), locale=loc,
                slack_channel=d.get("slack_channel"), wecom_chat=d.get("wecom_chat"),
                after_hours_p1=after_hours_p1,
                intake_channel=d.get("intake_channel") or None,
                intake_service=self._intake_service(d, key, cats),
            ))
        return out, specs

    def _intake_service(self, d: dict[str, Any], key: str, cats: list[Category]) -> str | None:
        """``intake_service``: one of the department's service keys (None: the first)."""
        wanted = d.get("intake_service")
        if wanted is not None and str(wanted) not in [c.key for c in cats]:
            self.problem(f"{key}.intake_service", f"{wanted!r} is not a service of this "
                         "department; use one of its [[departments.categories]] keys")
            return None
        opening = next((c for c in cats if c.key == wanted), None) if wanted is not None \
            else (cats[0] if cats else None)
        if d.get("intake_channel") and opening is not None and opening.opened_only_as_itself():
            self.problem(f"{key}.intake_service", f"{opening.key!r} needs a form or approval, "
                         "which a message in the help channel cannot give; name a service "
                         "without required fields or approval")
        return str(wanted) if wanted is not None else None

    def _categories(self, d: dict[str, Any], key: str, day: timedelta) -> list[Category]:
        out: list[Category] = []
        words: dict[str, str] = {}
        cat_keys: set[str] = set()
        cats = d.get("categories", [])
        if not cats:
            self.problem(f"{key}.categories", "no services; add [[departments.categories]]")
        for j, c in enumerate(cats):
            ckey = f"{key}.categories[{j}]"
            checks.unknown_keys(c, CATEGORY_KEYS, ckey, self.problem)
            checks.names(c, ckey, self.problem)
            k = str(c.get("key", ""))
            self._key(f"{ckey}.key", k, checks.CATEGORY_MAX, cat_keys,
                      "e.g. \"reimbursement\"", "service key", " in this department")
            cat_keys.add(k)
            aliases = self._strings(c, "aliases", ckey)
            named = [("key", k), ("name", c.get("name", "")),
                     ("name_zh", c.get("name_zh", ""))] + [("aliases", a) for a in aliases]
            for field_name, w in named:
                n = norm(str(w)) if w else ""
                if n and n in words and words[n] != k:
                    self.problem(f"{ckey}.{field_name}", f"{w!r} already names service "
                                 f"{words[n]!r}")
                if n:
                    words.setdefault(n, k)
            priority = str(c.get("priority", "P3"))
            if priority not in PRIORITIES:
                self.problem(f"{ckey}.priority", f"{priority!r} is not a priority; use P1-P4")
                priority = "P3"
            targets = []
            for name, default in DEFAULT_TARGETS.items():
                try:
                    targets.append(parse_duration(str(c.get(name, default)), day))
                except ValueError as exc:
                    self.problem(f"{ckey}.{name}", f"{exc}; write e.g. \"30m\", \"4h\" or \"3d\"")
                    targets.append(timedelta(hours=4))
            confidential = c.get("confidential", False)
            if not isinstance(confidential, bool):
                self.problem(f"{ckey}.confidential", "true or false (true keeps the details out "
                             "of channels, escalations and digests)")
                confidential = True  # when in doubt, keep it private
            fields = parse_fields(c.get("fields"), ckey, self.problem)
            instructions, instructions_zh = parse_instructions(c, ckey, self.problem)
            out.append(Category(
                key=k, name=str(c.get("name", k)), name_zh=str(c.get("name_zh", "")),
                aliases=tuple(aliases), priority=priority,
                first_response=targets[0], resolution=targets[1], confidential=confidential,
                fields=fields, instructions=instructions, instructions_zh=instructions_zh,
                approval=parse_approval(c.get("approval"), ckey, fields, self.problem,
                                        _refused_fields(c.get("fields"), fields)),
            ))
        return out


# A table header of bare keys, as a whole line: `[a.b]` or `[[a]]`, an optional comment after.
_BARE_KEY = r"[A-Za-z0-9_-]+"
_HEADER = re.compile(rf"^\s*(\[\[?)\s*({_BARE_KEY}(?:\s*\.\s*{_BARE_KEY})*)\s*(\]\]?)\s*(?:#.*)?$")
_HEADERS = (*checks.TABLES, *checks.ARRAYS, "departments.categories", "departments.nudges",
            "departments.categories.approval", "departments.categories.fields",
            "wecom.robot_webhooks", "slack.channels", "slack.reactions", "wecom.chats")


def _unknown_headers(text: str) -> list[tuple[int, str]]:
    """Table headers of no known table, with the closest one: a misspelled ``[[departmentz]]``
    makes TOML fail lines later (at the next ``[[departments.categories]]``), naming only
    that line."""
    found = []
    for number, line in _top_level_lines(text):
        match = _HEADER.match(line)
        if match is None or len(match.group(1)) != len(match.group(3)):
            continue
        name = re.sub(r"\s+", "", match.group(2))
        if name in _HEADERS:
            continue
        close = difflib.get_close_matches(name, _HEADERS, n=1)
        found.append((number, f"[{match.group(1)[1:]}{name}{']' * len(match.group(1))} "
                      "is not a table crossdesk reads" + (
                          f"; did you mean {match.group(1)}{close[0]}"
                          f"{']' * len(match.group(1))}?" if close else "")))
    return found


def _top_level_lines(text: str) -> list[tuple[int, str]]:
    """The numbered lines that start outside any multi-line array or string: where a table
    header can be."""
    lines: list[tuple[int, str]] = []
    depth, quote = 0, ""
    for number, line in enumerate(text.splitlines(), 1):
        if depth == 0 and not quote:
            lines.append((number, line))
            if line.lstrip().startswith("["):
                continue  # a header, or a broken one: it opens nothing
        depth, quote = _scan(line, depth, quote)
    return lines


def _scan(line: str, depth: int, quote: str) -> tuple[int, str]:
    """The open arrays' depth and the open multi-line string's delimiter ("" if none) after
    ``line``, given them before it; brackets in strings and comments do not count."""
    i = 0
    while i < len(line):
        if quote:
            i = _string_end(line, i, quote)
            if i < 0:
                return depth, quote
            quote = ""
        elif line[i] == "#":
            break
        elif line.startswith(('"""', "'''"), i):
            quote, i = line[i:i + 3], i + 3
        elif line[i] in "\"'":
            i = _string_end(line, i + 1, line[i])
            if i < 0:
                break  # unclosed: a one-line string ends with its line
        else:
            depth = max(0, depth + {"[": 1, "]": -1}.get(line[i], 0))
            i += 1
    return depth, quote


def _string_end(line: str, start: int, quote: str) -> int:
    """The index just past the delimiter ``quote`` that closes a string at ``start``, or -1."""
    i = start
    while i < len(line):
        if line[i] == "\\" and quote[0] == '"':
            i += 2
        elif line.startswith(quote, i):
            run = len(line[i:]) - len(line[i:].lstrip(quote[0]))
            return i + (min(run, 5) if len(quote) == 3 else 1)  # `""""` ends with a quote
        else:
            i += 1
    return -1


# What ends a word in a command or a console line: a person id must not hold any of it.
UNTYPABLE_ID = re.compile(r"[\s>＞@:：,，]")


def _typable(pid: str) -> str:
    """An id like ``pid`` that can be typed: 'Zoe Zhao' → 'zoe.zhao'."""
    return ".".join(w for w in UNTYPABLE_ID.split(pid.lower()) if w) or "alice"


def _refused_fields(raw: Any, kept: tuple[FieldSpec, ...]) -> frozenset[str]:
    """The keys of a service's fields as written that ``parse_fields`` refused (reported)."""
    if not isinstance(raw, list):
        return frozenset()
    written = {str(f["key"]) for f in raw if isinstance(f, dict) and f.get("key") is not None}
    return frozenset(written - {f.key for f in kept})


def _day_length(spec: CalendarSpec) -> timedelta:
    return BusinessCalendar(spec).daily_length()
