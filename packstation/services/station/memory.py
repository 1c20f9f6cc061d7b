"""Give the memory a long-running station has freed back to the system.

glibc's malloc keeps what a thread frees in that thread's arena for reuse and hands back to the system
only the free space at the very top of an arena. A station's big short-lived allocations (a sync run
parses pages of thousands of parcels on a helper thread that is new every run; labels are rendered on
the label thread and previews on Qt's pool) land in different arenas and leave free space scattered
below live blocks, so a station's RSS grew with every sync run while the memory it used stayed flat:
with a 15,100-parcel stand-in and nothing packed, RSS 311 → 369 MB in 160 s, malloc's in-use 30 MB
throughout; the 3,000-parcel soak grew 18 % after its warm-up. ``malloc_trim(0)`` returns every whole
free page of every arena (glibc walks all arenas since 2.8); with it run every minute the same idle
station stayed at 203-212 MB. Big blocks also keep pages of their own (:func:`keep_big_blocks_apart`):
glibc otherwise serves them from the arenas once it has freed one, and in the 3,000-parcel soak the
arenas spread from 214 to 359 MB while 53-64 MB of them were in use. Elsewhere (musl, macOS, Windows)
there are no such calls and nothing is done.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import logging
import time
from collections.abc import Callable

log = logging.getLogger("packstation.services.station.memory")

#: How often the station hands its free memory back: a trim holds malloc's arena locks for 15-60 ms on a
#: 300 MB heap, and a sync run (every 15 s per account, the largest allocations) leaves at most a
#: minute's worth behind.
RELEASE_EVERY_S = 60


#: Blocks from this size up get pages of their own (mmap), which go back to the system when freed.
#: glibc starts there too but raises the threshold to the size of every such block freed (up to 32 MiB),
#: so after the first sync page or label the big, short-lived blocks come from the arenas instead and
#: leave their free space scattered among live ones. Fixed here, it stays (setting it turns the raising off).
MMAP_THRESHOLD = 128 * 1024
_M_MMAP_THRESHOLD = -3  # mallopt's parameter number (<malloc.h>)


def _libc(function: str, argtypes: list[type[ctypes._SimpleCData[int]]]) -> Callable[..., int] | None:
    """A glibc malloc function returning an int, or None where the C library has none (musl, macOS, Windows)."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        found = getattr(ctypes.CDLL(name), function)
    except (OSError, AttributeError):  # not glibc
        return None
    found.argtypes = argtypes
    found.restype = ctypes.c_int
    return found  # type: ignore[no-any-return]


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    return _libc("malloc_trim", [ctypes.c_size_t])


@functools.cache
def _mallopt() -> Callable[[int, int], int] | None:
    return _libc("mallopt", [ctypes.c_int, ctypes.c_int])


def keep_big_blocks_apart(threshold: int = MMAP_THRESHOLD) -> bool:
    """Give blocks of ``threshold`` bytes and more pages of their own for the life of the process (glibc's
    ``M_MMAP_THRESHOLD``); False where the C library cannot."""
    mallopt = _mallopt()
    return mallopt is not None and bool(mallopt(_M_MMAP_THRESHOLD, threshold))


def release_free_memory() -> bool:
    """Return malloc's free pages to the system; False where the C library cannot (not glibc)."""
    trim = _malloc_trim()
    if trim is None:
        return False
    started = time.perf_counter()
    trim(0)
    log.debug("free memory released in %.1f ms", (time.perf_counter() - started) * 1000)
    return True
