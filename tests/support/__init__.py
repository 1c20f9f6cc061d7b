"""Helpers shared by the test suite: the repository's root, waiting for a condition, device stand-ins."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

#: The repository's root folder (README, docs, resources).
REPO_ROOT = Path(__file__).resolve().parents[2]


def wait_until(
    condition: Callable[[], object], *, timeout: float = 10.0, interval: float = 0.02, what: str = ""
) -> None:
    """Poll ``condition`` until it is truthy; fail the test with ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        if condition():
            return
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what or condition!r}")
        time.sleep(interval)
