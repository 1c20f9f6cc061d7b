"""The pure wedge burst classifier: scanner bursts vs. people typing, with controlled timestamps."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from packstation.devices.scanners.wedge import KeyStroke, WedgeBurstDetector, WedgeSettings, WedgeVerdict


def _type(detector: WedgeBurstDetector, text: str, *, start: float = 0.0, gap: float) -> list[WedgeVerdict]:
    return [detector.feed(KeyStroke(char, start + i * gap, payload=i)) for i, char in enumerate(text)]


def _released(verdicts: list[WedgeVerdict]) -> str:
    return "".join(k.text for v in verdicts for k in v.release)


def test_fast_burst_ending_in_enter_is_a_scan_and_nothing_is_released() -> None:
    detector = WedgeBurstDetector()
    verdicts = _type(detector, "8690000000005\r", gap=8)
    assert verdicts[-1].scan == "8690000000005"
    assert all(v.holding for v in verdicts[:-1]) and _released(verdicts) == ""
    assert not detector.holding and detector.deadline_ms is None


def test_slow_typing_is_released_key_by_key() -> None:
    detector = WedgeBurstDetector()
    verdicts = _type(detector, "abc\r", gap=120)
    assert [v.scan for v in verdicts] == [None] * 4
    # each key is given back when the next one proves the gap; the last by poll()
    assert _released(verdicts) == "abc\r"


def test_held_key_is_given_back_by_poll_after_the_gap() -> None:
    detector = WedgeBurstDetector(WedgeSettings(max_gap_ms=30))
    assert detector.feed(KeyStroke("x", 1000.0, payload="event-x")).holding
    assert detector.deadline_ms == 1030.0
    assert detector.poll(1020.0) == WedgeVerdict(holding=True)
    released = detector.poll(1031.0)
    assert [k.payload for k in released.release] == ["event-x"] and not released.holding


def test_short_fast_run_with_enter_is_typing() -> None:
    detector = WedgeBurstDetector(WedgeSettings(min_length=4))
    verdicts = _type(detector, "ab\r", gap=10)  # a quick person: 2 keys and Enter
    assert verdicts[-1].scan is None and _released(verdicts) == "ab\r"


def test_burst_after_typing_splits_at_the_gap() -> None:
    detector = WedgeBurstDetector()
    typed = _type(detector, "hi", gap=200)
    burst = _type(detector, "TY-seller-aB3\r", start=1000, gap=10)
    assert _released(typed + burst) == "hi"
    assert burst[-1].scan == "TY-seller-aB3"


def test_enter_alone_passes_at_once() -> None:
    verdict = WedgeBurstDetector().feed(KeyStroke("\r", 0))
    assert verdict.release[0].text == "\r" and not verdict.holding


def test_prefix_mode_releases_non_prefixed_keys_immediately() -> None:
    detector = WedgeBurstDetector(WedgeSettings(prefix="~"))
    assert detector.feed(KeyStroke("a", 0)).release[0].text == "a"
    unprefixed = _type(detector, "86900000\r", start=100, gap=5)
    assert all(v.scan is None for v in unprefixed) and _released(unprefixed) == "86900000\r"
    prefixed = _type(detector, "~86900000\r", start=500, gap=5)
    assert prefixed[-1].scan == "86900000" and _released(prefixed) == ""


def test_scanner_without_suffix_is_decided_on_timeout_when_allowed() -> None:
    detector = WedgeBurstDetector(WedgeSettings(require_suffix=False, max_gap_ms=30))
    _type(detector, "12345678", gap=8)
    assert detector.poll(56 + 31).scan == "12345678"
    slow = _type(detector, "12", start=1000, gap=8)
    assert slow[-1].holding and _released([detector.poll(2000)]) == "12"  # too short: typing


def test_custom_suffix_and_interrupt() -> None:
    detector = WedgeBurstDetector(WedgeSettings(suffixes=("\t",)))
    assert _type(detector, "ABCD\t", gap=5)[-1].scan == "ABCD"
    _type(detector, "ABC", start=100, gap=5)
    assert _released([detector.interrupt()]) == "ABC" and not detector.holding


@pytest.mark.parametrize("kwargs", [{"max_gap_ms": 0}, {"min_length": 0}, {"suffixes": ()}, {"suffixes": ("",)}])
def test_bad_settings_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        WedgeSettings(**kwargs)  # type: ignore[arg-type]


@given(
    st.lists(
        st.tuples(st.sampled_from(list("ab1\r")), st.floats(min_value=0, max_value=200)),
        max_size=60,
    )
)
def test_every_key_is_either_released_once_or_part_of_exactly_one_scan(keys: list[tuple[str, float]]) -> None:
    detector = WedgeBurstDetector()
    now = 0.0
    released: list[int] = []
    consumed: list[int] = []
    for index, (char, gap) in enumerate(keys):
        now += gap
        verdict = detector.feed(KeyStroke(char, now, payload=index))
        released += [k.payload for k in verdict.release]  # type: ignore[misc]
        consumed += [k.payload for k in verdict.consumed]  # type: ignore[misc]
        if verdict.scan is not None:
            assert verdict.scan + "\r" == "".join(k.text for k in verdict.consumed)
    released += [k.payload for k in detector.poll(now + 1000).release]  # type: ignore[misc]
    assert released == sorted(released)  # typing comes back in the order it was typed
    assert sorted(released + consumed) == list(range(len(keys)))  # each key exactly once
