"""Marketplace credentials and database passwords: the OS keyring or environment variables, nothing else.

Keyring entries use service ``packstation`` and key ``<account>:<secret>`` (``gullu-trendyol:api_key``).
The environment variable for the same secret is ``PACKSTATION_SECRET_GULLU_TRENDYOL_API_KEY``.
A keyring backend that stores plain text (keyrings.alt) or none at all is refused with a clear message;
we never fall back to a file silently.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

import keyring
import keyring.errors
from keyring.backend import KeyringBackend

from packstation.i18n import _

KEYRING_SERVICE = "packstation"
log = logging.getLogger("packstation.services.access.secrets")

# Backends that either do nothing or write the secret to disk in the clear.
_REFUSED_BACKENDS = ("fail", "null", "PlaintextKeyring", "Keyring.fail", "chainer")


class SecretError(Exception):
    """A secret cannot be read or stored; the message says what to do."""


def secret_env_var(account: str, secret: str) -> str:
    """``PACKSTATION_SECRET_<ACCOUNT>_<SECRET>``, every non-alphanumeric character as ``_``."""
    clean = re.sub(r"[^A-Za-z0-9]", "_", f"{account}_{secret}").upper()
    return f"PACKSTATION_SECRET_{clean}"


def keyring_key(account: str, secret: str) -> str:
    """The keyring user name for one secret."""
    return f"{account}:{secret}"


@dataclass(frozen=True)
class KeyringStatus:
    """Which keyring backend is in use and whether we accept it."""

    backend: str
    usable: bool
    reason: str


def _backend_is_refused(backend: KeyringBackend) -> bool:
    name = type(backend).__name__
    module = type(backend).__module__
    if name == "ChainerBackend":
        return all(_backend_is_refused(child) for child in getattr(backend, "backends", [])) or not getattr(
            backend, "backends", []
        )
    return name in _REFUSED_BACKENDS or module.endswith((".fail", ".null")) or "keyrings.alt.file" in module


def keyring_status() -> KeyringStatus:
    """Inspect the active keyring backend without touching any secret."""
    backend = keyring.get_keyring()
    label = f"{type(backend).__module__}.{type(backend).__name__}"
    if _backend_is_refused(backend):
        return KeyringStatus(
            backend=label,
            usable=False,
            reason=_(
                "no secure keyring is available ({backend}); set secrets as environment variables "
                "PACKSTATION_SECRET_<ACCOUNT>_<NAME> instead"
            ).format(backend=label),
        )
    return KeyringStatus(backend=label, usable=True, reason=_("keyring backend {backend}").format(backend=label))


class SecretStore:
    """Reads secrets from the environment first, then the keyring; writes only to the keyring."""

    def __init__(self, *, environ: Mapping[str, str] | None = None) -> None:
        self._environ = os.environ if environ is None else environ

    def get(self, account: str, secret: str) -> str | None:
        """The secret's value, or None when it is set nowhere."""
        value = self._environ.get(secret_env_var(account, secret))
        if value:
            return value
        status = keyring_status()
        if not status.usable:
            return None
        try:
            return keyring.get_password(KEYRING_SERVICE, keyring_key(account, secret))
        except keyring.errors.KeyringError as exc:
            log.warning("keyring read failed account=%s secret=%s error=%s", account, secret, type(exc).__name__)
            return None

    def require(self, account: str, secret: str) -> str:
        """The secret's value, or a :class:`SecretError` that says where to set it."""
        value = self.get(account, secret)
        if value is None:
            raise SecretError(
                _(
                    "secret {secret!r} of account {account!r} is not set: run "
                    "'packstation secret set {account} {secret}' or set {env}"
                ).format(secret=secret, account=account, env=secret_env_var(account, secret))
            )
        return value

    def set(self, account: str, secret: str, value: str) -> None:
        """Store a secret in the keyring (refusing insecure backends)."""
        if not value:
            raise SecretError(_("refusing to store an empty secret"))
        status = keyring_status()
        if not status.usable:
            raise SecretError(status.reason)
        try:
            keyring.set_password(KEYRING_SERVICE, keyring_key(account, secret), value)
        except keyring.errors.KeyringError as exc:
            raise SecretError(
                _("the keyring refused the secret ({error}); use {env} instead").format(
                    error=type(exc).__name__, env=secret_env_var(account, secret)
                )
            ) from exc


class RedactingFilter(logging.Filter):
    """Replaces known secret values in log records with ``***`` before any handler sees them."""

    def __init__(self, secrets: list[str] | None = None) -> None:
        super().__init__()
        self._secrets: list[str] = [s for s in (secrets or []) if len(s) >= 4]

    def add(self, secret: str) -> None:
        """Start redacting ``secret`` (values shorter than 4 characters are ignored as too generic)."""
        if len(secret) >= 4 and secret not in self._secrets:
            self._secrets.append(secret)

    def redact(self, text: str) -> str:
        """``text`` with every known secret replaced by ``***`` (for text shown outside the logs too)."""
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        """Mask every known secret in the message, the traceback and the stack of ``record``."""
        if not self._secrets:
            return True
        message = record.getMessage()
        redacted = self.redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            # Format the traceback now, so the handler prints our masked copy (exception messages
            # often quote the request that carried the secret).
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True
