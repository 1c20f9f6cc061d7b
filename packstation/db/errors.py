"""What to tell a person about a database error: the driver's own first line, not SQLAlchemy's wrapper."""

from __future__ import annotations


def error_reason(exc: BaseException) -> str:
    """The first line of the driver's message (``exc.orig`` for SQLAlchemy errors), or the exception's name."""
    message = str(getattr(exc, "orig", None) or exc).strip()
    return message.splitlines()[0] if message else type(exc).__name__
