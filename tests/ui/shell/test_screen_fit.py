"""Every screen fits a bench monitor (1366×768 and 1280×1024) at text scale 1.0, and the window its screen.

Each size runs the driver in a child process on an offscreen display of exactly that size (Qt fixes the
display when it starts). Measured: the window opens maximised and no larger than the screen; its
minimum size (the largest any screen asks for) fits; every screen is given at least the room its
layout needs, so nothing is cut off; the set-up wizard fits too.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import REPO_ROOT

pytestmark = pytest.mark.gui

SCREENS = {"1366x768": (1366, 768), "1280x1024": (1280, 1024)}
#: A window manager's title bar and a desktop panel take this much of the height on a real bench.
DECORATIONS_PX = 64


def _measure(tmp_path: Path, width: int, height: int) -> dict:
    config = tmp_path / f"screen-{width}x{height}.json"
    screen = {"name": "bench", "x": 0, "y": 0, "width": width, "height": height}
    config.write_text(json.dumps({"screens": [{**screen, "logicalDpiX": 96, "logicalDpiY": 96, "dpr": 1}]}))
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": f"offscreen:configfile={config}",
        "PYTHONPATH": str(REPO_ROOT),
        "PACKSTATION_STATION_LANGUAGE": "en",
    }
    driver = Path(__file__).with_name("screen_fit_driver.py")
    done = subprocess.run(
        [sys.executable, str(driver)], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("size", list(SCREENS))
def test_every_screen_fits_the_bench_monitor(tmp_path: Path, size: str) -> None:
    width, height = SCREENS[size]
    measured = _measure(tmp_path, width, height)
    assert measured["available"] == [width, height]

    x, y, frame_width, frame_height = measured["window_frame"]
    assert x >= 0 and y >= 0, measured["window_frame"]
    assert x + frame_width <= width and y + frame_height <= height, f"window {measured['window_frame']} on {size}"
    assert (frame_width, frame_height) == (width, height), "the window opens maximised on its screen"

    min_width, min_height = measured["window_minimum"]
    assert min_width <= width, f"the window cannot be narrower than {min_width} px on a {size} screen"
    assert min_height <= height - DECORATIONS_PX, f"the window needs {min_height} px of a {size} screen"

    status_width = max(measured["status_bar"])
    assert status_width <= width, f"the status bar needs {status_width} px: its last entries are cut on {size}"

    for name, screen in measured["screens"].items():
        need_width, need_height = screen["minimum"]
        shown_width, shown_height = screen["shown"]
        assert need_width <= shown_width and need_height <= shown_height - DECORATIONS_PX, (
            f"{name} needs {need_width}×{need_height} but gets {shown_width}×{shown_height} on {size}"
        )

    wizard = measured["wizard"]
    assert wizard["frame"][0] <= width and wizard["frame"][1] <= height - DECORATIONS_PX, wizard
    for page, (need_width, need_height) in wizard["pages"].items():
        assert need_width <= wizard["size"][0] and need_height <= wizard["size"][1], (
            f"set-up page {page} needs {need_width}×{need_height}, the wizard is {wizard['size']}"
        )
