"""A vague ``/request …`` on a platform with forms: what the form starts from."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.catalog import Catalog, norm
from handlers.grammar import SUBCOMMAND_WORDS, Invalid, parse


@dataclass(frozen=True)
class Draft:
    """The department (if it is clear) and the details typed so far."""

    department: str | None = None
    details: str = ""


def names_a_service(words: list[str], catalog: Catalog) -> bool:
    """True for ``<department> <category> …`` spelled exactly (the usual command): it runs as
    typed, and the listener need not parse it before the ack."""
    if len(words) < 2 or any(catalog.find_department(" ".join(words[:n])) for n in (2, 3)):
        return False
    department = catalog.find_department(words[0])
    return department is not None and department.find_category(words[1]) is not None


def draft_for(text: str, catalog: Catalog) -> Draft | None:
    """What a form for ``/request text`` starts from, or None when the text runs as typed
    (a subcommand, or a department and service spelled out)."""
    if not text.strip():
        return Draft()
    words = text.split()
    first = norm(words[0]).lstrip("/")
    if first in SUBCOMMAND_WORDS or names_a_service(words, catalog):
        return None
    parsed = parse(f"/request {text}", catalog)
    if isinstance(parsed, Invalid):
        if parsed.key == "unknown_department" and not parsed.params.get("commands"):
            guesses = list(parsed.params.get("suggestions") or [])  # type: ignore[call-overload]
            if len(guesses) == 1:
                rest = text.strip()[len(str(parsed.params["word"])):].strip()
                return Draft(department=str(guesses[0]), details=rest)
            return Draft(details=text.strip())
        if parsed.key == "unknown_category":
            word = str(parsed.params["word"])
            at = text.find(word)
            return Draft(department=str(parsed.params["department"]),
                        details=text[at:].strip() if at >= 0 else "")
        return None
    if parsed.name == "catalog" and parsed.department:
        return Draft(department=parsed.department)
    return None
