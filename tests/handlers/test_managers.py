"""Who someone's manager is, from an org chart (``handlers.managers.manager_of``)."""

from __future__ import annotations

from handlers.managers import Unit, manager_of

# company (1, led by chen) → finance (2, led by liu) → payables (4, no leader);
# company → IT (3, led by sun and zhao, sun first)
CHART = {
    1: Unit(None, ("chen",)),
    2: Unit(1, ("liu",)),
    3: Unit(1, ("sun", "zhao")),
    4: Unit(2),
}


def test_the_direct_leader_comes_first() -> None:
    assert manager_of("wang", ["zhou", "chen"], [2], CHART) == "zhou"
    assert manager_of("wang", ["wang", "zhou"], [2], CHART) == "zhou", "never themself"


def test_without_one_the_nearest_department_leader_up_the_tree() -> None:
    assert manager_of("wang", [], [2], CHART) == "liu"
    assert manager_of("wang", [], [4, 3], CHART) == "liu", "from the main department up"
    assert manager_of("li", [], [3], CHART) == "sun"


def test_a_department_leader_is_managed_from_above() -> None:
    assert manager_of("liu", [], [2], CHART) == "chen"
    assert manager_of("sun", [], [3], CHART) == "zhao", "another leader of the same one"
    assert manager_of("liu", ["liu"], [2], CHART) == "chen"


def test_no_one_above_is_none() -> None:
    assert manager_of("chen", [], [1], CHART) is None, "the top's leader"
    assert manager_of("wang", [], [], CHART) is None, "in no department"
    assert manager_of("wang", [], [9], CHART) is None, "a department not in the chart"
    assert manager_of("wang", [], [5], {5: Unit(6), 6: Unit(5)}) is None, "a loop ends"
