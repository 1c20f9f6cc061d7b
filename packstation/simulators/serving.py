"""Running a marketplace stand-in from the command line until Ctrl+C."""

from __future__ import annotations

import threading
from typing import Protocol


class StoppableServer(Protocol):
    """A stand-in's HTTP server, already started."""

    def stop(self) -> None:
        """Stop serving and release the port."""


def serve_until_interrupted(server: StoppableServer) -> int:
    """Block until Ctrl+C, then stop ``server``; returns the process exit code."""
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0
