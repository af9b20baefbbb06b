"""The installed crossdesk's version, read from its package metadata (pyproject.toml's
``version`` is the one place it is written)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version


def crossdesk_version() -> str:
    """``0.1.0``, or ``unknown`` when crossdesk runs from a checkout that was never installed."""
    try:
        return version("crossdesk")
    except PackageNotFoundError:
        return "unknown"
