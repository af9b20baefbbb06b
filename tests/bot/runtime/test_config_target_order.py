"""`check-config` refuses a service whose resolution target is shorter than its first-response
target: its requests would be due to be solved before they are due to be answered."""

from __future__ import annotations

from pathlib import Path

from tests.bot.runtime.test_config import check_config, edited, problems_of, write

ANCHOR = 'first_response = "4h"\nresolution = "3d"'


def test_a_resolution_shorter_than_the_first_response_is_refused_naming_both(
        tmp_path: Path) -> None:
    path = write(tmp_path, edited((ANCHOR, 'first_response = "4h"\nresolution = "1h"')))
    (problem,) = [p for p in problems_of(path) if p.key.endswith(".resolution")]
    assert problem.key == "departments[0].categories[0].resolution"
    assert "'1h'" in problem.message and "'4h'" in problem.message
    assert "reimbursement" in problem.message and 'write e.g. resolution = "4h"' in \
        problem.message
    result = check_config(path)
    assert result.exit_code != 0 and "resolution" in result.output


def test_days_count_the_working_day_when_comparing(tmp_path: Path) -> None:
    """A day is a working day (7.5 h here): "1d" after a "7h" first response is fine, "8h"
    is not."""
    fine = write(tmp_path, edited((ANCHOR, 'first_response = "7h"\nresolution = "1d"')),
                 "fine.toml")
    assert check_config(fine).exit_code == 0, check_config(fine).output
    late = write(tmp_path, edited((ANCHOR, 'first_response = "8h"\nresolution = "1d"')),
                 "late.toml")
    assert [p.key for p in problems_of(late)] == ["departments[0].categories[0].resolution"]


def test_equal_targets_are_accepted(tmp_path: Path) -> None:
    path = write(tmp_path, edited((ANCHOR, 'first_response = "4h"\nresolution = "4h"')))
    assert check_config(path).exit_code == 0
