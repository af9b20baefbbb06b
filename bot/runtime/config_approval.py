"""A service's approval chain in the config: parsed, and every mistake explained with its key
and a fix.

Shapes: ``approval = "manager"`` (one step: the requester's manager), a list of approvers
(``approval = ["frank", "leads:finance"]``: one "any" step), or a table::

    [departments.categories.approval]
    amount_field = "amount"            # an `amount` (or `number`) field of this service
    steps = [ { approvers = ["manager"] },
              { above = 500, approvers = ["leads:finance"] },
              { above = 5000, approvers = ["frank"], mode = "all" } ]

Approvers are ``"manager"`` (the requester's, from [[people]] manager), person ids, or
``"leads:<department>"``. Person and department references are checked by
``cross_check`` once every department is known, in the approval as written: a step refused
for its mode or threshold still has its approvers checked, so one pass lists every mistake."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Collection, Iterable, Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from handlers.service_spec import APPROVAL_MODES, ApprovalSpec, ApprovalStep, FieldSpec

Report = Callable[[str, str], None]  # (key, message)
AMOUNT_TYPES = ("amount", "number")
EXAMPLE = 'write approval = "manager", or steps = [ { approvers = ["manager"] } ]'


def parse_approval(raw: Any, where: str, fields: tuple[FieldSpec, ...],
                   problem: Report, refused: Collection[str] = ()) -> ApprovalSpec | None:
    """The ``approval`` of the service at ``where``; None when it needs none. ``refused``:
    the keys of the service's fields refused for problems reported already (an
    ``amount_field`` naming one is not called unknown)."""
    key = f"{where}.approval"
    if raw is None or raw is False or raw == "none":
        return None
    if isinstance(raw, str):
        raw = {"steps": [{"approvers": [raw]}]}
    elif isinstance(raw, list):
        raw = {"steps": [{"approvers": raw}]}
    if not isinstance(raw, dict):
        problem(key, f"must be \"manager\", a list of approvers or a table; {EXAMPLE}")
        return None
    for unknown in sorted(set(raw) - {"amount_field", "steps"}):
        problem(f"{key}.{unknown}", "unknown key; an approval has `amount_field` and `steps`")
    amount_field = _amount_field(raw.get("amount_field"), key, fields, refused, problem)
    raw_steps = raw.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        problem(f"{key}.steps", f"needs at least one step; {EXAMPLE}")
        return None
    # a misspelled amount_field is reported once, not again at every step `above` an amount
    named = amount_field is not None or raw.get("amount_field") is not None
    steps = [_step(s, f"{key}.steps[{i}]", named, problem) for i, s in enumerate(raw_steps)]
    _in_order(steps, f"{key}.steps", problem)
    kept = tuple(s for s in steps if s is not None)
    if len(kept) != len(steps) or (named and amount_field is None):
        return None
    return ApprovalSpec(steps=kept, amount_field=amount_field)


def _amount_field(value: Any, key: str, fields: tuple[FieldSpec, ...], refused: Collection[str],
                  problem: Report) -> str | None:
    if value is None:
        return None
    name = str(value)
    spec = next((f for f in fields if f.key == name), None)
    if spec is None and name in refused:
        return None  # the field's own problem is reported: fixing it fixes this
    if spec is None:
        known = ", ".join(f.key for f in fields if f.type in AMOUNT_TYPES) or "none yet"
        problem(f"{key}.amount_field", f"{name!r} is not a field of this service; name one of "
                f"its `amount` fields ({known}) or add it to `fields` with type = \"amount\"")
        return None
    if spec.type not in AMOUNT_TYPES:
        problem(f"{key}.amount_field", f"field {name!r} is a {spec.type}, not an amount; "
                "give it type = \"amount\" or name an amount field")
        return None
    return name


def _step(raw: Any, key: str, amount_named: bool, problem: Report) -> ApprovalStep | None:
    if not isinstance(raw, dict):
        problem(key, 'must be a table such as { approvers = ["manager"] }')
        return None
    for unknown in sorted(set(raw) - {"approvers", "mode", "above"}):
        problem(f"{key}.{unknown}", "unknown key; a step has `approvers`, `mode` and `above`")
    approvers = raw.get("approvers")
    if isinstance(approvers, str):
        approvers = [approvers]
    ok = True
    names: list[str] = []
    if isinstance(approvers, list) and all(isinstance(a, str) for a in approvers):
        names = [a.strip() for a in approvers if a.strip()]
    if not names or len(names) != len(approvers or []):
        problem(f"{key}.approvers", "needs at least one approver: \"manager\", a person id or "
                "\"leads:<department>\", e.g. approvers = [\"manager\"]")
        ok = False
    mode = str(raw.get("mode", "any"))
    if mode not in APPROVAL_MODES:
        problem(f"{key}.mode", f"{mode!r} is not a mode; use \"any\" (one approval is enough) "
                "or \"all\" (every approver)")
        ok = False
    above = _above(raw.get("above"), key, amount_named, problem)
    if raw.get("above") is not None and above is None:
        ok = False
    if not ok:
        return None
    return ApprovalStep(approvers=tuple(names), mode=mode, above=above)


def _above(value: Any, key: str, amount_named: bool, problem: Report) -> Decimal | None:
    """The step's threshold; None (reported) when it is no amount or nothing names the
    amount it is compared with."""
    if value is None:
        return None
    try:
        above = Decimal(str(value))
    except InvalidOperation:
        above = Decimal(-1)
    if isinstance(value, bool) or not above.is_finite() or above < 0:
        problem(f"{key}.above", f"{value!r} is not an amount; write a number such as 500")
        return None
    if not amount_named:
        problem(f"{key}.above", "needs the approval's amount_field: name the amount field "
                "that decides the step, e.g. amount_field = \"amount\"")
        return None
    return above


def _in_order(steps: list[ApprovalStep | None], key: str, problem: Report) -> None:
    """Thresholds must not go down: a step ``above = 500`` after one ``above = 5000`` (steps
    refused for another reason are passed over)."""
    highest = Decimal(-1)
    for i, step in enumerate(steps):
        if step is None:
            continue
        level = step.above if step.above is not None else Decimal(-1)
        if level < highest:
            problem(f"{key}[{i}].above", f"{level} comes after a step above {highest}; list "
                    "the steps in order of `above`, smallest first (steps without it first)")
        highest = max(highest, level)


def approvers(raw: Any) -> Iterator[tuple[int, str]]:
    """(step index, approver) for every approver an ``approval`` value names, whatever else is
    wrong with it (shapes as ``parse_approval`` reads them; other values name none)."""
    if isinstance(raw, str) and raw != "none":
        raw = {"steps": [{"approvers": [raw]}]}
    elif isinstance(raw, list):
        raw = {"steps": [{"approvers": raw}]}
    steps = raw.get("steps") if isinstance(raw, dict) else None
    for i, step in enumerate(steps if isinstance(steps, list) else []):
        names = step.get("approvers") if isinstance(step, dict) else None
        if isinstance(names, str):
            names = [names]
        for name in names if isinstance(names, list) else []:
            if isinstance(name, str) and name.strip():
                yield i, name.strip()


def cross_check(services: Iterable[tuple[str, Any]], people: set[str],
                departments: set[str], problem: Report) -> None:
    """Every approver names a known person or department (``services``: (key, the
    ``approval`` value as written), so a step refused for another reason is checked too)."""
    for where, raw in services:
        for i, approver in approvers(raw):
            key = f"{where}.approval.steps[{i}].approvers"
            kind, _, ident = approver.partition(":")
            if approver == "manager":
                continue
            if kind == "leads" and ident:
                if ident not in departments:
                    close = difflib.get_close_matches(ident, sorted(departments), n=1)
                    such = (close or sorted(departments) or ["finance"])[0]
                    problem(key, f"unknown department {ident!r} in {approver!r}; use a "
                            f"department key, e.g. \"leads:{such}\"")
            elif approver not in people:
                problem(key, f"unknown person {approver!r}; use \"manager\", a person id "
                        "from [[people]] or \"leads:<department>\"")
