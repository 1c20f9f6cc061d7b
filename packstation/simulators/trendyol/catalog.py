"""Deterministic, lazily generated orders of a Turkish shoe shop.

Package ``i`` of seed ``s`` is always the same package, built from its own random stream, so 50,000
packages cost nothing until a page asks for them and any one can be regenerated on demand.
"""

from __future__ import annotations

import enum
import random
from dataclasses import dataclass, field
from decimal import Decimal

from packstation.domain.gtin import with_check_digit
from packstation.domain.status import PackageStatus

BASE_PACKAGE_ID = 3_330_100_000
NEW_PACKAGE_ID = 3_340_000_000
BASE_LINE_ID = 56_000_000_000
NEW_LINE_ID = 57_000_000_000
BASE_ORDER_NUMBER = 10_654_000_000
GMT3_MS = 3 * 3600 * 1000

MODELS = (
    ("Deri Bot", Decimal("1899.90")),
    ("Spor Ayakkabı", Decimal("1249.90")),
    ("Koşu Ayakkabısı", Decimal("1599.90")),
    ("Loafer", Decimal("1099.90")),
    ("Sneaker", Decimal("999.90")),
    ("Topuklu Ayakkabı", Decimal("899.90")),
    ("Babet", Decimal("599.90")),
    ("Sandalet", Decimal("549.90")),
    ("Çizme", Decimal("2299.90")),
    ("Ev Terliği", Decimal("299.90")),
)
COLOURS = ("Siyah", "Beyaz", "Kahverengi", "Lacivert", "Bej", "Kırmızı", "Gri", "Taba")
SIZES = tuple(str(size) for size in range(36, 46))
FIRST_NAMES = (
    "Ayşe",
    "Fatma",
    "Zeynep",
    "Elif",
    "Emine",
    "Hatice",
    "Merve",
    "Büşra",
    "Özge",
    "Şule",
    "Mehmet",
    "Mustafa",
    "Ahmet",
    "Ali",
    "Hüseyin",
    "İbrahim",
    "Emre",
    "Burak",
    "Çağrı",
    "Oğuz",
)
LAST_NAMES = (
    "Yılmaz",
    "Kaya",
    "Demir",
    "Şahin",
    "Çelik",
    "Yıldız",
    "Yıldırım",
    "Öztürk",
    "Aydın",
    "Özdemir",
    "Arslan",
    "Doğan",
    "Kılıç",
    "Aslan",
    "Çetin",
    "Koç",
    "Kurt",
    "Özkan",
    "Şimşek",
    "Güneş",
)
CITIES = (
    ("İstanbul", 34, ("Kadıköy", "Üsküdar", "Beşiktaş", "Şişli", "Bakırköy", "Ataşehir", "Sarıyer")),
    ("Ankara", 6, ("Çankaya", "Keçiören", "Yenimahalle", "Etimesgut")),
    ("İzmir", 35, ("Karşıyaka", "Bornova", "Konak", "Buca")),
    ("Bursa", 16, ("Nilüfer", "Osmangazi", "Yıldırım")),
    ("Antalya", 7, ("Muratpaşa", "Konyaaltı", "Kepez")),
    ("Konya", 42, ("Selçuklu", "Meram")),
    ("Eskişehir", 26, ("Tepebaşı", "Odunpazarı")),
    ("Trabzon", 61, ("Ortahisar", "Akçaabat")),
    ("Gaziantep", 27, ("Şahinbey", "Şehitkamil")),
    ("Kayseri", 38, ("Melikgazi", "Kocasinan", "Talas")),
)
NEIGHBOURHOODS = (
    "Cumhuriyet Mah.",
    "Atatürk Mah.",
    "Fatih Mah.",
    "Yenişehir Mah.",
    "Güzelyalı Mah.",
    "Çamlık Mah.",
)
STREETS = ("Atatürk Cd.", "İnönü Sk.", "Gül Sk.", "Menekşe Sk.", "Bağdat Cd.", "Çınar Sk.", "Şehitler Cd.")
# (tracking prefix, carrier name, share in %); 733 TEX and 726 Aras get Trendyol's common label.
CARRIERS = (
    ("733", "Trendyol Express Marketplace", 60),
    ("726", "Aras Kargo Marketplace", 20),
    ("725", "Yurtiçi Kargo Marketplace", 12),
    ("728", "MNG Kargo Marketplace", 8),
)
# Base package statuses by share in per mille: mostly work to do, some history.
STATUS_SHARES = (
    (PackageStatus.CREATED, 700),
    (PackageStatus.PICKING, 90),
    (PackageStatus.INVOICED, 50),
    (PackageStatus.SHIPPED, 80),
    (PackageStatus.DELIVERED, 40),
    (PackageStatus.CANCELLED, 25),
    (PackageStatus.AWAITING, 15),
)
LINE_COUNT_WEIGHTS = (20, 25, 20, 15, 12, 8)  # 1..6 lines, about 3 on average
QUANTITY_WEIGHTS = (80, 15, 5)  # 1..3 items


class Naming(enum.Enum):
    """Which generation of Trendyol field names the simulator sends."""

    NEW = "new"  # after 8 Dec 2025: shipmentPackageId, lineId, stockCode ...
    OLD = "old"  # before: id, merchantSku, price ...
    BOTH = "both"  # the transition month: both spellings
    MIXED = "mixed"  # package by package: NEW, OLD, BOTH in turn


