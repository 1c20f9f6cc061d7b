"""`packstation doctor`: checks everything a station depends on and gives a verdict per line."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import httpx
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from packstation.config import Settings
from packstation.config.sections import MarketplaceAccount
from packstation.db.engine import ConnectionLimits, create_db_engine
from packstation.db.errors import error_reason
from packstation.db.migrate import current_revision, head_revision
from packstation.devices.uri import PRINTER_SCHEMES, SCANNER_SCHEMES, parse_device_uri
from packstation.i18n import _
from packstation.services.access.secrets import SecretStore, keyring_status, secret_env_var
from packstation.services.marketplaces.credentials import REQUIRED_SECRETS


class Verdict(StrEnum):
    """Outcome of one check."""

    OK = "OK"
    WARN = "WARN"
    FAIL = "FAIL"


@dataclass(frozen=True)
class CheckResult:
    """One line of the doctor's table."""

    name: str
    verdict: Verdict
    detail: str


def check_database(url: str, limits: ConnectionLimits) -> list[CheckResult]:
    """Connect, run a query, compare the schema revision with this build's."""
    engine = create_db_engine(url, limits=limits, application_name="packstation-doctor", pool_size=1)
    try:
        with engine.connect() as connection:
            version = connection.execute(text("SHOW server_version")).scalar_one()
        results = [CheckResult(_("database"), Verdict.OK, _("PostgreSQL {v} reachable").format(v=version))]
        current, head = current_revision(engine), head_revision()
        if current == head:
            results.append(CheckResult(_("schema"), Verdict.OK, _("at revision {rev}").format(rev=head)))
        else:
            results.append(
                CheckResult(
                    _("schema"),
                    Verdict.FAIL,
                    _("at revision {cur}, this build needs {head}: run 'packstation db upgrade'").format(
                        cur=current or _("none"), head=head
                    ),
                )
            )
        return results
    except SQLAlchemyError as exc:
        return [
            CheckResult(_("database"), Verdict.FAIL, _("cannot connect: {reason}").format(reason=error_reason(exc)))
        ]
    finally:
        engine.dispose()


def _tcp_reachable(host: str, port: int, timeout: float) -> str | None:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return None
    except OSError as exc:
        return str(exc) or type(exc).__name__


def check_printer(settings: Settings) -> CheckResult:
    """Is the configured printer reachable (or the spool folder writable)?"""
    name = _("printer")
    if settings.printer.uri is None:
        spool = settings.data_dir() / "spool"
        return CheckResult(name, Verdict.WARN, _("none configured; labels go to {spool}").format(spool=spool))
    uri = parse_device_uri(settings.printer.uri, allowed=PRINTER_SCHEMES)
    if uri.scheme == "tcp":
        error = _tcp_reachable(uri.host, uri.port or 9100, settings.printer.timeout_s)
        if error:
            return CheckResult(name, Verdict.FAIL, _("{uri} not reachable: {error}").format(uri=uri, error=error))
        return CheckResult(name, Verdict.OK, _("{uri} accepts connections").format(uri=uri))
    if uri.scheme == "file":
        folder = Path(uri.path)
        if folder.is_dir() and os.access(folder, os.W_OK):
            return CheckResult(name, Verdict.OK, _("spool folder {folder} is writable").format(folder=folder))
        return CheckResult(name, Verdict.FAIL, _("spool folder {folder} is missing or read-only").format(folder=folder))
    if uri.scheme == "serial":
        return _check_serial(name, uri.path)
    if uri.scheme == "cups":
        import shutil

        if shutil.which("lp") is None:
            return CheckResult(name, Verdict.FAIL, _("CUPS is not installed ('lp' not found)"))
        return CheckResult(name, Verdict.OK, _("CUPS queue {queue}").format(queue=uri.path))
    if uri.scheme == "qt":
        # Qt's printer list is the station window's business; this command runs without Qt.
        return CheckResult(
            name,
            Verdict.WARN,
            _("office printer {uri}: checked by the station window (use the set-up wizard's test print)").format(
                uri=uri
            ),
        )
    return CheckResult(name, Verdict.OK, str(uri))


