"""`packstation report ...`: throughput, parcels and 3PL billing, headless (CSV to stdout by default).

The main command line adds these with :func:`add_report_commands` and runs them with
:func:`run_report_command`; ``python -m packstation.cli.reports report ...`` works on its own too.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from packstation.config import ConfigError, Settings, load_settings
from packstation.domain.clock import now_utc
from packstation.i18n import _

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from packstation.services.reports import ReportFilter, ReportQueries
    from packstation.services.reports.billing import Plan
    from packstation.services.reports.tables import Table as ReportTable

log = logging.getLogger("packstation.cli.reports")
FORMATS = ("csv", "xlsx", "pdf")


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(_("{value!r} is not a date like 2026-03-10").format(value=value)) from None


def _zone(value: str) -> ZoneInfo:
    try:
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        message = _("{value!r} is not a time zone like Europe/Istanbul").format(value=value)
        raise argparse.ArgumentTypeError(message) from None


def _money(value: str) -> Decimal:
    try:
        return Decimal(value)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(_("{value!r} is not an amount like 1500.00").format(value=value)) from None


def _output(parser: argparse.ArgumentParser, formats: Sequence[str]) -> None:
    parser.add_argument("--format", choices=formats, default="csv", help="output format (default csv)")
    parser.add_argument("--out", type=Path, help="file to write; CSV goes to standard output without it")
    parser.add_argument("--tz", type=_zone, default=None, help="time zone of days and hours (Europe/Istanbul)")


def _filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="start", type=_day, help="first local day, YYYY-MM-DD (default today)")
    parser.add_argument("--to", dest="end", type=_day, help="last local day, inclusive (default: --from)")
    parser.add_argument("--client", help="only this client company (its name)")
    parser.add_argument("--marketplace", choices=("trendyol", "hepsiburada", "n11"), help="only this marketplace")
    parser.add_argument("--station-name", dest="station_name", help="only this station")
    parser.add_argument("--packer", help="only this packer (username)")


def add_report_commands(subparsers: Any) -> None:
    """Add the ``report`` command and its actions to the main parser's subcommands."""
    report = subparsers.add_parser("report", help="throughput reports, exports and 3PL billing")
    actions = report.add_subparsers(dest="report_command", metavar="ACTION", required=True)

    throughput = actions.add_parser("throughput", help="parcels, items, speed and errors per packer/station/hour")
    _filters(throughput)
    throughput.add_argument("--by", choices=("packer", "station", "hour", "day"), default="packer")
    _output(throughput, FORMATS)

    parcels = actions.add_parser("parcels", help="every packed parcel, one row each")
    _filters(parcels)
    _output(parcels, ("csv", "xlsx"))

    returns = actions.add_parser("returns", help="returns per day, client, marketplace, reason or product")
    returns.add_argument("--from", dest="start", type=_day, help="first local day, YYYY-MM-DD (default today)")
    returns.add_argument("--to", dest="end", type=_day, help="last local day, inclusive (default: --from)")
    returns.add_argument("--client", help="only this client company (its name)")
    returns.add_argument("--by", choices=("client", "reason", "product", "marketplace", "day"), default="client")
    _output(returns, FORMATS)

    billing = actions.add_parser("billing", help="3PL billing: parcels, tier and amount per client company")
    billing.add_argument("--period", required=True, help="billing period YYYY-MM (starts on the plan's start day)")
    _output(billing, FORMATS)

    from packstation.cli.stock import add_stock_report

    add_stock_report(actions)

    plan = actions.add_parser("billing-plan", help="show or set billing tiers (default plan or a client's own)")
    plan_actions = plan.add_subparsers(dest="plan_command", metavar="ACTION", required=True)
    show = plan_actions.add_parser("show", help="print the default plan and every client's own plan")
    show.add_argument("--client", help="only this client company")
    set_plan = plan_actions.add_parser("set", help="set the default plan, or a client's own with --client")
    set_plan.add_argument("--client", help="client company (absent: the default plan)")
    set_plan.add_argument("--tiers", required=True, help="e.g. 100:5.00,250:4.50,500:4.00,*:3.00 (* = and above)")
    set_plan.add_argument("--start-day", type=int, default=1, help="day of the month periods start (1..28)")
    set_plan.add_argument("--pricing", choices=("volume", "graduated"), default="volume")
    set_plan.add_argument("--storage", type=_money, default=Decimal("0"), help="monthly storage charge")
    set_plan.add_argument("--currency", default="TRY")
    set_plan.add_argument(
        "--return-fee", dest="return_fee", type=_money, default=Decimal("0"), help="fee per processed return"
    )
    clear = plan_actions.add_parser("clear", help="remove a client's own plan (the default applies again)")
    clear.add_argument("--client", required=True)


