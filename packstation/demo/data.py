"""Demo data: a Turkish shoe shop's catalogue and a few hundred packages to pack.

Deterministic for a given seed, so screenshots and tests see the same parcels. Seeding is
idempotent: a database that already holds the demo account is left as it is.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, sessionmaker

from packstation.db.models.accounts import ClientCompany, MarketplaceAccountRow
from packstation.db.models.catalog import ProductBarcode, ProductRow
from packstation.db.models.packages import PackageLineRow, PackageRow
from packstation.domain.gtin import with_check_digit
from packstation.domain.status import PackageStatus, Role
from packstation.domain.stock import DEFAULT_WAREHOUSE_CODE, StockReason
from packstation.services.access.users import UserService
from packstation.services.stock.movements import StockMove, apply_movements
from packstation.services.stock.places import ensure_bins
from packstation.services.stock.reservations import settle_reservations

DEMO_ACCOUNT = "demo-trendyol"
DEMO_CLIENT = "Güllü Ayakkabı"

MODELS = [
    ("GA-BBT", "Hakiki Deri Babet", ("Siyah", "Taba", "Bej", "Pudra"), range(36, 42)),
    ("GA-SNK", "Örgü Triko Sneaker", ("Beyaz", "Siyah", "Gri", "Lacivert"), range(36, 46)),
    ("GA-KLS", "Erkek Klasik Deri Ayakkabı", ("Siyah", "Kahverengi", "Taba"), range(39, 46)),
    ("GA-BOT", "Süet Bağcıklı Bot", ("Taba", "Siyah", "Haki"), range(36, 45)),
    ("GA-STL", "Topuklu Stiletto", ("Kırmızı", "Siyah", "Ten"), range(35, 41)),
    ("GA-SND", "Çocuk Cırtlı Sandalet", ("Pembe", "Mavi", "Sarı"), range(26, 35)),
    ("GA-CZM", "Kadın Diz Altı Çizme", ("Siyah", "Kahverengi"), range(36, 41)),
    ("GA-TRL", "Ortopedik Terlik", ("Lacivert", "Gri", "Bordo"), range(36, 44)),
]
# Accessories are sold singly and also arrive in sealed packs with a case barcode.
ACCESSORIES = [
    ("GA-COR", "Pamuklu Çorap", "Karışık", "Tek Ebat", 6),
    ("GA-BKM", "Ayakkabı Bakım Spreyi", None, "200 ml", 12),
    ("GA-TBN", "Jel Tabanlık", None, "Tek Ebat", 10),
]

FIRST_NAMES = [
    "Şükrü",
    "Ayşe",
    "Gökçe",
    "İbrahim",
    "Çağla",
    "Ömer",
    "Ülkü",
    "Ebru",
    "Oğuz",
    "Şeyma",
    "Işıl",
    "Gülşen",
    "Mehmet",
    "Zeynep",
    "Doğan",
    "Büşra",
    "Çetin",
    "Özlem",
    "Ilgaz",
    "Hülya",
]
LAST_NAMES = [
    "Gökçe",
    "Yılmaz",
    "Öztürk",
    "Çelik",
    "Şahin",
    "Aydın",
    "Doğan",
    "Kılıç",
    "Arslan",
    "Güneş",
    "Erdoğan",
    "Koç",
    "Kurt",
    "Özdemir",
    "Çakır",
    "Işık",
    "Aksoy",
    "Türkmen",
    "Ünal",
    "Bozkurt",
]
PLACES = [
    ("İstanbul", "Kadıköy"),
    ("İstanbul", "Üsküdar"),
    ("İstanbul", "Beşiktaş"),
    ("Ankara", "Çankaya"),
    ("İzmir", "Karşıyaka"),
    ("Iğdır", "Merkez"),
    ("Ağrı", "Doğubayazıt"),
    ("Şanlıurfa", "Eyyübiye"),
    ("Muğla", "Bodrum"),
    ("Eskişehir", "Odunpazarı"),
    ("Gaziantep", "Şahinbey"),
    ("Çanakkale", "Gelibolu"),
    ("Bursa", "Nilüfer"),
    ("Diyarbakır", "Bağlar"),
    ("Kütahya", "Tavşanlı"),
    ("Düzce", "Gölyaka"),
]
STREETS = ["Atatürk Cad.", "Cumhuriyet Mah. Gül Sok.", "İnönü Bulvarı", "Çiçek Sok.", "Şehit Öğretmen Cad."]
CARRIERS = ["Trendyol Express", "Yurtiçi Kargo", "Aras Kargo", "MNG Kargo", "Sürat Kargo"]


@dataclass(frozen=True)
class DemoSummary:
    """What seeding created."""

    products: int
    packages: int
    created: bool


def _ean13(rng: random.Random, used: set[str]) -> str:
    while True:
        code = with_check_digit("869" + "".join(str(rng.randrange(10)) for _ in range(9)))
        if code not in used:
            used.add(code)
            return code


def seed_demo_data(sessions: sessionmaker[Session], *, packages: int = 300, seed: int = 7) -> DemoSummary:
    """Create the demo client, account, catalogue and ``packages`` packages, unless already there."""
    rng = random.Random(seed)
    used: set[str] = set()
    with sessions.begin() as session:
        existing = session.scalar(select(MarketplaceAccountRow.id).where(MarketplaceAccountRow.name == DEMO_ACCOUNT))
        if existing is not None:
            count = len(session.scalars(select(PackageRow.id).where(PackageRow.account_id == existing)).all())
            products = len(session.scalars(select(ProductRow.id)).all())
            return DemoSummary(products=products, packages=count, created=False)

        client = ClientCompany(
            name=DEMO_CLIENT,
            address="Organize Sanayi Bölgesi 3. Cad. No:12, Merkezefendi / Denizli",
            phone="0258 000 00 00",
        )
        session.add(client)
        session.flush()
        account = MarketplaceAccountRow(
            name=DEMO_ACCOUNT,
            kind="trendyol",
            seller_id="100200",
            base_url="http://127.0.0.1/demo",
            client_company_id=client.id,
        )
        session.add(account)
        session.flush()
        catalogue = _seed_catalogue(session, client.id, rng, used)
        if packages > 0:  # the demo marketplace brings parcels through the sync instead
            _seed_packages(session, account.id, catalogue, rng, packages)
        return DemoSummary(products=len(catalogue), packages=packages, created=True)


def _seed_catalogue(
    session: Session, client_id: int, rng: random.Random, used: set[str]
) -> list[tuple[int, str, str, str | None, str | None, str]]:
    """Returns (product id, barcode, stock code, colour, size, name) per product."""
    rows: list[dict[str, object]] = []
    bins: list[str] = []
    for code, name, colours, sizes in MODELS:
        for colour in colours:
            for size in sizes:
                rows.append(
                    {
                        "client_company_id": client_id,
                        "stock_code": f"{code}-{colour[:3].upper()}-{size}",
                        "name": name,
                        "colour": colour,
                        "size": str(size),
                    }
                )
                bins.append(f"{rng.choice('ABCDE')}-{rng.randint(1, 24):02d}-{rng.randint(1, 6)}")
    for accessory_code, accessory_name, accessory_colour, accessory_size, _pack in ACCESSORIES:
        rows.append(
            {
                "client_company_id": client_id,
                "stock_code": accessory_code,
                "name": accessory_name,
                "colour": accessory_colour,
                "size": accessory_size,
            }
        )
        bins.append(f"F-{rng.randint(1, 8):02d}-1")
    ids = session.scalars(insert(ProductRow).returning(ProductRow.id, sort_by_parameter_order=True), rows).all()
    barcodes: list[dict[str, object]] = []
    catalogue = []
    for product_id, row in zip(ids, rows, strict=True):
        primary = _ean13(rng, used)
        barcodes.append({"product_id": product_id, "barcode": primary, "multiplier": 1})
        if rng.random() < 0.15:  # some products carry a second (supplier) barcode
            barcodes.append({"product_id": product_id, "barcode": _ean13(rng, used), "multiplier": 1})
        catalogue.append((product_id, primary, str(row["stock_code"]), row["colour"], row["size"], str(row["name"])))
    for product_id, accessory in zip(ids[-len(ACCESSORIES) :], ACCESSORIES, strict=True):
        barcodes.append({"product_id": product_id, "barcode": _ean13(rng, used), "multiplier": accessory[4]})
    session.execute(insert(ProductBarcode), barcodes)
    # Shelves A-F, one zone each; every product starts with some units in its bin.
    bin_ids = ensure_bins(session, DEFAULT_WAREHOUSE_CODE, {(code[0], code) for code in bins})
    places = {code: location_id for (_, code), location_id in bin_ids.items()}
    apply_movements(
        session,
        [
            StockMove(pid, rng.randint(5, 80), StockReason.IMPORT, location_id=places[code], note="demo")
            for pid, code in zip(ids, bins, strict=True)
        ],
    )
    return catalogue  # type: ignore[return-value]


def _seed_packages(
    session: Session,
    account_id: int,
    catalogue: list[tuple[int, str, str, str | None, str | None, str]],
    rng: random.Random,
    count: int,
) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    package_rows: list[dict[str, object]] = []
    lines_per_package: list[list[dict[str, object]]] = []
    order_number = 10_482_000_000 + rng.randint(0, 99_999)
    index = 0
    while index < count:
        order_number += rng.randint(1, 40)
        # About one order in twelve is split into two packages sharing the order number.
        parts = 2 if rng.random() < 0.08 and index + 1 < count else 1
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        city, district = rng.choice(PLACES)
        order_date = now - timedelta(minutes=rng.randint(5, 60 * 48))
        for _part in range(parts):
            external_id = str(3_200_000_000 + index * 7 + rng.randint(0, 6))
            tracking = str(7_330_000_000_000_000 + rng.randint(0, 999_999_999_999))
            package_rows.append(
                {
                    "account_id": account_id,
                    "external_id": external_id,
                    "order_number": str(order_number),
                    "status": PackageStatus.CREATED.value if rng.random() < 0.85 else PackageStatus.PICKING.value,
                    "cargo_tracking_number": tracking,
                    "cargo_provider": rng.choice(CARRIERS),
                    "packing_slip_code": f"PS:{external_id}",
                    "customer_name": f"{first} {last}",
                    "address_line": f"{rng.choice(STREETS)} No:{rng.randint(1, 180)} D:{rng.randint(1, 24)}",
                    "district": district,
                    "city": city,
                    "phone": None,
                    "order_date": order_date,
                    "raw": {"demo": True, "shipmentPackageId": external_id, "orderNumber": str(order_number)},
                }
            )
            lines: list[dict[str, object]] = []
            line_count = rng.choices([1, 2, 3, 4], weights=[55, 28, 12, 5])[0]
            for position, product in enumerate(rng.sample(catalogue, line_count)):
                product_id, barcode, stock_code, colour, size, name = product
                lines.append(
                    {
                        "external_line_id": f"{external_id}-{position + 1}",
                        "barcode": barcode,
                        "stock_code": stock_code,
                        "product_name": name,
                        "colour": colour,
                        "size": size,
                        "quantity": rng.choices([1, 2, 3], weights=[80, 15, 5])[0],
                        "unit_price": rng.choice([349, 499, 749, 899, 1299, 1899]),
                        "product_id": product_id,
                    }
                )
            lines_per_package.append(lines)
            index += 1
    package_ids = session.scalars(
        insert(PackageRow).returning(PackageRow.id, sort_by_parameter_order=True), package_rows
    ).all()
    line_rows = [
        {**line, "package_id": package_id}
        for package_id, lines in zip(package_ids, lines_per_package, strict=True)
        for line in lines
    ]
    session.execute(insert(PackageLineRow), line_rows)
    settle_reservations(session, package_ids)


# Badge codes printed on the demo's login screen, so anyone can try the station.
DEMO_PACKERS = (("ayse", "Ayşe Yılmaz", "1001"), ("omer", "Ömer Çelik", "1002"), ("gulsen", "Gülşen Işık", "1003"))


#: The demo's supervisor: (user name, full name, badge, PIN). Supervisors do not log in with a badge,
#: but approve a packer's unsupplied line, forced completion or report view with badge and PIN.
DEMO_SUPERVISOR = ("sena", "Sena Aydın", "9001", "2580")


def seed_demo_users(users: UserService) -> int:
    """Create the demo packers (badge login) and supervisor unless users exist already; returns how many."""
    if users.count() > 0:
        return 0
    for username, full_name, badge in DEMO_PACKERS:
        users.add_user(
            username,
            role=Role.PACKER,
            password=f"demo-{username}-{badge}",
            full_name=full_name,
            badge=badge,
            short_badge_ok=True,
        )
    username, full_name, badge, pin = DEMO_SUPERVISOR
    users.add_user(
        username,
        role=Role.SUPERVISOR,
        password=f"demo-{username}-{badge}",
        full_name=full_name,
        badge=badge,
        pin=pin,
        short_badge_ok=True,
    )
    return len(DEMO_PACKERS) + 1
