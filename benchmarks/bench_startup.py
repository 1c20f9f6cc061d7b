"""Cold start to main window shown, beside a bare PySide6 window started the same way.

Goal: the window shows well under 1.5 s after the process starts. The database comes up after the
window, on a worker thread, so it is not in this figure; it is reported separately.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import percentiles

RUNS = 5
BARE_WINDOW = """
import time, sys
from PySide6.QtWidgets import QApplication, QMainWindow, QLabel
from PySide6.QtCore import QTimer
app = QApplication(sys.argv)
w = QMainWindow(); w.setCentralWidget(QLabel("bare")); w.show()
QTimer.singleShot(0, lambda: (print("PACKSTATION_WINDOW_SHOWN 0", flush=True), app.quit()))
app.exec()
"""


def _time_to_marker(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    assert process.stdout is not None
    try:
        for line in process.stdout:
            if line.startswith("PACKSTATION_WINDOW_SHOWN"):
                return time.perf_counter() - started
        raise RuntimeError(f"{command} exited without showing its window")
    finally:
        process.terminate()
        process.wait(timeout=60)


def run() -> dict[str, object]:
    """Measure both, alternating, in the same run."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PACKSTATION_")}
    env.update({"QT_QPA_PLATFORM": "offscreen", "PACKSTATION_REPORT_STARTUP": "1"})
    app_samples: list[float] = []
    bare_samples: list[float] = []
    with tempfile.TemporaryDirectory() as data:
        for index in range(RUNS):
            data_dir = Path(data) / f"run{index}"  # a new folder each run: nothing warm on disk
            app_samples.append(
                _time_to_marker(
                    [sys.executable, "-m", "packstation", "--data-dir", str(data_dir), "demo", "--packages", "50"], env
                )
            )
            bare_samples.append(_time_to_marker([sys.executable, "-c", BARE_WINDOW], env))
    app, bare = percentiles(app_samples), percentiles(bare_samples)
    return {
        "goal": "process start to main window shown p95 < 1500 ms",
        "packstation_demo": app,
        "bare_pyside6_window": bare,
        "ratio_p50_vs_bare": round(app["p50_ms"] / bare["p50_ms"], 2),
        "met": app["p95_ms"] < 1500,
    }