def run_report_command(args: argparse.Namespace, settings: Settings) -> int:
    """Run ``report ACTION``; returns the exit code (1 with a message on standard error on failure)."""
    from sqlalchemy.exc import SQLAlchemyError

    from packstation.db.connect import open_database
    from packstation.db.embedded import EmbeddedDatabaseError
    from packstation.services.access.secrets import SecretStore
    from packstation.services.reports import ExceptionActionError, ReportError
    from packstation.services.reports.billing import BillingError
    from packstation.services.station.database_secret import database_password

    if getattr(args, "format", "csv") != "csv" and getattr(args, "out", None) is None:
        return _fail(_("--format {fmt} needs --out FILE").format(fmt=args.format))
    try:
        database = open_database(
            settings,
            database_password(SecretStore()),
            application_name="packstation-report",
            embedded_secrets=SecretStore(),
        )
    except (SQLAlchemyError, EmbeddedDatabaseError) as exc:
        return _fail(_("cannot open the database: {reason}").format(reason=str(getattr(exc, "orig", exc)).strip()))
    try:
        return _run(args, database.sessions)
    except (ReportError, BillingError, ExceptionActionError) as exc:
        return _fail(str(exc))
    except SQLAlchemyError as exc:
        return _fail(_("database error: {reason}").format(reason=str(getattr(exc, "orig", exc)).strip()))
    finally:
        database.close()


def _run(args: argparse.Namespace, sessions: sessionmaker[Session]) -> int:
    from packstation.services.reports import DEFAULT_TIME_ZONE, ReportQueries

    if args.report_command == "stock":
        from packstation.cli.stock import run_stock_report

        return run_stock_report(args, sessions)
    queries = ReportQueries(sessions, tz=getattr(args, "tz", None) or DEFAULT_TIME_ZONE)
    if args.report_command in ("throughput", "parcels"):
        return _throughput(args, queries)
    if args.report_command == "returns":
        return _returns(args, sessions, queries)
    if args.report_command == "billing":
        return _billing(args, sessions, queries)
    return _billing_plan(args, sessions, queries)


def _filter(args: argparse.Namespace, queries: ReportQueries) -> ReportFilter:
    from packstation.services.reports import ReportFilter

    start = args.start or queries.today().start
    return ReportFilter(
        start,
        args.end or start,
        client_company_id=queries.client_named(args.client) if args.client else None,
        marketplace=args.marketplace,
        station_id=queries.station_named(args.station_name) if args.station_name else None,
        user_id=queries.packer_named(args.packer) if args.packer else None,
    )


def _scope(args: argparse.Namespace) -> str:
    parts = [
        f"{label}: {value}"
        for label, value in (
            (_("client"), args.client),
            (_("marketplace"), args.marketplace),
            (_("station"), args.station_name),
            (_("packer"), args.packer),
        )
        if value
    ]
    return ", ".join(parts) or _("all clients, stations and packers")


def _emit(args: argparse.Namespace, tables: Sequence[ReportTable]) -> int:
    from packstation.services.reports.tables import write_csv, write_xlsx

    if args.format == "xlsx":
        write_xlsx(tables, args.out)
    elif args.out is None:
        write_csv(tables[0], sys.stdout)
    else:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        with args.out.open("w", encoding="utf-8", newline="") as stream:
            write_csv(tables[0], stream)
    if args.out is not None:
        print(_("wrote {path}").format(path=args.out), file=sys.stderr)
    return 0


def _throughput(args: argparse.Namespace, queries: ReportQueries) -> int:
    from packstation.services.reports import Grouping
    from packstation.services.reports.pdf import write_throughput_pdf
    from packstation.services.reports.tables import figures_table, parcels_table

    flt = _filter(args, queries)
    span = f"{flt.start}" if flt.single_day else f"{flt.start} – {flt.end}"
    if args.report_command == "parcels":
        return _emit(args, [parcels_table(queries.parcels(flt), title=_("Parcels"))])
    if args.format == "pdf":
        write_throughput_pdf(args.out, queries.dashboard(flt), scope=_scope(args))
        print(_("wrote {path}").format(path=args.out), file=sys.stderr)
        return 0
    grouping = Grouping(args.by)
    title = {
        Grouping.PACKER: _("Per packer"),
        Grouping.STATION: _("Per station"),
        Grouping.HOUR: _("Per hour"),
        Grouping.DAY: _("Per day"),
    }[grouping]
    tables = [figures_table(queries.figures(flt, grouping), grouping, title=f"{title} {span}")]
    if args.format == "xlsx":
        tables.append(figures_table([queries.total(flt)], Grouping.TOTAL, title=_("Total")))
    return _emit(args, tables)


