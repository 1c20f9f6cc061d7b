"""Freed memory goes back to the system: a station's RSS follows what it uses, not what it once used.

Measured in a fresh process: scattered frees (what a sync run's parsed pages leave in a thread's arena)
stay in the process's RSS until the release, and leave it with the release.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from packstation.services.station.memory import _malloc_trim, _mallopt, release_free_memory

SCATTERED_FREES = """
import json, os, threading
from packstation.services.station.memory import release_free_memory

page = os.sysconf("SC_PAGE_SIZE")
def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * page / 2**20

kept = []
def parse_pages():  # on a helper thread, as a sync run's pages are
    blocks = [bytearray(1500) for _ in range(200_000)]  # above pymalloc's 512 bytes: malloc's own
    kept.extend(blocks[::8])  # what stays (rows still referenced); the rest is freed, scattered
worker = threading.Thread(target=parse_pages)
worker.start()
worker.join()
before = rss_mb()
again = rss_mb()
released = release_free_memory()
print(json.dumps({"before": before, "again": again, "after": rss_mb(), "released": released, "kept": len(kept)}))
"""


BIG_BLOCKS = """
import ctypes, json, sys
from packstation.services.station.memory import keep_big_blocks_apart

class Mallinfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]
libc = ctypes.CDLL("libc.so.6")
libc.mallinfo2.restype = Mallinfo2
kept = keep_big_blocks_apart() if sys.argv[1] == "kept apart" else False
first = bytearray(1 << 20)  # a sync page's text, a label
del first  # glibc raises its threshold past this block's size when it is freed
second = bytearray(1 << 20)
print(json.dumps({"kept": kept, "own_pages": libc.mallinfo2().hblkhd}))
"""


def _fresh_process(script: str, *args: str) -> dict[str, Any]:
    """What ``script`` prints (JSON), run in a process of its own: malloc's state is the process's."""
    result = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[3],
    )
    figures: dict[str, Any] = json.loads(result.stdout)
    return figures


@pytest.mark.skipif(_mallopt() is None, reason="the C library has no mallopt (not glibc)")
def test_big_blocks_keep_pages_of_their_own_after_one_is_freed() -> None:
    glibc = _fresh_process(BIG_BLOCKS, "glibc's default")
    apart = _fresh_process(BIG_BLOCKS, "kept apart")
    assert glibc["own_pages"] < 1 << 20, "glibc's default: the second block came from an arena"
    assert apart["kept"] is True
    assert apart["own_pages"] >= 1 << 20, apart


@pytest.mark.skipif(_malloc_trim() is None, reason="the C library has no malloc_trim (not glibc)")
def test_scattered_frees_leave_the_process_on_release() -> None:
    figures = _fresh_process(SCATTERED_FREES)
    assert figures["released"] is True
    # 300 MB allocated, 7/8 freed: without the release RSS keeps all of it.
    assert figures["again"] > figures["before"] - 5, figures
    assert figures["before"] - figures["after"] > 100, figures


def test_release_is_harmless_to_call_any_time() -> None:
    assert release_free_memory() is (_malloc_trim() is not None)
    assert release_free_memory() is (_malloc_trim() is not None)


def test_a_station_releases_its_free_memory_every_minute(db_url: str, tmp_path: Path) -> None:
    from packstation.composition import start_services
    from packstation.config import load_settings
    from packstation.domain.events import EventBus
    from packstation.services.station.memory import RELEASE_EVERY_S

    settings = load_settings(
        environ={"XDG_CONFIG_HOME": str(tmp_path)},
        overrides={"database": {"url": db_url}, "station": {"name": "st-memory", "data_dir": str(tmp_path / "data")}},
    )
    context = start_services(settings, EventBus(), demo=False)
    try:
        job = context.scheduler.get_job("release-memory")
        assert job is not None and job.func is release_free_memory
        assert job.trigger.interval.total_seconds() == RELEASE_EVERY_S
    finally:
        context.close()
