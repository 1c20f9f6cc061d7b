"""What PostgreSQL cannot store: NUL, in text and in jsonb alike."""

from __future__ import annotations

import re

# JSON writes NUL as the escape \u0000 (never raw). A backslash written out is escaped as \\, so the
# escape is a NUL only after an even number of backslashes: the six characters \u0000 in a scan or an
# address (JSON \\u0000) are text PostgreSQL stores like any other.
_NUL_ESCAPE = r"(?<!\\)(?:\\\\)*\\u0000"
_NUL_IN_TEXT = re.compile(_NUL_ESCAPE)
_NUL_IN_BYTES = re.compile(_NUL_ESCAPE.encode())


def json_holds_nul(document: str | bytes) -> bool:
    """Whether JSON text carries a NUL character somewhere (PostgreSQL refuses it in text and jsonb)."""
    if isinstance(document, bytes):
        return _NUL_IN_BYTES.search(document) is not None
    return _NUL_IN_TEXT.search(document) is not None
