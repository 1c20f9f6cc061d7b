"""The `packstation` command line. With no command it opens the station's window."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from packstation import __version__
from packstation.config import ConfigError, Settings, config_reference_markdown, load_settings
from packstation.domain.status import Role
from packstation.i18n import _

if TYPE_CHECKING:
    from packstation.services.access.secrets import RedactingFilter

log = logging.getLogger("packstation.cli.main")

EPILOG = """commands:
  (none)                 open the packing station window
  demo                   open the window on the embedded database with demo data
  db upgrade             bring the database schema to this version (safe to repeat)
  db create-station-role NAME --password-stdin
                         create or update a station's least-privilege login role (owner's URL)
  doctor                 check database, printer, scanner, keyring and marketplace accounts
  user add USERNAME      create a user (password on the first line of standard input,
                         with --badge-stdin the badge code on the second)
  audit verify [--head FILE]
                         check the audit log's hash chain; exit 1 and name the first broken row
  audit head             print the newest entry's id and hash (keep it off-site for verify --head)
  secret set ACCOUNT NAME
                         store a secret in the OS keyring (value on standard input)
  sync --once [--account NAME]
                         pull orders from the marketplaces and push the outbox once, headless;
                         exit 1 if anything failed (nothing is lost: failed pushes stay queued)
  report throughput|parcels|billing|billing-plan
                         supervisor figures and 3PL billing as CSV (stdout), XLSX or PDF
  report stock [--below-threshold]
                         stock per product: on hand, reserved, available, daily outflow, days of cover
  stock import FILE.csv [--check]
                         import locations, or products, barcodes and levels (all or nothing;
                         every bad row is listed with its line number; --check changes nothing)
  stock export [--locations] [--out FILE]
                         the stock (or the locations) as CSV, in the format import reads
  client photos [NAME on|off]
                         photo before sealing per client company (no NAME: show every client's setting)
  config reference       print the configuration reference (Markdown)
  config check           validate the configuration file and print the effective settings

environment:
  PACKSTATION_CONFIG                 configuration file (default: the platform config folder)
  PACKSTATION_DATABASE_URL           shared PostgreSQL URL (absent: embedded PostgreSQL)
  PACKSTATION_<SECTION>_<KEY>        any scalar setting, e.g. PACKSTATION_STATION_NAME
  PACKSTATION_SECRET_<ACCOUNT>_<NAME> a secret, e.g. PACKSTATION_SECRET_GULLU_TRENDYOL_API_KEY
"""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (also what `--help` prints)."""
    parser = argparse.ArgumentParser(
        prog="packstation",
        description="PackStation: scan, verify and label marketplace parcels.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"packstation {__version__}")
    parser.add_argument("--config", type=Path, help="configuration file (TOML)")
    parser.add_argument("--data-dir", type=Path, help="folder for the embedded database, journal and spool")
    parser.add_argument("--database-url", help="shared PostgreSQL URL (overrides the config file)")
    parser.add_argument("--station", help="station name (overrides the config file)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = commands.add_parser("demo", help="open the window with demo data on the embedded database")
    demo.add_argument("--packages", type=int, default=300, help="how many demo packages to create (first run)")
    demo.add_argument(
        "--marketplace",
        choices=("trendyol", "hepsiburada"),
        default="trendyol",
        help="which simulated marketplace the demo syncs (default: trendyol)",
    )
    _add_window_options(demo)
    gui = commands.add_parser("gui", help="open the packing station window (the default)")
    _add_window_options(gui)

    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    db_commands.add_parser("upgrade", help="migrate the schema to this version (idempotent)")
    db_commands.add_parser("revision", help="print the schema revision of the database and of this build")
    station_role = db_commands.add_parser(
        "create-station-role",
        help="create or update a station's least-privilege login role (run with the owner's URL)",
    )
    station_role.add_argument("name", help="the login role's name, e.g. station_3")
    station_role.add_argument(
        "--password-stdin", action="store_true", required=True, help="read the role's password from standard input"
    )

    commands.add_parser("doctor", help="check everything the station depends on")

    user = commands.add_parser("user", help="manage users")
    user_commands = user.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    add = user_commands.add_parser("add", help="create a user")
    add.add_argument("username")
    add.add_argument("--role", choices=[r.value for r in Role], required=True)
    add.add_argument("--full-name", default="")
    add.add_argument(
        "--password-stdin",
        action="store_true",
        required=True,
        help="read the password from the first line of standard input",
    )
    add.add_argument(
        "--badge-stdin",
        action="store_true",
        help="read the user's badge code from the line after the password",
    )

    audit = commands.add_parser("audit", help="the audit log")
    audit_commands = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    verify = audit_commands.add_parser("verify", help="check the hash chain; exit 1 naming the first broken row")
    verify.add_argument(
        "--head", type=Path, help="a file written by 'audit head': also fail if the log was cut back before it"
    )
    audit_commands.add_parser("head", help="print the newest entry's id and hash, to keep outside the database")

    secret = commands.add_parser("secret", help="manage secrets in the OS keyring")
    secret_commands = secret.add_subparsers(dest="secret_command", metavar="ACTION", required=True)
    set_secret = secret_commands.add_parser("set", help="store a secret (value read from standard input)")
    set_secret.add_argument("account", help="marketplace account name, or 'database'")
    set_secret.add_argument("name", help="secret name, e.g. api_key, api_secret, password")

    sync = commands.add_parser("sync", help="one marketplace cycle: pull orders, push statuses and stock")
    sync.add_argument("--once", action="store_true", required=True, help="run one cycle and exit")
    sync.add_argument("--account", help="only this [[marketplaces]] account (default: every enabled one)")
    sync.add_argument(
        "--max-wait",
        type=float,
        default=120.0,
        help="seconds to keep retrying one marketplace call before reporting it (default 120)",
    )

    client = commands.add_parser("client", help="client company settings")
    client_commands = client.add_subparsers(dest="client_command", metavar="ACTION", required=True)
    photos = client_commands.add_parser(
        "photos", help="photo before sealing: show it for every client, or switch it on or off for one"
    )
    photos.add_argument("name", nargs="?", help="the client company's name, as in [[marketplaces]] client")
    photos.add_argument("state", nargs="?", choices=["on", "off"], help="on or off")

    from packstation.cli.reports import add_report_commands
    from packstation.cli.stock import add_stock_commands

    add_report_commands(commands)
    add_stock_commands(commands)

    config = commands.add_parser("config", help="configuration helpers")
    config_commands = config.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    config_commands.add_parser("reference", help="print the configuration reference as Markdown")
    config_commands.add_parser("check", help="validate the configuration and print the effective settings")
    return parser


def _add_window_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--screenshot", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--quit-after", type=float, help=argparse.SUPPRESS)


def _settings(args: argparse.Namespace) -> Settings:
    overrides: dict[str, dict[str, Any]] = {}
    if args.database_url:
        overrides.setdefault("database", {})["url"] = args.database_url
    if args.station:
        overrides.setdefault("station", {})["name"] = args.station
    if args.data_dir:
        overrides.setdefault("station", {})["data_dir"] = str(args.data_dir)
    return load_settings(args.config, overrides=overrides)


def _config_path(args: argparse.Namespace) -> Path:
    """The configuration file this run reads (and the set-up wizard writes on a new station)."""
    import os

    from packstation.config import default_config_path

    if args.config is not None:
        return Path(args.config)
    return Path(os.environ["PACKSTATION_CONFIG"]) if os.environ.get("PACKSTATION_CONFIG") else default_config_path()


def _read_stdin_line(what: str) -> str:
    line = sys.stdin.readline()
    value = line.rstrip("\r\n")
    if not value:
        raise SystemExit(_("error: expected the {what} on standard input").format(what=what))
    return value


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `packstation` console script; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    from packstation.logging_setup import configure_logging

    redactor = configure_logging(level=logging.DEBUG if args.verbose else logging.WARNING)
    try:
        if args.command == "config" and args.config_command == "reference":
            print(config_reference_markdown())
            return 0
        settings = _settings(args)
        from packstation.i18n import resolve_language, set_language

        set_language(resolve_language(settings.station.language))
        if args.command not in (None, "gui", "demo"):
            # The window path installs these on its start-up worker, off the cold-start path.
            from packstation.services.access.auth import install_secret_redactions
            from packstation.services.access.secrets import SecretStore

            install_secret_redactions(
                redactor, settings, SecretStore(), opens_database=args.command in DATABASE_COMMANDS
            )
        return _dispatch(args, settings, redactor)
    except ConfigError as exc:
        print(_("configuration error:"), file=sys.stderr)
        print(str(exc), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


#: Commands that open the database (the embedded server's passwords are made before it starts).
DATABASE_COMMANDS = frozenset({"db", "doctor", "user", "audit", "report", "sync", "client"})


def _dispatch(args: argparse.Namespace, settings: Settings, redactor: RedactingFilter) -> int:
    # The window path imports only what it needs to show the window; the database stack loads
    # on the start-up worker thread (the cold-start benchmark watches this).
    if args.command in (None, "gui", "demo"):
        from packstation.ui.shell.launch import run_gui

        return run_gui(
            settings,
            demo=args.command == "demo",
            demo_packages=getattr(args, "packages", 300),
            demo_marketplace=getattr(args, "marketplace", "trendyol"),
            screenshot=getattr(args, "screenshot", None),
            quit_after=getattr(args, "quit_after", None),
            config_path=_config_path(args),
        )
    from packstation.cli import handlers as commands

    def secret_line(what: str) -> str:
        # A password, badge or key typed on standard input is masked in every log line from here on.
        value = _read_stdin_line(what)
        redactor.add(value)
        return value

    if args.command == "db":
        if args.db_command == "create-station-role":
            return commands.create_station_role(settings, args.name, secret_line(_("password")))
        return commands.db(settings, args.db_command)
    if args.command == "doctor":
        return commands.doctor(settings)
    if args.command == "user":
        password = secret_line(_("password"))
        badge = secret_line(_("badge code")) if args.badge_stdin else None
        return commands.user_add(settings, args.username, Role(args.role), password, args.full_name, badge=badge)
    if args.command == "audit":
        if args.audit_command == "head":
            return commands.audit_head(settings)
        return commands.audit_verify(settings, head_file=args.head)
    if args.command == "secret":
        value = secret_line(_("secret value"))
        return commands.secret_set(args.account, args.name, value)
    if args.command == "report":
        from packstation.cli.reports import run_report_command

        return run_report_command(args, settings)
    if args.command == "stock":
        from packstation.cli.stock import run_stock_command

        return run_stock_command(args, settings)
    if args.command == "sync":
        return commands.sync_once(settings, account=args.account, max_wait_s=args.max_wait)
    if args.command == "client":
        if args.name is not None and args.state is None:
            print(_("say on or off after the client's name"), file=sys.stderr)
            return 2
        return commands.client_photos(settings, args.name, None if args.state is None else args.state == "on")
    if args.command == "config":
        print(masked_settings_json(settings))
        return 0
    raise AssertionError(f"unhandled command {args.command}")  # pragma: no cover - argparse validates


def masked_settings_json(settings: Settings) -> str:
    """The effective settings as JSON, with a password written inline in the database URL masked."""
    from sqlalchemy.engine import make_url

    shown = settings
    if settings.database.url and make_url(settings.database.url).password is not None:
        masked = make_url(settings.database.url).render_as_string(hide_password=True)
        shown = settings.model_copy(update={"database": settings.database.model_copy(update={"url": masked})})
    return shown.model_dump_json(indent=2)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
