"""The service catalog: departments, their categories and targets, and the people."""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta

from handlers.service_spec import ApprovalSpec, FieldSpec

PRIORITIES = ("P1", "P2", "P3", "P4")
DEFAULT_TARGETS = {"first_response": "4h", "resolution": "3d"}  # a service that names none


def norm(word: str) -> str:
    """Fold case, width and spacing so '财务', 'FIN' and 'Fin ' compare equal."""
    return " ".join(unicodedata.normalize("NFKC", word).casefold().split())


def close_words(word: str, choices: Iterable[str], n: int = 3) -> list[str]:
    """Spellings among ``choices`` close to ``word`` (both folded by ``norm``): difflib's
    near misses, and for a short Chinese word (2-4 characters) one character slipped
    (``财物`` → ``财务``, ``报消`` → ``报销``), which difflib rates too far apart."""
    typed = norm(word)
    folded = [norm(c) for c in choices]
    slips = [c for c in folded if _one_character_slip(typed, c)]
    near = difflib.get_close_matches(typed, folded, n=n, cutoff=0.6)
    return list(dict.fromkeys([*slips, *near]))[:n]


def _one_character_slip(typed: str, choice: str) -> bool:
    """Whether two short words without Latin letters or digits differ in one character."""
    if not 2 <= len(typed) <= 4 or len(choice) != len(typed):
        return False
    if not all(not c.isascii() and c.isalpha() for c in typed + choice):
        return False
    return sum(a != b for a, b in zip(typed, choice, strict=True)) == 1


def matches(words: Iterable[str], typed: str) -> bool:
    """Whether ``typed`` is part of one of ``words``, folded as names are (case, full-width
    letters, spacing: 'ＩＴ' finds IT); nothing typed matches everything."""
    needle = norm(typed)
    return not needle or any(needle in norm(word) for word in words if word)


@dataclass(frozen=True)
class Category:
    """One service a department offers, with its default priority and targets."""

    key: str
    name: str
    name_zh: str
    aliases: tuple[str, ...]
    priority: str
    first_response: timedelta
    resolution: timedelta
    confidential: bool = False  # e.g. an HR complaint: no details in channels or digests
    fields: tuple[FieldSpec, ...] = ()  # what the service's form asks
    instructions: str = ""  # shown when someone picks the service and in the confirmation
    instructions_zh: str = ""
    approval: ApprovalSpec | None = None  # None: the desk may act at once

    def label(self, locale: str) -> str:
        """The name in ``locale``."""
        return self.name_zh if locale.startswith("zh") and self.name_zh else self.name

    def words(self) -> tuple[str, ...]:
        """Every spelling that names this category."""
        return (self.key, self.name, self.name_zh, *self.aliases)

    def instructions_for(self, locale: str) -> str:
        """The service's instructions in ``locale`` (empty when it has none)."""
        if locale.startswith("zh") and self.instructions_zh:
            return self.instructions_zh
        return self.instructions or self.instructions_zh

    def opened_only_as_itself(self) -> bool:
        """Whether its requests must be opened for it: it needs approval, or has a required
        field with no default. A change of service, a transfer or a help-channel message
        never lands a request here (it would skip the form or the approvers)."""
        return self.approval is not None or any(
            spec.required and spec.default is None for spec in self.fields)

    def field(self, key: str) -> FieldSpec | None:
        """The form field with this key."""
        return next((f for f in self.fields if f.key == key), None)


