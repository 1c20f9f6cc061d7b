"""Background threads give way to the packer: scheduler work runs at a lower OS priority.

A station has two cores more often than eight. The marketplace sync, the outbox push and the
stock push are CPU-heavy for seconds at a time and nobody waits for them; the packing thread
is short and somebody always waits for it. On Linux each thread has its own nice value, so the
scheduler's worker threads are made nicer when they start (elsewhere this is a no-op).
"""

from __future__ import annotations

import logging
import os
import sys
import threading

log = logging.getLogger("packstation.services.sync.background")

#: Added to a background thread's nice value (0 normal, 19 lowest).
BACKGROUND_NICENESS = 10


def lower_thread_priority(niceness: int = BACKGROUND_NICENESS) -> bool:
    """Make the calling thread ``niceness`` nicer; False where the platform has no per-thread priority."""
    if not sys.platform.startswith("linux"):
        return False
    thread = threading.get_native_id()
    try:
        current = os.getpriority(os.PRIO_PROCESS, thread)
        os.setpriority(os.PRIO_PROCESS, thread, min(19, current + niceness))
    except OSError as exc:  # a sandbox may forbid it; the station works either way
        log.debug("cannot lower the priority of thread %d: %s", thread, exc)
        return False
    return True