def _check_serial(name: str, port: str) -> CheckResult:
    import serial

    try:
        serial.Serial(port, timeout=0.2).close()
    except (serial.SerialException, OSError) as exc:
        return CheckResult(name, Verdict.FAIL, _("cannot open {port}: {error}").format(port=port, error=exc))
    return CheckResult(name, Verdict.OK, _("{port} opens").format(port=port))


def check_scanner(settings: Settings) -> CheckResult:
    """Keyboard wedge needs nothing; a serial scanner's port must open."""
    uri = parse_device_uri(settings.scanner.uri, allowed=SCANNER_SCHEMES)
    if uri.scheme == "serial":
        return _check_serial(_("scanner"), uri.path)
    return CheckResult(_("scanner"), Verdict.OK, _("keyboard wedge (USB HID)"))


def check_keyring(settings: Settings, secrets: SecretStore) -> CheckResult:
    """A secure keyring, or every needed secret in the environment."""
    status = keyring_status()
    if status.usable:
        return CheckResult(_("keyring"), Verdict.OK, status.reason)
    needs_keyring = [
        account.name
        for account in settings.marketplaces
        for secret in REQUIRED_SECRETS[account.kind.value]
        if not os.environ.get(secret_env_var(account.name, secret))
    ]
    verdict = Verdict.FAIL if needs_keyring else Verdict.WARN
    return CheckResult(_("keyring"), verdict, status.reason)


def check_account(account: MarketplaceAccount, secrets: SecretStore, *, timeout: float = 5.0) -> CheckResult:
    """Secrets present and the API host answering."""
    name = _("marketplace {name}").format(name=account.name)
    missing = [s for s in REQUIRED_SECRETS[account.kind.value] if secrets.get(account.name, s) is None]
    if missing:
        envs = ", ".join(secret_env_var(account.name, s) for s in missing)
        return CheckResult(
            name,
            Verdict.FAIL,
            _("missing secrets: {missing} (set {envs})").format(missing=", ".join(missing), envs=envs),
        )
    try:
        httpx.get(account.base_url, timeout=timeout)
    except httpx.HTTPError as exc:
        return CheckResult(
            name, Verdict.FAIL, _("{url} not reachable: {error}").format(url=account.base_url, error=error_reason(exc))
        )
    return CheckResult(name, Verdict.OK, _("secrets set; {url} answers").format(url=account.base_url))


def run_checks(settings: Settings, *, database_url: Callable[[], str], secrets: SecretStore) -> list[CheckResult]:
    """Every check, in the order a support person reads them."""
    limits = ConnectionLimits(
        connect_timeout_s=settings.database.connect_timeout_s,
        statement_timeout_ms=settings.database.statement_timeout_ms,
        tcp_user_timeout_ms=settings.database.tcp_user_timeout_ms,
    )
    try:
        url = database_url()
    except Exception as exc:
        results = [CheckResult(_("database"), Verdict.FAIL, error_reason(exc))]
    else:
        results = check_database(url, limits)
    results.append(check_printer(settings))
    results.append(check_scanner(settings))
    results.append(check_keyring(settings, secrets))
    results.extend(check_account(account, secrets) for account in settings.marketplaces)
    return results


def format_table(results: list[CheckResult]) -> str:
    """A plain-text table for the terminal."""
    width = max(len(r.name) for r in results)
    lines = [f"{r.verdict.value:<5} {r.name:<{width}}  {r.detail}" for r in results]
    failed = sum(r.verdict is Verdict.FAIL for r in results)
    lines.append(_("{n} check(s) failed").format(n=failed) if failed else _("all checks passed"))
    return "\n".join(lines)
