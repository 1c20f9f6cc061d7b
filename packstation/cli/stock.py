"""`packstation stock import|export` and `packstation report stock`: the stock CSV files and the stock list."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from packstation.config import Settings
from packstation.i18n import _

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

DELIMITERS = {"semicolon": ";", "comma": ",", "tab": "\t"}


def add_stock_commands(subparsers: Any) -> None:
    """Add ``stock import`` and ``stock export`` to the main parser's subcommands."""
    stock = subparsers.add_parser("stock", help="stock locations and levels as CSV files")
    actions = stock.add_subparsers(dest="stock_command", metavar="ACTION", required=True)
    importing = actions.add_parser(
        "import", help="import a stock or locations CSV (all or nothing; bad rows are listed by line)"
    )
    importing.add_argument("file", type=Path, help="the CSV file (UTF-8; ';', ',' or Tab separated)")
    importing.add_argument("--check", action="store_true", help="check the whole file and say what would change")
    exporting = actions.add_parser("export", help="write the stock (or the locations) as CSV")
    exporting.add_argument("--locations", action="store_true", help="the locations file instead of the stock file")
    exporting.add_argument("--client", help="only this client company's products")
    exporting.add_argument("--out", type=Path, help="file to write (default: standard output)")
    exporting.add_argument(
        "--delimiter", choices=sorted(DELIMITERS), default="semicolon", help="separator (default semicolon, for Excel)"
    )


def add_stock_report(actions: Any) -> None:
    """Add ``report stock`` to the report command's actions."""
    report = actions.add_parser("stock", help="stock per product: on hand, reserved, available, cover")
    report.add_argument("--below-threshold", action="store_true", help="only products at or under their threshold")
    report.add_argument("--client", help="only this client company")
    report.add_argument("--format", choices=("csv", "xlsx"), default="csv", help="output format (default csv)")
    report.add_argument("--out", type=Path, help="file to write; CSV goes to standard output without it")


def run_stock_command(args: argparse.Namespace, settings: Settings) -> int:
    """Run ``stock import|export``; returns the exit code."""
    from packstation.services.access.audit import AuditLog
    from packstation.services.stock.importer import StockImporter

    if args.stock_command == "import":
        try:
            data = args.file.read_bytes()
        except OSError as exc:
            return _fail(_("cannot read {path}: {error}").format(path=args.file, error=exc.strerror or exc))
    with _database(settings) as sessions:
        if sessions is None:
            return 1
        importer = StockImporter(sessions, audit=AuditLog(sessions))
        if args.stock_command == "import":
            summary = importer.import_from_command_line(data, source=args.file.name, check=args.check)
            for error in summary.errors:
                print(str(error), file=sys.stderr)
            if summary.errors:
                return _fail(
                    _("{n} problem(s) in {path}: nothing was imported").format(n=len(summary.errors), path=args.file)
                )
            verb = _("would import") if args.check else _("imported")
            print(f"{verb} {args.file.name}: {summary.describe()}")
            return 0
        client_id = _client(sessions, args.client) if args.client else None
        if args.client and client_id is None:
            return _fail(_("no client company {name}").format(name=args.client))
        delimiter = DELIMITERS[args.delimiter]
        text = (
            importer.export_locations(delimiter=delimiter)
            if args.locations
            else importer.export_stock(delimiter=delimiter, client_company_id=client_id)
        )
        return _write(text, args.out)


def run_stock_report(args: argparse.Namespace, sessions: sessionmaker[Session]) -> int:
    """``report stock [--below-threshold]``: CSV to standard output, or CSV/XLSX to ``--out``."""
    from packstation.services.access.audit import AuditLog
    from packstation.services.reports.tables import Table, write_csv, write_xlsx
    from packstation.services.stock.service import StockService

    client_id = _client(sessions, args.client) if args.client else None
    if args.client and client_id is None:
        return _fail(_("no client company {name}").format(name=args.client))
    stock = StockService(sessions, audit=AuditLog(sessions))
    items = stock.products(below_threshold=args.below_threshold, client_company_id=client_id, with_bins=True)
    table = Table(
        _("Low stock") if args.below_threshold else _("Stock"),
        (
            _("Client"),
            _("Stock code"),
            _("Product"),
            _("Variant"),
            _("On hand"),
            _("Reserved"),
            _("Available"),
            _("Threshold"),
            _("Daily outflow"),
            _("Days of cover"),
            _("Bins"),
        ),
        tuple(
            (
                item.client,
                item.stock_code,
                item.name,
                item.variant,
                item.figures.on_hand,
                item.figures.reserved,
                item.figures.available,
                item.figures.threshold,
                item.figures.daily_outflow,
                item.figures.days_of_cover,
                ", ".join(f"{path} ({units})" for path, units in item.bins),
            )
            for item in items
        ),
    )
    if args.format == "xlsx":
        if args.out is None:
            return _fail(_("--format {fmt} needs --out FILE").format(fmt="xlsx"))
        write_xlsx([table], args.out)
    elif args.out is None:
        write_csv(table, sys.stdout)
    else:
        with args.out.open("w", encoding="utf-8", newline="") as stream:
            write_csv(table, stream)
    if args.out is not None:
        print(_("wrote {path}").format(path=args.out), file=sys.stderr)
    return 0


class _database:
    """The database for one command (None with the reason printed when it cannot be opened)."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._database: Any = None

    def __enter__(self) -> sessionmaker[Session] | None:
        from sqlalchemy.exc import SQLAlchemyError

        from packstation.db.connect import open_database
        from packstation.db.embedded import EmbeddedDatabaseError
        from packstation.db.errors import error_reason
        from packstation.services.access.secrets import SecretStore
        from packstation.services.station.database_secret import database_password

        try:
            self._database = open_database(
                self._settings,
                database_password(SecretStore()),
                application_name="packstation-stock",
                embedded_secrets=SecretStore(),
            )
        except (SQLAlchemyError, EmbeddedDatabaseError) as exc:
            _fail(_("cannot open the database: {reason}").format(reason=error_reason(exc)))
            return None
        sessions: sessionmaker[Session] = self._database.sessions
        return sessions

    def __exit__(self, *_exc: object) -> None:
        if self._database is not None:
            self._database.close()


def _client(sessions: sessionmaker[Session], name: str) -> int | None:
    from sqlalchemy import func, select

    from packstation.db.models.accounts import ClientCompany

    with sessions() as session:
        return session.scalar(select(ClientCompany.id).where(func.lower(ClientCompany.name) == name.lower()))


def _write(text: str, out: Path | None) -> int:
    if out is None:
        sys.stdout.write(text)
        return 0
    out.parent.mkdir(parents=True, exist_ok=True)
    # With a byte order mark: Excel then reads the Turkish letters as UTF-8.
    out.write_text(text, encoding="utf-8-sig", newline="")
    print(_("wrote {path}").format(path=out), file=sys.stderr)
    return 0


def _fail(message: str) -> int:
    print(_("error: {message}").format(message=message), file=sys.stderr)
    return 1
