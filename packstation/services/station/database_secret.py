"""The shared database server's password: where it is kept (the keyring, or an environment variable).

The database layer does not read secrets itself (it sits below the services); it takes a
:data:`~packstation.db.connect.PasswordSource`, and this module makes one from the secret store.
"""

from __future__ import annotations

from packstation.db.connect import PasswordSource
from packstation.services.access.secrets import SecretStore, secret_env_var

#: Keyring entry ``packstation`` / ``database:password``.
DATABASE_SECRET_ACCOUNT = "database"
DATABASE_SECRET_NAME = "password"
#: Where a station without a secure keyring keeps the password instead.
DATABASE_PASSWORD_ENV = secret_env_var(DATABASE_SECRET_ACCOUNT, DATABASE_SECRET_NAME)


def database_password(secrets: SecretStore) -> PasswordSource:
    """Reads the password when the database is opened (not before: the keyring may prompt)."""
    return lambda: secrets.get(DATABASE_SECRET_ACCOUNT, DATABASE_SECRET_NAME)


def store_database_password(secrets: SecretStore, password: str) -> None:
    """Keep the password in the keyring (raises ``SecretError`` where no secure keyring exists)."""
    secrets.set(DATABASE_SECRET_ACCOUNT, DATABASE_SECRET_NAME, password)
