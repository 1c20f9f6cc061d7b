"""The serial scale: weights read from real lines over a pty; only stable, recent readings count."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from packstation.devices.scale import Scale, Weighing, parse_weighing
from tests.support import wait_until


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("ST,GS,+0001.250kg", Weighing(1250, True)),
        ("US,GS,+0001.190kg", Weighing(1190, False)),
        ("ST,NT,+00850g", Weighing(850, True)),
        ("st , gs , 2,5 kg", Weighing(2500, True)),
        ("OL,GS,+9999.999kg", None),
        ("ST,GS,-0000.120kg", None),
        ("garbage", None),
        ("", None),
    ],
)
def test_parse_weighing(line: str, expected: Weighing | None) -> None:
    assert parse_weighing(line) == expected


def test_only_a_stable_recent_weight_counts() -> None:
    now = [100.0]
    scale = Scale("fake://scale", clock=lambda: now[0], max_age_s=5)
    scale.start()
    scale.device.feed("US,GS,+0001.100kg")  # type: ignore[attr-defined]
    assert scale.grams() is None
    scale.device.feed("ST,GS,+0001.250kg")  # type: ignore[attr-defined]
    assert scale.grams() == 1250
    now[0] += 6
    assert scale.grams() is None, "an old reading is not the parcel on the scale now"
    scale.stop()


def test_serial_scale_over_a_pty(tmp_path: Path) -> None:
    master, slave = os.openpty()
    link = tmp_path / "ttyScale"
    link.symlink_to(os.ttyname(slave))
    scale = Scale(f"serial://{link}?baud=9600&terminator=CRLF")
    scale.start()
    try:

        def weighed() -> bool:
            if scale.grams() is not None:
                return True
            os.write(master, b"US,GS,+0002.010kg\r\nST,GS,+0002.005kg\r\n")
            return False

        wait_until(weighed, timeout=10, interval=0.1, what="a stable weight from the scale")
        assert scale.grams() == 2005
    finally:
        scale.stop()
        os.close(master)
        os.close(slave)
