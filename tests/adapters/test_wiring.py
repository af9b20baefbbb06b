"""What the platforms share to be wired into serve: secrets, tables of names, routes."""

from __future__ import annotations

from bot.adapters.wiring import env_values, platform_route, text_table
from handlers.messages import Message
from storage import redact


class Desk:
    """A sender that reaches Finance only."""

    def send(self, message: Message, thread_ref: str | None) -> str | None:
        return None

    def reaches_department(self, key: str) -> bool:
        return key == "finance"


def test_a_route_reaches_people_by_their_id_on_its_platform() -> None:
    slack, wecom = platform_route("slack", Desk()), platform_route("wecom", Desk())
    assert (slack.name, wecom.name) == ("slack", "wecom")
    assert slack.reaches_person("U0HENRY", None) and not slack.reaches_person(None, "lihua")
    assert wecom.reaches_person(None, "lihua") and not wecom.reaches_person("U0HENRY", None)
    assert slack.reaches_department("finance") and not wecom.reaches_department("it")


def test_secrets_are_stripped_and_masked_but_public_ids() -> None:
    environ = {"X_TOKEN": "  secret-value-123 \n", "X_ID": "ww-public-id-42"}
    values = env_values(("X_TOKEN", "X_ID", "X_MISSING"), environ, public=("X_ID",))
    assert values == {"X_TOKEN": "secret-value-123", "X_ID": "ww-public-id-42",
                      "X_MISSING": ""}
    assert "secret-value-123" not in redact.scrub("token secret-value-123")
    assert "ww-public-id-42" in redact.scrub("corp ww-public-id-42")


def test_a_table_of_names_to_texts() -> None:
    problems: list[tuple[str, str]] = []

    def table(raw: object) -> dict[str, str]:
        return text_table(raw, "slack.channels", "a Slack channel id or name", "C0123ABCD",
                          lambda key, message: problems.append((key, message)), strip="#")

    assert table(None) == {}
    assert table({"service-office": " #C0123ABCD"}) == {"service-office": "C0123ABCD"}
    assert problems == []
    assert table(["C0123ABCD"]) == {}
    assert table({"ok": "C1", "service office": 7, "blank": "#"}) == {"ok": "C1"}
    assert problems == [
        ("slack.channels", "must be a table, e.g. channels = { service-office = \"C0123ABCD\" }"),
        ("slack.channels.service office", "7 is not a Slack channel id or name; write it in "
         "quotes, e.g. channels = { \"service office\" = \"C0123ABCD\" }"),
        ("slack.channels.blank", "'#' is not a Slack channel id or name; write it in quotes, "
         "e.g. channels = { blank = \"C0123ABCD\" }"),
    ]
