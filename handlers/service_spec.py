"""What a service declares beyond its targets: the fields its form asks, the instructions shown
before anyone waits, and the approval a request needs before the desk may act."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

FIELD_TYPES = ("text", "long_text", "number", "amount", "date", "choice", "person",
               "department", "file")
APPROVER_KINDS = ("manager", "person", "leads")  # "manager", "<person id>", "leads:<department>"
APPROVAL_MODES = ("any", "all")
REQUESTER = "@requester"  # a department field's default: the requester's department


def _zh(locale: str) -> bool:
    return locale.startswith("zh")


@dataclass(frozen=True)
class Choice:
    """One option of a ``choice`` field."""

    key: str
    name: str
    name_zh: str = ""
    aliases: tuple[str, ...] = ()

    def label(self, locale: str) -> str:
        """The option's name in ``locale``."""
        return self.name_zh if _zh(locale) and self.name_zh else self.name

    def words(self) -> tuple[str, ...]:
        """Every spelling that picks this option."""
        return (self.key, self.name, self.name_zh, *self.aliases)


@dataclass(frozen=True)
class FieldSpec:
    """One field of a service's form: what it is called, its type and its limits.

    ``minimum``/``maximum`` bound a number or amount; ``max_length`` and ``pattern`` a text;
    ``currency`` is an amount's default currency; ``choices`` are a choice field's options;
    a ``file`` field is satisfied by a file attached to the request; a ``date`` field's
    ``not_before`` names the date field of the same form it may not precede (a last day
    after the first)."""

    key: str
    name: str
    type: str
    name_zh: str = ""
    required: bool = False
    aliases: tuple[str, ...] = ()
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    max_length: int | None = None
    pattern: str | None = None
    default: str | None = None
    currency: str | None = None
    choices: tuple[Choice, ...] = ()
    hint: str = ""
    hint_zh: str = ""
    not_before: str | None = None  # a date field: the key of the date it may not precede

    def label(self, locale: str) -> str:
        """The field's name in ``locale``."""
        return self.name_zh if _zh(locale) and self.name_zh else self.name

    def hint_for(self, locale: str) -> str:
        """The field's hint (an example of a good value) in ``locale``."""
        return self.hint_zh if _zh(locale) and self.hint_zh else self.hint

    def words(self) -> tuple[str, ...]:
        """Every spelling that names this field in ``key=value``."""
        return (self.key, self.name, self.name_zh, *self.aliases)

    def may_be_empty(self) -> bool:
        """Whether a form may be sent with this field empty: it is not required, or its
        default fills it (``@requester`` may find nothing: it does not count). A ``file``
        field is satisfied by a file sent with the form."""
        return not self.required or (self.default is not None and self.default != REQUESTER)


@dataclass(frozen=True)
class ApprovalStep:
    """One step of an approval chain. ``approvers`` are ``"manager"`` (the requester's),
    person ids, or ``"leads:<department>"``; ``mode`` is ``"any"`` (one approval is enough)
    or ``"all"``. The step applies only when the amount is above ``above`` (None: always)."""

    approvers: tuple[str, ...]
    mode: str = "any"
    above: Decimal | None = None

    def applies(self, amount: Decimal | None) -> bool:
        """Whether this step is needed for a request of ``amount``."""
        return self.above is None or (amount is not None and amount > self.above)


@dataclass(frozen=True)
class ApprovalSpec:
    """A service's approval chain: steps run in order; ``amount_field`` names the field whose
    value decides which steps apply."""

    steps: tuple[ApprovalStep, ...]
    amount_field: str | None = None

    def steps_for(self, amount: Decimal | None) -> tuple[ApprovalStep, ...]:
        """The steps a request of ``amount`` goes through, in order."""
        return tuple(step for step in self.steps if step.applies(amount))
