"""Figures round halves up, as people do: 5 of 8 is 63 %, an average of 3.25 stars is 3.3."""

from __future__ import annotations

from handlers.rounding import half_up
from tests.handlers.test_digest_hardening import _digest


def test_halves_round_up_not_to_the_even_neighbour() -> None:
    assert [half_up(n / 8, scale=100) for n in (1, 5, 7)] == ["13", "63", "88"]
    assert half_up(3.25, 1) == "3.3" and half_up(3.75, 1) == "3.8"
    assert half_up(0.145, scale=100) == "15", "read as 0.145, not 0.14499…"
    assert half_up(62.5, 1) == "62.5" and half_up(0.5, 4) == "0.5000"


def test_the_digest_shows_an_average_of_three_and_a_quarter_stars_as_3_3(chat):
    lines = ["@now 2026-11-23T09:00"]
    for n, stars in enumerate((5, 4, 2, 2), start=1):
        lines += [f"bob> /request it laptop broken {n}", f"kevin> /request resolve IT-{n} ok",
                  f"bob> /request confirm IT-{n}", f"bob> /request rate IT-{n} {stars}"]
    chat(*lines)
    out = chat("@now 2026-11-30T10:00", "root> /request scorecard")
    assert "3.3★" in out.split("Score =")[0].split(". IT:")[1].splitlines()[0], out
    assert "满意度：3.3★" in _digest(out, "#it-requests")
