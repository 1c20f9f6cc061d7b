"""Database errors in the station's words: what to tell a person, whether to retry, whether PostgreSQL is away."""

from __future__ import annotations

from sqlalchemy import exc as sa_exc


def error_reason(exc: BaseException) -> str:
    """The first line of the driver's message (``exc.orig`` for SQLAlchemy errors), or the exception's name."""
    message = str(getattr(exc, "orig", None) or exc).strip()
    return message.splitlines()[0] if message else type(exc).__name__


# SQLSTATEs worth retrying as they are: serialization failure, deadlock, statement timeout / cancel.
_TRANSIENT_SQLSTATES = frozenset({"40001", "40P01", "57014", "55P03"})


def is_transient(exc: BaseException) -> bool:
    """True when retrying the same statement later may succeed: a lost connection, a timeout, a serialization failure.

    Anything else (a constraint, a value the driver refuses, a bug) fails the same way every time,
    so whoever gets it must set the work aside rather than retry it for ever.
    """
    if isinstance(exc, (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError)):
        return True
    if isinstance(exc, sa_exc.DBAPIError):
        if exc.connection_invalidated:
            return True
        code = getattr(exc.orig, "pgcode", None)
        return code in _TRANSIENT_SQLSTATES or (code or "").startswith("08")
    return isinstance(exc, (ConnectionError, TimeoutError))


def is_connection_error(exc: BaseException) -> bool:
    """True when ``exc`` means PostgreSQL cannot be reached (as opposed to a refused statement).

    A pool that gave no connection in time counts too: the station's one background connection was
    busy past the wait (fifty stations filling their offline copies at once), which the next run outlives.
    """
    if isinstance(exc, (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError)):
        return True
    return isinstance(exc, sa_exc.DBAPIError) and bool(exc.connection_invalidated)
