"""3PL billing: packed parcels per client company per billing period, priced by monthly tiers.

A **plan** holds the tiers, the day of the month a billing period starts (1..28), the pricing mode
and an optional monthly storage charge. There is one default plan and, per client company, an
optional override that replaces it entirely. Plans live in PostgreSQL (``billing_plans``,
``billing_tiers``); :class:`BillingPlans` reads and writes them.

* **Period** ``YYYY-MM`` with start day *D* runs from local midnight of *D* in that month up to local
  midnight of *D* in the next month (start day 15: ``2026-03`` is 15 March 00:00 to 15 April 00:00,
  i.e. 15 March to 14 April inclusive). Start day 1 is the calendar month.
* **Parcels** are counted as on the dashboard: at the local time of their ``complete`` event.
* **Volume pricing** (``volume``, the default): every parcel of the period costs the price of the tier
  the period's total falls into (260 parcels with tiers ..250 at 4.50 and ..500 at 4.00: 260 × 4.00).
* **Graduated pricing** (``graduated``): each parcel costs the price of its band (the first 100 at the
  first price, parcels 101..250 at the second, ...), like income-tax brackets.
* Amounts are :class:`~decimal.Decimal`, rounded half-up to 0.01 once, on the parcel amount.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from sqlalchemy import select, text
from sqlalchemy.orm import Session, selectinload, sessionmaker

from packstation.db.models.accounts import ClientCompany
from packstation.db.models.reports import BillingPlan, PricingMode
from packstation.i18n import _
from packstation.services.access.audit import AuditLog
from packstation.services.access.permissions import Approval, Permission, UserSession, privileged
from packstation.services.access.server import call
from packstation.services.reports.figures import whole_hour_zone
from packstation.services.reports.model import DEFAULT_TIME_ZONE, turkish_sort_key

log = logging.getLogger("packstation.services.reports.billing")
CENT = Decimal("0.01")
_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")


class BillingError(ValueError):
    """A plan or a billing request is invalid; the message says what, for the user."""


@dataclass(frozen=True)
class Tier:
    """Parcels up to ``up_to`` (inclusive; None: no upper bound) at ``price`` each."""

    up_to: int | None
    price: Decimal


@dataclass(frozen=True)
class Plan:
    """A validated billing plan."""

    tiers: tuple[Tier, ...]
    period_start_day: int = 1
    pricing: PricingMode = PricingMode.VOLUME
    storage_charge: Decimal = Decimal("0")
    currency: str = "TRY"
    #: Charged per return processed at the bench (#18); 0: returns are not billed.
    return_fee: Decimal = Decimal("0")

    def __post_init__(self) -> None:
        if not self.tiers:
            raise BillingError(_("a plan needs at least one tier"))
        if self.return_fee < 0:
            raise BillingError(_("the fee per return cannot be negative"))
        if not 1 <= self.period_start_day <= 28:
            raise BillingError(_("the billing period must start on day 1 to 28 of the month"))
        if self.storage_charge < 0:
            raise BillingError(_("the storage charge cannot be negative"))
        previous = 0
        for index, tier in enumerate(self.tiers):
            last = index == len(self.tiers) - 1
            if tier.price < 0:
                raise BillingError(_("tier prices cannot be negative"))
            if tier.up_to is None and not last:
                raise BillingError(_("only the last tier may be open-ended"))
            if tier.up_to is not None and tier.up_to <= previous:
                raise BillingError(
                    _("tier limits must rise: {limit} follows {previous}").format(limit=tier.up_to, previous=previous)
                )
            if last and tier.up_to is not None:
                raise BillingError(_("the last tier must be open-ended (write it as *:PRICE)"))
            previous = tier.up_to or previous

    def tier_label(self, index: int) -> str:
        """The band of tier ``index`` as people write it: ``0–100``, ``101–250``, ``1001+``."""
        lower = 0 if index == 0 else (self.tiers[index - 1].up_to or 0) + 1
        upper = self.tiers[index].up_to
        return f"{lower}+" if upper is None else f"{lower}–{upper}"

    def tier_index(self, parcels: int) -> int:
        """The tier a period total of ``parcels`` falls into."""
        for index, tier in enumerate(self.tiers):
            if tier.up_to is None or parcels <= tier.up_to:
                return index
        return len(self.tiers) - 1

    def parcel_amount(self, parcels: int) -> Decimal:
        """What ``parcels`` parcels of one period cost (without storage), rounded to the cent."""
        if parcels < 0:
            raise BillingError(_("a parcel count cannot be negative"))
        if self.pricing is PricingMode.VOLUME:
            amount = parcels * self.tiers[self.tier_index(parcels)].price
        else:
            amount, previous = Decimal(0), 0
            for tier in self.tiers:
                band = parcels - previous if tier.up_to is None else min(parcels, tier.up_to) - previous
                if band <= 0:
                    break
                amount += band * tier.price
                previous = tier.up_to or parcels
        return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def parse_tiers(spec: str) -> tuple[Tier, ...]:
    """``"100:5.00,250:4.50,*:2.50"`` → tiers (``*`` is the open-ended last tier)."""
    tiers = []
    for part in filter(None, (p.strip() for p in spec.split(","))):
        limit, sep, price = part.partition(":")
        if not sep:
            raise BillingError(_("tier {part!r} is not LIMIT:PRICE").format(part=part))
        try:
            value = Decimal(price.strip())
            up_to = None if limit.strip() == "*" else int(limit)
        except (InvalidOperation, ValueError):
            raise BillingError(_("tier {part!r} is not LIMIT:PRICE").format(part=part)) from None
        tiers.append(Tier(up_to, value))
    return tuple(tiers)


def format_tiers(plan: Plan) -> str:
    """The tiers in the ``parse_tiers`` notation."""
    return ",".join(f"{'*' if t.up_to is None else t.up_to}:{price_text(t.price)}" for t in plan.tiers)


def price_text(price: Decimal) -> str:
    """A price with at least two decimals and no trailing zeros beyond them (``4.5000`` → ``4.50``)."""
    normal = price.normalize()
    exponent = normal.as_tuple().exponent
    return str(price.quantize(CENT) if isinstance(exponent, int) and exponent > -2 else normal)


@dataclass(frozen=True)
class BillingPeriod:
    """One client's billing period: local days ``start`` (inclusive) to ``end`` (exclusive)."""

    label: str
    start: date
    end: date

    def utc_bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """The period's instants: local midnight of ``start`` and of ``end``."""
        return datetime.combine(self.start, time(0), tzinfo=tz), datetime.combine(self.end, time(0), tzinfo=tz)