def _returns(args: argparse.Namespace, sessions: sessionmaker[Session], queries: ReportQueries) -> int:
    from packstation.services.reports.pdf import write_table_pdf
    from packstation.services.reports.returns import ReturnsGrouping, return_figures, returns_table

    start = args.start or queries.today().start
    end = args.end or start
    client = queries.client_named(args.client) if args.client else None
    by = ReturnsGrouping(args.by)
    with sessions() as session:
        rows = return_figures(session, start, end, by, tz=queries.tz, client_company_id=client)
    span = f"{start}" if start == end else f"{start} – {end}"
    table = returns_table(rows, by, title=_("Returns {span}").format(span=span))
    if args.format == "pdf":
        write_table_pdf(args.out, table, scope=args.client or _("all clients"))
        print(_("wrote {path}").format(path=args.out), file=sys.stderr)
        return 0
    return _emit(args, [table])


def _billing(args: argparse.Namespace, sessions: sessionmaker[Session], queries: ReportQueries) -> int:
    from packstation.services.access.audit import AuditLog
    from packstation.services.reports.billing import BillingPlans, BillingService
    from packstation.services.reports.pdf import write_billing_pdf
    from packstation.services.reports.tables import invoice_table

    plans = BillingPlans(sessions, audit=AuditLog(sessions))
    lines = BillingService(sessions, plans=plans, tz=queries.tz).invoice(args.period)
    if args.format == "pdf":
        write_billing_pdf(args.out, lines, month=args.period, generated_at=now_utc().astimezone(queries.tz))
        print(_("wrote {path}").format(path=args.out), file=sys.stderr)
        return 0
    return _emit(args, [invoice_table(lines, title=_("Billing {period}").format(period=args.period))])


def _billing_plan(args: argparse.Namespace, sessions: sessionmaker[Session], queries: ReportQueries) -> int:
    from packstation.db.models.reports import PricingMode
    from packstation.services.access.audit import AuditLog
    from packstation.services.reports.billing import BillingPlans, Plan, parse_tiers

    plans = BillingPlans(sessions, audit=AuditLog(sessions))
    client_id = queries.client_named(args.client) if args.client else None
    if args.plan_command == "set":
        plan = Plan(
            tiers=parse_tiers(args.tiers),
            period_start_day=args.start_day,
            pricing=PricingMode(args.pricing),
            storage_charge=args.storage,
            currency=args.currency.upper(),
            return_fee=args.return_fee,
        )
        plans.set_from_command_line(plan, client_company_id=client_id)
        print(_("billing plan saved for {who}").format(who=args.client or _("the default plan")))
        return 0
    if args.plan_command == "clear":
        if client_id is None or not plans.clear_from_command_line(client_id):
            return _fail(_("{client} has no plan of its own").format(client=args.client))
        print(_("{client} is billed by the default plan again").format(client=args.client))
        return 0
    default = plans.get(None)
    print(f"{_('default')}: {_describe(default) if default else _('no plan set')}")
    for client in queries.filter_choices().clients:
        if client_id is not None and client.id != client_id:
            continue
        own = plans.get(client.id)
        if own is not None or client_id is not None:
            print(f"{client.name}: {_describe(own) if own else _('the default plan')}")
    return 0


def _describe(plan: Plan) -> str:
    from packstation.services.reports.billing import format_tiers

    return (
        f"tiers={format_tiers(plan)} pricing={plan.pricing.value} start_day={plan.period_start_day}"
        f" storage={plan.storage_charge} currency={plan.currency} return_fee={plan.return_fee}"
    )


def _fail(message: str) -> int:
    print(_("error: {message}").format(message=message), file=sys.stderr)
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    """Standalone entry: ``python -m packstation.cli.reports [--config F] [--database-url U] report ...``."""
    parser = argparse.ArgumentParser(prog="packstation-reports")
    parser.add_argument("--config", type=Path)
    parser.add_argument("--database-url")
    parser.add_argument("--data-dir", type=Path)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    add_report_commands(commands)
    args = parser.parse_args(argv)
    overrides: dict[str, dict[str, Any]] = {}
    if args.database_url:
        overrides.setdefault("database", {})["url"] = args.database_url
    if args.data_dir:
        overrides.setdefault("station", {})["data_dir"] = str(args.data_dir)
    try:
        settings = load_settings(args.config, overrides=overrides)
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    return run_report_command(args, settings)


if __name__ == "__main__":
    raise SystemExit(main())
