"""A small warehouse for stock tests: one client, one account, products, bins and packages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select
from sqlalchemy.orm import Session, sessionmaker

from packstation.db.connect import Database
from packstation.db.models.access import User
from packstation.db.models.accounts import ClientCompany, MarketplaceAccountRow
from packstation.db.models.catalog import ProductBarcode, ProductRow
from packstation.db.models.packages import PackageLineRow, PackageRow
from packstation.db.models.stock import LocationStock, StockLevel
from packstation.services.access.permissions import UserSession
from packstation.services.stock.places import ensure_bin_path
from tests.support.sessions import server_session


@dataclass(frozen=True)
class Warehouse:
    """Ids the fixture created."""

    company: int
    account: int
    products: dict[str, int]
    bins: dict[str, int]


def level(sessions: sessionmaker[Session], product_id: int) -> tuple[int, int]:
    """(on hand, reserved) of a product."""
    with sessions() as session:
        row = session.get(StockLevel, product_id)
        return (row.quantity, row.reserved) if row else (0, 0)


def in_bin(sessions: sessionmaker[Session], location_id: int, product_id: int) -> int:
    """Units of a product in a bin."""
    with sessions() as session:
        row = session.get(LocationStock, (location_id, product_id))
        return row.quantity if row else 0


def add_package(
    sessions: sessionmaker[Session],
    warehouse: Warehouse,
    external_id: str,
    lines: dict[str, int],
    *,
    status: str = "Created",
    minutes_ago: int = 10,
) -> int:
    """A package with one line per stock code (``{code: quantity}``); returns its id."""
    with sessions.begin() as session:
        package_id = session.scalar(
            insert(PackageRow)
            .values(
                account_id=warehouse.account,
                external_id=external_id,
                order_number=f"O-{external_id}",
                status=status,
                order_date=datetime.now(UTC) - timedelta(minutes=minutes_ago),
            )
            .returning(PackageRow.id)
        )
        for number, (code, quantity) in enumerate(lines.items(), start=1):
            session.add(
                PackageLineRow(
                    package_id=package_id,
                    external_line_id=f"{external_id}-{number}",
                    barcode=f"869{warehouse.products[code]:010d}",
                    stock_code=code,
                    product_name=code,
                    quantity=quantity,
                    product_id=warehouse.products[code],
                )
            )
        assert package_id is not None
        return package_id


@pytest.fixture
def warehouse(db: Database) -> Warehouse:
    """Products SHOE-1..3 (barcode 869 + id), bins A-01 and A-02 (zone A), B-01 (zone B) of MAIN; no stock."""
    with db.sessions.begin() as session:
        company = ClientCompany(name="Güllü Ayakkabı")
        session.add(company)
        session.flush()
        account = MarketplaceAccountRow(
            name="gullu-ty", kind="trendyol", seller_id="1", base_url="http://127.0.0.1", client_company_id=company.id
        )
        session.add(account)
        session.flush()
        products = {}
        for code in ("SHOE-1", "SHOE-2", "SHOE-3"):
            product = ProductRow(client_company_id=company.id, stock_code=code, name=f"Deri Babet {code}")
            session.add(product)
            session.flush()
            session.add(ProductBarcode(product_id=product.id, barcode=f"869{product.id:010d}"))
            products[code] = product.id
        bins = {code: ensure_bin_path(session, "MAIN", code[0], code) for code in ("A-01", "A-02", "B-01")}
        assert session.scalar(select(ProductRow.id).limit(1)) is not None
        return Warehouse(company.id, account.id, products, bins)


def person(db: Database, username: str, role: str) -> UserSession:
    """A user of ``role`` logged in on the server (a real session: the audit log names them)."""
    with db.sessions.begin() as session:
        user = User(username=username, full_name=username.title(), role=role, password_hash="-")
        session.add(user)
        session.flush()
        user_id = user.id
    return server_session(db.sessions, user_id)
