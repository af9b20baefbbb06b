"""Every action a refusal can name has its texts: ``action.X`` (and, for a refusal by
state, ``past.X``) in English and Chinese. Found by reading the handlers' calls to
lifecycle.require_state / require_staff / require_requester, so a new call is covered."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from handlers.i18n import t
from handlers.i18n.texts import TEXTS

HANDLERS = Path(__file__).resolve().parents[2] / "handlers"
CHECKS = {"require_state": 3, "require_staff": 2, "require_requester": 2}  # arg index of action


def actions() -> list[tuple[str, str, str]]:
    """(check, action, where) for every literal action name the handlers pass."""
    found = []
    for path in sorted(HANDLERS.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", None))
            if name not in CHECKS:
                continue
            args = node.args
            action = args[CHECKS[name]] if len(args) > CHECKS[name] else next(
                (k.value for k in node.keywords if k.arg == "action"), None)
            assert isinstance(action, ast.Constant) and isinstance(action.value, str), \
                f"{path.name}:{node.lineno}: {name} with a non-literal action"
            found.append((name, action.value, f"{path.name}:{node.lineno}"))
    return found


def test_the_handlers_call_the_checks() -> None:
    names = {name for name, _, _ in actions()}
    assert names == set(CHECKS)
    assert ("require_state", "comment") in {(n, a) for n, a, _ in actions()}


@pytest.mark.parametrize(("check", "action", "where"), actions())
def test_every_refused_action_has_its_texts(check: str, action: str, where: str) -> None:
    keys = [f"action.{action}"] + ([f"past.{action}"] if check == "require_state" else [])
    for key in keys:
        assert key in TEXTS, f"{where}: {check}(…, {action!r}) needs {key} in texts.py"
        for locale in ("zh-CN", "en"):
            assert t(locale, key).strip()