@dataclass(frozen=True)
class Department:
    """A providing department: who works there, its channel and catalog."""

    key: str
    prefix: str
    name: str
    name_zh: str
    aliases: tuple[str, ...]
    leads: tuple[str, ...]
    members: tuple[str, ...]
    channel: str
    categories: tuple[Category, ...]
    locale: str | None = None
    slack_channel: str | None = None
    wecom_chat: str | None = None
    after_hours_p1: bool = False  # its P1s run round the clock; the leads hear at once
    gone: bool = False  # no longer in the config: a stand-in for its old requests
    intake_channel: str | None = None  # a help channel: a new message there is a request
    intake_service: str | None = None  # the service such a request opens with (else the first)
    _category_index: dict[str, Category] = field(default_factory=dict, compare=False,
                                                 repr=False)

    def __post_init__(self) -> None:
        for cat in reversed(self.categories):  # the first category naming a word wins
            for word in cat.words():
                if word:
                    self._category_index[norm(word)] = cat

    @classmethod
    def removed(cls, key: str) -> Department:
        """A stand-in for a department the config no longer has: no staff, no services, no
        channel of its own (its requests stay visible to admins)."""
        return cls(key=key, prefix="", name=key, name_zh="", aliases=(), leads=(), members=(),
                   channel="", categories=(), gone=True)

    def label(self, locale: str) -> str:
        """The name in ``locale``."""
        return self.name_zh if locale.startswith("zh") and self.name_zh else self.name

    def words(self) -> tuple[str, ...]:
        """Every spelling that names this department."""
        return (self.key, self.prefix, self.name, self.name_zh, *self.aliases)

    def staff(self) -> tuple[str, ...]:
        """Members and leads, each once."""
        return tuple(dict.fromkeys((*self.members, *self.leads)))

    def category(self, key: str) -> Category | None:
        """The category with this key."""
        return next((c for c in self.categories if c.key == key), None)

    def find_category(self, word: str) -> Category | None:
        """The category named by key, name or alias (any case, zh or en)."""
        return self._category_index.get(norm(word))

    def category_suggestions(self, word: str) -> list[Category]:
        """Categories whose names are close to ``word``."""
        index = {norm(w): c for c in self.categories for w in c.words() if w}
        close = close_words(word, index)
        return list(dict.fromkeys(index[c] for c in close))


@dataclass(frozen=True)
class PersonSpec:
    """A person as configured."""

    id: str
    name: str
    slack: str | None = None
    wecom: str | None = None
    locale: str | None = None
    manager: str | None = None


@dataclass(frozen=True)
class Catalog:
    """All departments and configured people, with lookups by any spelling."""

    departments: tuple[Department, ...]
    people: tuple[PersonSpec, ...] = ()
    _index: dict[str, Department] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for dep in self.departments:
            for word in dep.words():
                if word:
                    self._index.setdefault(norm(word), dep)

    def department(self, key: str) -> Department:
        """The department with this key; a ``gone`` stand-in when the config no longer has
        it (its old requests must not take the desk down)."""
        for dep in self.departments:
            if dep.key == key:
                return dep
        return Department.removed(key)

    def has_department(self, key: str) -> bool:
        """Whether the config has a department with this key."""
        return any(dep.key == key for dep in self.departments)

    def find_department(self, word: str) -> Department | None:
        """The department named by key, prefix, name or alias."""
        return self._index.get(norm(word))

    def department_suggestions(self, word: str) -> list[Department]:
        """Departments whose names are close to ``word``."""
        close = close_words(word, self._index)
        return list(dict.fromkeys(self._index[c] for c in close))

    def departments_matching(self, typed: str) -> list[Department]:
        """The departments whose key, prefix, name or alias contains ``typed``, in order."""
        return [d for d in self.departments if matches(d.words(), typed)]

    def services_matching(self, typed: str, department: str | None = None,
                          ) -> Iterator[tuple[Department, list[Category]]]:
        """The services whose words contain ``typed`` (all of a department whose words do,
        unless searching within ``department``), by department in order; a department with
        none is left out."""
        for dep in self.departments:
            if department not in (None, dep.key):
                continue
            whole = not department and matches(dep.words(), typed)
            found = [c for c in dep.categories if whole or matches(c.words(), typed)]
            if found:
                yield dep, found

    def by_prefix(self, prefix: str) -> Department | None:
        """The department whose request ids start with ``prefix``."""
        prefix = prefix.upper()
        return next((d for d in self.departments if d.prefix == prefix), None)

    def departments_of(self, person_id: str) -> tuple[Department, ...]:
        """Departments where the person is a member or lead."""
        return tuple(d for d in self.departments if person_id in d.staff())

    def person_spec(self, person_id: str) -> PersonSpec | None:
        """The configured person with this id."""
        return next((p for p in self.people if p.id == person_id), None)
