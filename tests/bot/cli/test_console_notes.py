"""The console says when a speaker is not a configured person (a typo would otherwise act as
somebody new) and when ``@now`` turns the clock back; neither stops the transcript."""

from __future__ import annotations

from sqlmodel import Session, select

from storage.models import Request

STRANGER = ("[note] 'bobb' is not in the config's [[people]]; they talk as a person of their "
            "own, in no department (did you mean bob?)")


def test_a_mistyped_speaker_is_noted_once_with_the_closest_person(chat):
    first = chat("bobb> /request finance reimbursement taxi 86 CNY")
    assert first.splitlines()[0] == STRANGER
    assert "FIN-1" in first  # the line still runs, as that new person
    again = chat("bobb> /request list")
    assert "[note]" not in again


def test_a_configured_speaker_in_any_case_gets_no_note(chat):
    assert "[note]" not in chat("Henry> /request finance reimbursement taxi 86 CNY")
    with Session(chat.app.desk.engine) as db:
        assert db.exec(select(Request.requester_id)).one() == "henry"


def test_a_stranger_with_no_close_name_is_not_given_a_guess(chat):
    out = chat("zed> /request help")
    assert ("[note] 'zed' is not in the config's [[people]]; they talk as a person of their "
            "own, in no department\n") in out


def test_turning_the_clock_back_is_noted_and_forward_is_not(chat):
    assert "[note]" not in chat("@now 2026-11-24T09:00")
    back = chat("@now 2026-11-23T15:30")
    assert back.splitlines()[0] == ("[note] the clock goes back from 2026-11-24 09:00; what "
                                    "happened since then stays as it is")
    assert "[note]" not in chat("@now 2026-11-23T16:00")


def test_the_interactive_banner_names_a_person_of_this_company(settings):
    from bot.cli.console import banner
    from tests.conftest import local

    line = banner(settings, local("2026-12-07T22:00"))
    assert line == ("crossdesk chat — type `grace> /request help`, `@now 2026-12-07T09:00`; "
                    "Ctrl-D ends")  # root, the first person, is an admin