def billing_period(month: str, start_day: int) -> BillingPeriod:
    """The period called ``YYYY-MM`` for a plan whose periods start on ``start_day``."""
    match = _PERIOD.match(month)
    if match is None or not 1 <= int(match[2]) <= 12:
        raise BillingError(_("the period must be written YYYY-MM, e.g. 2026-03 (got {month!r})").format(month=month))
    year, mon = int(match[1]), int(match[2])
    start = date(year, mon, start_day)
    end = date(year + mon // 12, mon % 12 + 1, start_day)
    return BillingPeriod(month, start, end)


@dataclass(frozen=True)
class InvoiceLine:
    """One client company's bill for one period."""

    client_company_id: int
    client: str
    period: BillingPeriod
    parcels: int
    tier: str
    pricing: PricingMode
    unit_price: Decimal
    parcel_amount: Decimal
    storage_charge: Decimal
    amount: Decimal
    currency: str
    custom_plan: bool
    #: Returns processed at the bench in the period, and what they cost under the plan's fee.
    returns: int = 0
    return_amount: Decimal = Decimal("0")


def _to_plan(row: BillingPlan) -> Plan:
    return Plan(
        tiers=tuple(Tier(t.up_to, Decimal(t.price_per_parcel)) for t in row.tiers),
        period_start_day=row.period_start_day,
        pricing=PricingMode(row.pricing),
        storage_charge=Decimal(row.storage_charge),
        currency=row.currency,
        return_fee=Decimal(row.return_fee),
    )


class BillingPlans:
    """Read and write the default plan and the per-client overrides; every change is audited.

    ``set``/``clear`` are privileged (``CHANGE_SETTINGS``) and name their actor; the server checks the
    actor's session again and writes the plan and its audit entry (``billing_plan_set`` /
    ``billing_plan_clear``): a station's role cannot write plans itself. The command line, which has no
    logged-in user, uses ``set_from_command_line``/``clear_from_command_line``: the owner's tool, audited
    with ``via: command line`` (like ``packstation user add``); a station's login cannot use them.
    """

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        audit: AuditLog,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._sessions = sessions
        self.audit = audit  # @privileged reads audit and clock
        self.clock = clock

    def get(self, client_company_id: int | None = None) -> Plan | None:
        """The plan stored for a client (None: the default plan), or None when there is none."""
        with self._sessions() as session:
            row = session.scalars(
                select(BillingPlan)
                .options(selectinload(BillingPlan.tiers))
                .where(
                    BillingPlan.client_company_id.is_(None)
                    if client_company_id is None
                    else BillingPlan.client_company_id == client_company_id
                )
            ).one_or_none()
            return None if row is None else _to_plan(row)

    def effective(self, client_company_id: int) -> tuple[Plan, bool]:
        """The plan that bills a client, and whether it is the client's own (not the default)."""
        own = self.get(client_company_id)
        if own is not None:
            return own, True
        default = self.get(None)
        if default is None:
            raise BillingError(
                _("no billing plan is set: set the default with `packstation report billing-plan set --tiers ...`")
            )
        return default, False

    @privileged(Permission.CHANGE_SETTINGS)
    def set(
        self,
        actor: UserSession,
        plan: Plan,
        *,
        client_company_id: int | None = None,
        approval: Approval | None = None,
    ) -> None:
        """Store ``plan`` as the default (no client) or as a client's override, replacing what was there."""
        self._store(plan, client_company_id, actor=actor, via="station", approval=approval)

    def set_from_command_line(self, plan: Plan, *, client_company_id: int | None = None) -> None:
        """``set`` for the command line (the owner's tool: no session, audited as such)."""
        self._store(plan, client_company_id, actor=None, via="command line")

    @privileged(Permission.CHANGE_SETTINGS)
    def clear(self, actor: UserSession, client_company_id: int, *, approval: Approval | None = None) -> bool:
        """Remove a client's override (the default plan bills it again); False if it had none."""
        return self._remove(client_company_id, actor=actor, via="station", approval=approval)

    def clear_from_command_line(self, client_company_id: int) -> bool:
        """``clear`` for the command line."""
        return self._remove(client_company_id, actor=None, via="command line")

    def _remove(
        self, client_company_id: int, *, actor: UserSession | None, via: str, approval: Approval | None = None
    ) -> bool:
        # The server checks the actor's session (or the approval spent for it) and audits the change.
        with self._sessions.begin() as session:
            removed = call(
                session,
                "SELECT billing_plan_clear(:token, :approval, :client, :via)",
                {
                    "token": actor.token if actor else None,
                    "approval": approval.token if approval else None,
                    "client": client_company_id,
                    "via": via,
                },
            ).scalar_one()
        return bool(removed)

    def _store(
        self,
        plan: Plan,
        client_company_id: int | None,
        *,
        actor: UserSession | None,
        via: str,
        approval: Approval | None = None,
    ) -> None:
        if client_company_id is not None:
            with self._sessions() as session:
                if session.get(ClientCompany, client_company_id) is None:
                    raise BillingError(_("client company {id} does not exist").format(id=client_company_id))
        tiers = [{"up_to": tier.up_to, "price": str(tier.price)} for tier in plan.tiers]
        with self._sessions.begin() as session:
            call(
                session,
                "SELECT billing_plan_set(:token, :approval, :client, :start_day, :pricing, :storage, :currency,"
                " CAST(:tiers AS jsonb), :summary, :via)",
                {
                    "token": actor.token if actor else None,
                    "approval": approval.token if approval else None,
                    "client": client_company_id,
                    "start_day": plan.period_start_day,
                    "pricing": plan.pricing.value,
                    "storage": plan.storage_charge,
                    "currency": plan.currency,
                    "tiers": json.dumps(tiers),
                    "summary": format_tiers(plan),
                    "via": via,
                },
            )
            if plan.return_fee:
                call(
                    session,
                    "SELECT billing_return_fee_set(:token, :approval, :client, :fee, :via)",
                    {
                        "token": actor.token if actor else None,
                        "approval": approval.token if approval else None,
                        "client": client_company_id,
                        "fee": plan.return_fee,
                        "via": via,
                    },
                )
        log.info("billing plan set client=%s tiers=%s", client_company_id, format_tiers(plan))


class BillingService:
    """Prices each client company's packed parcels for a period."""

    def __init__(
        self, sessions: sessionmaker[Session], *, plans: BillingPlans, tz: ZoneInfo = DEFAULT_TIME_ZONE
    ) -> None:
        self._sessions = sessions
        self._plans = plans
        self.tz = tz

    def invoice(self, month: str) -> list[InvoiceLine]:
        """One line per client company for period ``month`` (``YYYY-MM``), each under its own plan."""
        with self._sessions() as session:
            clients = sorted(
                session.execute(select(ClientCompany.id, ClientCompany.name)).all(),
                key=lambda row: turkish_sort_key(row[1]),
            )
        lines = []
        for client_id, name in clients:
            plan, custom = self._plans.effective(client_id)
            period = billing_period(month, plan.period_start_day)
            parcels = self.parcels(client_id, period)
            index = plan.tier_index(parcels)
            parcel_amount = plan.parcel_amount(parcels)
            returns = self.returns(client_id, period)
            return_amount = (returns * plan.return_fee).quantize(CENT, rounding=ROUND_HALF_UP)
            lines.append(
                InvoiceLine(
                    client_company_id=client_id,
                    client=name,
                    period=period,
                    parcels=parcels,
                    tier=plan.tier_label(index),
                    pricing=plan.pricing,
                    unit_price=plan.tiers[index].price,
                    parcel_amount=parcel_amount,
                    storage_charge=plan.storage_charge.quantize(CENT),
                    amount=(parcel_amount + plan.storage_charge + return_amount).quantize(CENT, rounding=ROUND_HALF_UP),
                    currency=plan.currency,
                    custom_plan=custom,
                    returns=returns,
                    return_amount=return_amount,
                )
            )
        return lines

    def returns(self, client_company_id: int, period: BillingPeriod) -> int:
        """Returns of a client processed at the bench in ``period``."""
        start, end = period.utc_bounds(self.tz)
        sql = (
            "SELECT count(*) FROM return_events r JOIN claims c ON c.id = r.claim_id"
            " JOIN marketplace_accounts a ON a.id = c.account_id"
            " WHERE a.client_company_id = :client AND r.occurred_at >= :start AND r.occurred_at < :end"
        )
        with self._sessions() as session:
            return int(
                session.execute(text(sql), {"client": client_company_id, "start": start, "end": end}).scalar_one()
            )

    def parcels(self, client_company_id: int, period: BillingPeriod) -> int:
        """Parcels of a client counted in ``period`` (from the hourly rollup when the zone allows)."""
        start, end = period.utc_bounds(self.tz)
        if whole_hour_zone(self.tz, period.start, period.end):
            sql = (
                "SELECT coalesce(sum(h.parcels), 0) FROM pack_hourly h JOIN marketplace_accounts a"
                " ON a.id = h.account_id WHERE a.client_company_id = :client AND h.hour >= :start AND h.hour < :end"
            )
        else:
            sql = (
                "SELECT count(*) FROM parcel_facts f JOIN marketplace_accounts a ON a.id = f.account_id"
                " WHERE a.client_company_id = :client AND f.completed_at >= :start AND f.completed_at < :end"
            )
        with self._sessions() as session:
            return int(
                session.execute(text(sql), {"client": client_company_id, "start": start, "end": end}).scalar_one()
            )
