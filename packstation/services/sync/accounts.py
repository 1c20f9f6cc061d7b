"""Configured marketplace accounts: their database rows, and a client for each (Qt-free).

The ``[[marketplaces]]`` tables of the configuration are the source of truth for which accounts exist;
``ensure_accounts`` mirrors them into ``marketplace_accounts`` (and the client companies they pack for),
so every station that starts with the same configuration converges on the same rows.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, sessionmaker

from packstation.config import Settings
from packstation.config.sections import MarketplaceAccount
from packstation.db.models.accounts import ClientCompany, MarketplaceAccountRow
from packstation.domain.marketplace import Marketplace
from packstation.domain.retry import RetryPolicy
from packstation.i18n import _
from packstation.services.access.secrets import SecretStore
from packstation.services.marketplaces.base import MarketplaceClient
from packstation.services.marketplaces.credentials import (
    HepsiburadaCredentials,
    N11Credentials,
    TrendyolCredentials,
)
from packstation.services.marketplaces.hepsiburada.client import HepsiburadaClient, HepsiburadaConfig
from packstation.services.marketplaces.n11.client import N11Client, N11Config
from packstation.services.marketplaces.trendyol.client import TrendyolClient
from packstation.services.marketplaces.trendyol.config import TrendyolConfig

log = logging.getLogger("packstation.services.sync.accounts")

#: Hepsiburada's User-Agent must be the integrator username registered in the merchant panel.
HEPSIBURADA_USER_AGENT_SECRET = "user_agent"


class AccountSetupError(Exception):
    """An account cannot be used as configured (a bad seller id, a missing secret); says what to fix."""


def ensure_accounts(settings: Settings, sessions: sessionmaker[Session]) -> dict[str, int]:
    """Create or update the row of every configured account (and its client company); name -> id.

    Idempotent: running it again with the same configuration changes nothing. Accounts that left the
    configuration keep their rows (their packages and history refer to them).
    """
    configured = settings.marketplaces
    if not configured:
        return {}
    with sessions.begin() as session:
        companies = {account.client for account in configured}
        session.execute(
            insert(ClientCompany)
            .values([{"name": name} for name in sorted(companies)])
            .on_conflict_do_nothing(index_elements=[ClientCompany.name])
        )
        company_ids = dict(
            session.execute(select(ClientCompany.name, ClientCompany.id).where(ClientCompany.name.in_(companies))).all()
        )
        rows = [
            {
                "name": account.name,
                "kind": account.kind.value,
                "seller_id": account.seller_id,
                "base_url": account.base_url,
                "client_company_id": company_ids[account.client],
                "enabled": account.enabled,
            }
            for account in configured
        ]
        statement = insert(MarketplaceAccountRow).values(rows)
        changed = ("kind", "seller_id", "base_url", "client_company_id", "enabled")
        table = MarketplaceAccountRow.__table__.c
        statement = statement.on_conflict_do_update(
            index_elements=[MarketplaceAccountRow.name],
            set_={name: statement.excluded[name] for name in changed},
            # Only touch rows whose configuration changed, so a restart writes nothing.
            where=_row(table, changed).is_distinct_from(_row(statement.excluded, changed)),
        )
        session.execute(statement)
        ids = dict(
            session.execute(
                select(MarketplaceAccountRow.name, MarketplaceAccountRow.id).where(
                    MarketplaceAccountRow.name.in_([account.name for account in configured])
                )
            ).all()
        )
    log.info("accounts ensured count=%d", len(ids))
    return ids


def _row(columns: Any, names: tuple[str, ...]) -> Any:
    return tuple_(*(getattr(columns, name) for name in names))


def client_for(
    account: MarketplaceAccount, secrets: SecretStore, *, retry: RetryPolicy | None = None
) -> MarketplaceClient:
    """A client for ``account`` with its secrets from ``secrets``.

    Raises :class:`packstation.services.access.secrets.SecretError` naming the missing secret and its
    environment variable, or :class:`AccountSetupError` when a configured value is unusable.
    """
    name = account.name
    try:
        if account.kind is Marketplace.TRENDYOL:
            credentials = TrendyolCredentials(
                account.seller_id, secrets.require(name, "api_key"), secrets.require(name, "api_secret")
            )
            config = TrendyolConfig(base_url=account.base_url, paged_path=account.paged_path)
            return TrendyolClient(credentials, config=replace(config, retry=retry) if retry else config)
        if account.kind is Marketplace.HEPSIBURADA:
            hb_credentials = HepsiburadaCredentials(
                secrets.require(name, "merchant_id"),
                secrets.require(name, "service_key"),
                user_agent=secrets.require(name, HEPSIBURADA_USER_AGENT_SECRET),
            )
            # One configured URL: the order host; the listing host has the same shape with "listing".
            hb_config = HepsiburadaConfig(
                oms_url=account.base_url,
                listing_url=account.base_url.replace("oms-external", "listing-external"),
                label_zpl_format=account.label_zpl_format,
                label_pdf_format=account.label_pdf_format,
                combine_orders=account.combine_orders,
                cancel_reason_id=account.cancel_reason_id,
                cancel_line_path=account.cancel_line_path,
                claim_return_direction=account.claim_return_direction,
                claim_rejection_reason=account.claim_rejection_reason,
                claim_finalized_with=account.claim_finalized_with,
            )
            return HepsiburadaClient(hb_credentials, config=replace(hb_config, retry=retry) if retry else hb_config)
        n11_credentials = N11Credentials(secrets.require(name, "app_key"), secrets.require(name, "app_secret"))
        n11_config = N11Config(base_url=account.base_url)
        return N11Client(n11_credentials, config=replace(n11_config, retry=retry) if retry else n11_config)
    except ValueError as exc:
        raise AccountSetupError(
            _("marketplace account {name!r} cannot be used: {problem}").format(name=name, problem=exc)
        ) from exc
