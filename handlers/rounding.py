"""Figures as people round them: halves up (62.5 % → 63 %, 3.25★ → 3.3), not to the even
neighbour as Python's ``round`` and format specs do (62.5 → 62, 3.25 → 3.2)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def half_up(value: float, digits: int = 0, scale: float = 1) -> str:
    """``value`` × ``scale`` with ``digits`` decimals, a half rounded away from zero (the
    value read as its shortest decimal form, so 0.145 is 0.145, not 0.14499…)."""
    exact = Decimal(repr(value)) * Decimal(repr(scale))
    return str(exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))