@dataclass(frozen=True)
class SimProduct:
    """One sellable shoe: model, colour and size, with its EAN-13."""

    barcode: str
    stock_code: str
    name: str
    colour: str
    size: str
    price: Decimal
    content_id: int


@dataclass(frozen=True)
class Customer:
    """The buyer and where the parcel goes."""

    first_name: str
    last_name: str
    city: str
    city_code: int
    district: str
    neighbourhood: str
    street: str
    building: int
    postal_code: str
    customer_id: int


@dataclass(frozen=True)
class SimLine:
    """A package line in the simulator's state."""

    line_id: int
    product: SimProduct
    quantity: int


@dataclass(frozen=True)
class SimPackage:
    """A package in the simulator's state; times are true UTC epoch ms."""

    package_id: int
    order_number: str
    status: PackageStatus
    lines: tuple[SimLine, ...]
    customer: Customer
    carrier_prefix: str
    carrier_name: str
    tracking_number: str
    order_ms: int
    last_modified_ms: int
    naming: Naming
    seller_pays: bool = False
    created_by: str = "order-creation"
    origin_ids: tuple[int, ...] = ()
    history: tuple[tuple[int, str], ...] = field(default=())


def build_catalogue(seed: int) -> tuple[SimProduct, ...]:
    """Every model x colour x size, with valid EAN-13s under the Turkish GS1 prefix 869."""
    company = f"{1000 + seed % 9000:04d}"
    products = []
    for model_index, (model, price) in enumerate(MODELS):
        for colour_index, colour in enumerate(COLOURS):
            for size in SIZES:
                body = f"869{company}{model_index:02d}{colour_index:01d}{int(size):02d}"
                products.append(
                    SimProduct(
                        barcode=with_check_digit(body),
                        stock_code=f"AYK-{model_index:02d}{colour_index}-{size}",
                        name=f"{model} {colour}, {size}",
                        colour=colour,
                        size=size,
                        price=price,
                        content_id=11_000_000 + model_index * 1000 + colour_index * 100 + int(size),
                    )
                )
    return tuple(products)


def base_status(seed: int, index: int) -> PackageStatus:
    """The status of base package ``index``: cheap, so listings filter without building packages."""
    bucket = (index * 2_654_435_761 + seed * 97_531) % 1000
    for status, share in STATUS_SHARES:
        if bucket < share:
            return status
        bucket -= share
    return PackageStatus.CREATED


def tracking_number(prefix: str, package_id: int, rng: random.Random) -> str:
    """20 digits (wider than int64, as Trendyol's are); digits 4-13 hold the package id for look-ups."""
    return f"{prefix}{package_id:010d}{rng.randrange(10**7):07d}"


def package_id_of_tracking(tracking: str) -> int | None:
    """The package id a simulated tracking number encodes."""
    if len(tracking) != 20 or not tracking.isdigit():
        return None
    return int(tracking[3:13])


def random_customer(rng: random.Random) -> Customer:
    """A Turkish buyer with a plausible address."""
    city, code, districts = rng.choice(CITIES)
    return Customer(
        first_name=rng.choice(FIRST_NAMES),
        last_name=rng.choice(LAST_NAMES),
        city=city,
        city_code=code,
        district=rng.choice(districts),
        neighbourhood=rng.choice(NEIGHBOURHOODS),
        street=rng.choice(STREETS),
        building=rng.randint(1, 120),
        postal_code=f"{code:02d}{rng.randint(0, 999):03d}",
        customer_id=rng.randint(10_000_000, 99_999_999),
    )


def random_lines(rng: random.Random, catalogue: tuple[SimProduct, ...], first_line_id: int) -> tuple[SimLine, ...]:
    """1-6 distinct products, mostly one of each."""
    count = rng.choices(range(1, len(LINE_COUNT_WEIGHTS) + 1), LINE_COUNT_WEIGHTS)[0]
    products = rng.sample(catalogue, count)
    return tuple(
        SimLine(first_line_id + n, product, rng.choices((1, 2, 3), QUANTITY_WEIGHTS)[0])
        for n, product in enumerate(products)
    )


def generate_base_package(
    seed: int, index: int, *, catalogue: tuple[SimProduct, ...], first_ms: int, step_ms: int, naming: Naming
) -> SimPackage:
    """Base package ``index``: order and modification times rise with the index, so order is free."""
    rng = random.Random(seed * 1_000_003 + index)
    package_id = BASE_PACKAGE_ID + index
    prefix, carrier, _share = rng.choices(CARRIERS, [c[2] for c in CARRIERS])[0]
    order_ms = first_ms + index * step_ms
    status = base_status(seed, index)
    history = [(order_ms, "Created")]
    if status is not PackageStatus.CREATED:
        history.append((order_ms + step_ms // 2, status.value))
    if naming is Naming.MIXED:
        naming = (Naming.NEW, Naming.OLD, Naming.BOTH)[index % 3]
    return SimPackage(
        package_id=package_id,
        order_number=str(BASE_ORDER_NUMBER + index),
        status=status,
        lines=random_lines(rng, catalogue, BASE_LINE_ID + index * 10),
        customer=random_customer(rng),
        carrier_prefix=prefix,
        carrier_name=carrier,
        tracking_number=tracking_number(prefix, package_id, rng),
        order_ms=order_ms,
        last_modified_ms=order_ms + step_ms // 2,
        naming=naming,
        seller_pays=rng.random() < 0.05,
        history=tuple(history),
    )
