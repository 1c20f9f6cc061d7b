"""Calling the SECURITY DEFINER functions that guard accounts, sessions and the audit log.

Stations never read a password, PIN or badge hash. For a password (or PIN) the server hands out the
argon2 prefix of the stored hash (parameters and salt; a made-up salt for names that do not exist),
the station hashes what was typed with it (:func:`attempt_hash`) and the server compares. The
functions raise short keys (``permission_denied``, ``username_taken`` ...) that :func:`server_error`
turns into a translated sentence.
"""

from __future__ import annotations

import base64
import re
from typing import Any, cast

from argon2 import PasswordHasher
from argon2.low_level import Type, hash_secret
from sqlalchemy import text
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from packstation.i18n import _

ARGON2_VERSION = 19
_PREFIX = re.compile(r"^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)$")
# A user name the server could never hold: sent instead of input that cannot be a name at all.
MALFORMED_NAME = ""
MAX_NAME_LENGTH = 150
_CODE = re.compile(r"[0-9]{6}", re.ASCII)


class ServerRefused(Exception):
    """A definer function refused; ``key`` is its reason, the message is for people."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


def hasher_params(hasher: PasswordHasher) -> str:
    """The argon2 parameter text of ``hasher`` (``m=..,t=..,p=..``), as in an encoded hash."""
    return f"m={hasher.memory_cost},t={hasher.time_cost},p={hasher.parallelism}"


def attempt_hash(prefix: str, hash_len: int, secret: str) -> str:
    """The encoded argon2id hash of ``secret`` under the stored hash's parameters and salt."""
    match = _PREFIX.match(prefix)
    if match is None:
        raise ServerRefused("hash_invalid", _("the server handed out unusable hash parameters"))
    memory, time_cost, parallelism, salt_text = match.groups()
    salt = base64.b64decode(salt_text + "=" * (-len(salt_text) % 4))
    encoded = hash_secret(
        secret.encode("utf-8", "surrogatepass"),
        salt,
        time_cost=int(time_cost),
        memory_cost=int(memory),
        parallelism=int(parallelism),
        hash_len=hash_len,
        type=Type.ID,
        version=ARGON2_VERSION,
    )
    return encoded.decode("ascii")


def clean_name(username: str) -> str:
    """The user name to look up; input that cannot be a name (NUL, huge, unencodable) becomes one that never exists.

    Such input then counts as a failed attempt like any unknown name, instead of crashing the driver.
    """
    name = username.strip()
    if "\x00" in name or len(name) > MAX_NAME_LENGTH:
        return MALFORMED_NAME
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return MALFORMED_NAME
    return name


def clean_code(code: str | None) -> str | None:
    """A TOTP code as the server checks it: None when nothing was typed, else six ASCII digits or a wrong code."""
    if code is None:
        return None
    compact = code.replace(" ", "").strip()
    if not compact:
        return None
    return compact if _CODE.fullmatch(compact) else "x"


def call(session: Session, sql: str, params: dict[str, Any]) -> CursorResult[Any]:
    """Run one definer-function statement in ``session``; refusals become :class:`ServerRefused`."""
    try:
        # A textual statement always gives a cursor result (SQLAlchemy types it as the wider Result).
        return cast(CursorResult[Any], session.execute(text(sql), params))
    except DBAPIError as exc:
        raise server_error(exc) from exc


_MESSAGES = {
    "permission_denied": lambda: _("your session may not do this"),
    "privileged_target": lambda: _("only an administrator may manage supervisor and admin accounts"),
    "session_invalid": lambda: _("your session has ended or is not known to the server; log in again"),
    "session_other_station": lambda: _("this session was opened at another station"),
    "user_unknown": lambda: _("no such user"),
    "username_required": lambda: _("a user name is required"),
    "username_taken": lambda: _("this user name already exists"),
    "role_unknown": lambda: _("unknown role"),
    "hash_invalid": lambda: _("the station sent an unusable hash"),
    "badge_taken": lambda: _("this badge already belongs to another user"),
    "totp_wrong": lambda: _("the code from the authenticator app is wrong; check the phone's clock"),
    "users_exist": lambda: _("users already exist: the first administrator was created before"),
    "disable_self": lambda: _("you cannot disable your own account"),
    "approval_unknown": lambda: _("the approval is not known to the server; ask again"),
    "approval_used": lambda: _("this approval was already used; an approval allows one action"),
    "approval_other_permission": lambda: _("the approval was given for another action"),
    "approval_expired": lambda: _("the supervisor's approval has expired; ask again"),
    "approval_other_station": lambda: _("the approval was given at another station"),
    "audit_action_reserved": lambda: _("only the server records this kind of audit entry"),
    "client_unknown": lambda: _("that client company does not exist"),
    "exception_unknown": lambda: _("that exception does not exist"),
    "exception_resolved": lambda: _("that exception was already resolved"),
    "user_inactive": lambda: _("that user does not exist or is inactive"),
    "resolution_required": lambda: _("say how the exception was resolved"),
    "decision_unknown": lambda: _("a parked operation is either retried or discarded"),
    "parked_unknown": lambda: _("That operation is no longer parked."),
    "photo_subject": lambda: _("a photo belongs to exactly one parcel or one return"),
    "photo_size": lambda: _("the photo is empty or larger than the server keeps (8 MB)"),
    "photo_not_jpeg": lambda: _("the photo is not a JPEG picture"),
}


def server_error(exc: DBAPIError) -> Exception:
    """The refusal a definer function raised, or the original error when it is not one of ours."""
    diag = getattr(exc.orig, "diag", None)
    key = getattr(diag, "message_primary", None) or ""
    message = _MESSAGES.get(key)
    if message is None:
        return exc
    return ServerRefused(key, message())
