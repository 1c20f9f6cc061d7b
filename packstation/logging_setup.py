"""One place that configures logging for the app and the command line."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from packstation.local_store.private import PrivateRotatingFileHandler, private_folder
from packstation.services.access.secrets import RedactingFilter

FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


def configure_logging(*, level: int = logging.INFO, log_dir: Path | None = None) -> RedactingFilter:
    """Log to stderr (and a rotating file in ``log_dir``); returns the filter that masks secrets.

    The redacting filter sits on every handler, so a secret that reaches a log call anywhere is
    masked before it is written.
    """
    redactor = RedactingFilter()
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    handlers: list[logging.Handler] = [logging.StreamHandler()]
    if log_dir is not None:
        private_folder(log_dir)
        handlers.append(
            PrivateRotatingFileHandler(log_dir / "packstation.log", maxBytes=5_000_000, backupCount=5, encoding="utf-8")
        )
    for handler in handlers:
        handler.setFormatter(logging.Formatter(FORMAT))
        handler.addFilter(redactor)
        root.addHandler(handler)
    root.setLevel(level)
    # Third-party chatter that is not useful at INFO.
    for noisy in ("httpx", "httpcore", "apscheduler.executors", "pgserver", "alembic.runtime.migration"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))
    return redactor
