"""Turkish-Q repair, command barcodes, and the outcome-to-sound table."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from packstation.domain.command_barcodes import COMMAND_LABELS, Command, UnknownCommandError, parse_command
from packstation.domain.feedback import FeedbackSound, sound_for
from packstation.domain.keyboard_layout import (
    TURKISH_Q_TO_US,
    US_TO_TURKISH_Q,
    LayoutRepair,
    damage_as_turkish_q,
    repair_turkish_q,
)
from packstation.domain.packing import ScanOutcome

# Every printable US-keyboard character, as a US-configured wedge scanner can send it.
US_PRINTABLE = "".join(chr(c) for c in range(0x20, 0x7F))


@pytest.mark.parametrize(
    ("sent", "shown"),
    [  # the damage listed in reference/devices-and-reliability.md §2.2
        ("TRK-123/45", "TRK*123.45"),
        ("(01)08690000000005(10)LOT-7", ")01=08690000000005)10=LOT*7"),
        ("https://example.com/track?id=42", "httpsŞ..exampleçcom.track:ıd-42"),
        ("a-b_c=d+e", "a*b?c-d_e"),
        ("@#$^&*()", "'^+&/()="),
        ("[]{};:'\"\\`,<.>/?", 'ğüĞÜşŞiİ,"öÖçÇ.:'),
        ("ABC xyz 0123456789 I", "ABC xyz 0123456789 I"),  # A-Z, digits, space survive
    ],
)
def test_damage_and_repair_match_the_reference_table(sent: str, shown: str) -> None:
    assert damage_as_turkish_q(sent) == shown
    assert repair_turkish_q(shown) == sent


def test_tables_are_inverse_and_one_to_one() -> None:
    assert len(set(US_TO_TURKISH_Q.values())) == len(US_TO_TURKISH_Q)
    assert {v: k for k, v in US_TO_TURKISH_Q.items()} == dict(TURKISH_Q_TO_US)


@given(st.text(alphabet=US_PRINTABLE))
def test_repair_undoes_damage_for_any_us_text(text: str) -> None:
    assert repair_turkish_q(damage_as_turkish_q(text)) == text


def test_layout_repair_setting() -> None:
    assert LayoutRepair(enabled=True)("TRK*123.45") == "TRK-123/45"
    assert LayoutRepair(enabled=False)("TRK*123.45") == "TRK*123.45"


@pytest.mark.parametrize("command", list(Command))
def test_every_payload_survives_any_layout_and_parses(command: Command) -> None:
    payload = command.payload
    assert payload.isascii() and payload.isalnum() and payload.isupper()
    assert parse_command(payload) is command
    assert parse_command(damage_as_turkish_q(payload)) is command  # unchanged by Turkish-Q
    assert parse_command(payload.lower()) is command  # Caps Lock inverted the case
    assert parse_command(damage_as_turkish_q(payload.lower())) is command  # ...on a Turkish host: "ı"
    assert parse_command(f"]C0{payload}\r\n") is command  # AIM prefix and suffix


def test_non_commands_and_unknown_commands() -> None:
    assert parse_command("8690000000005") is None
    assert parse_command("PSCM") is None
    with pytest.raises(UnknownCommandError, match="PSCMDFLY"):
        parse_command("PSCMDFLY")


@given(st.text())
def test_parse_command_on_any_text_returns_or_raises_the_typed_error(text: str) -> None:
    try:
        result = parse_command(text)
    except UnknownCommandError:
        return
    assert result is None or isinstance(result, Command)


def test_every_command_has_both_labels() -> None:
    assert {label.command for label in COMMAND_LABELS} == set(Command)
    assert all(label.turkish and label.english for label in COMMAND_LABELS)


def test_each_outcome_has_a_sound_and_completion_its_own() -> None:
    sounds = {outcome: sound_for(outcome) for outcome in ScanOutcome}
    assert sound_for(ScanOutcome.ACCEPTED, package_complete=True) is FeedbackSound.COMPLETE
    assert sounds[ScanOutcome.PACKAGE_CANCELLED] is FeedbackSound.STOP
    distinct = {ScanOutcome.ACCEPTED, ScanOutcome.WRONG_ITEM, ScanOutcome.OVER_SCAN, ScanOutcome.UNKNOWN_BARCODE}
    assert len({sounds[o] for o in distinct}) == len(distinct)
