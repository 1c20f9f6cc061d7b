"""Hosts, paging, limits and format names for one Hepsiburada merchant.

Sources (keys as in /work/research/hepsiburada/FACTS.md): SPEC = HB's Swagger "SİPARİŞ OLUŞTURMA
ENTEGRASYONU" as republished in taha-kanar/hepsiburada-sdk ``openapi/order.json``; DOCS-TXT = HB's
developer-portal text ("Sipariş Entegrasyonu Önemli Bilgiler"); DOC = HB changelog pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from packstation.domain.marketplace import LabelFormat, RasterFormat
from packstation.domain.outcomes import UnsuppliedReason
from packstation.domain.retry import RetryPolicy
from packstation.services.marketplaces.ratelimit import RateLimit
from packstation.services.marketplaces.transport import Timeouts

#: ``/orders`` takes at most 100 per page, and ``offset``+``limit`` are mandatory (SPEC; DOC changelog Ocak 2023,
#: Mayıs 2024: 400 "Bad Request limit and offset parameters are required").
ORDERS_PAGE_MAX = 100
#: ``/packages`` takes at most 10 per page, with a capital ``Offset`` (SPEC; DOC changelog Haziran 2023).
PACKAGES_PAGE_MAX = 10
#: ``/packages/…/shipped|delivered|undelivered`` and ``/orders/…/cancelled`` take at most 50 (SPEC; DOCS-TXT).
STATUS_PAGE_MAX = 50
#: The one cancellation reason HB publishes for a seller's line it cannot supply: ``cancelbymerchant``
#: ``{"reasonId": 83}`` "Ürün tedarik edilemedi" (DOC "Iptal Bilgisi Gonderme"). SPEC types the body as
#: ``CancelByMerchantRequest {reasonId: integer}`` and lists no values; one open-source PHP client sends 83
#: too ("could not find another"). So only out-of-stock has an HB equivalent; the others are refused
#: rather than sent as a false 83. The id is a setting (``cancel_reason_id``) in case HB publishes others.
CANCEL_REASON_ID = 83
REASON_IDS = {UnsuppliedReason.OUT_OF_STOCK: CANCEL_REASON_ID}
#: ``POST`` this to cancel one line the seller cannot supply (SPEC "Iptal Bilgisi Gonderme"; DOC reference page
#: ``post_lineitems-merchantid-merchantid-id-lineid-cancelbymerchant``). Sources disagree on the spelling: SPEC
#: and DOC write it in lower case as here; one open-source Python client posts ``/lineItems/merchantId/…/
#: cancelByMerchant`` with ``{"reason": text}`` (no source backs either), another posts no body at all. HB's
#: paths are case-sensitive elsewhere (listing: ``/merchantId/`` gets 400), so SPEC's spelling is the
#: default, kept as a setting.
CANCEL_LINE_PATH = "/lineitems/merchantid/{merchant_id}/id/{line_id}/cancelbymerchant"
#: Claims (returns), from HB's "Talep Listeleme v1.0" as republished in taha-kanar/hepsiburada-sdk
#: (``openapi/claim-list.json``, overlay ``openapi/overlays/claim-list.json``, ``src/generated/hosts.ts``: the
#: claim-list host is the order host). The paths' casing (``merchantId`` here, ``merchantid`` on the order
#: paths) is as published; HB's paths are case-sensitive elsewhere, so all three are settings.
CLAIMS_LIST_PATH = "/claims/merchantId/{merchant_id}/status/{status}"
CLAIM_ACCEPT_PATH = "/claims/number/{claim_number}/accept"
CLAIM_REJECT_PATH = "/claims/number/{claim_number}/reject"
#: The statuses the spec lists for ``{status}``; the first is where a claim waits for the seller's answer.
CLAIM_AWAITING = "AwaitingAction"
CLAIM_STATUSES = (
    "AwaitingAction",
    "NewRequest",
    "AwaitingPreApproval",
    "Accepted",
    "Rejected",
    "InDispute",
    "Refunded",
    "Cancelled",
)
#: The spec gives no maximum ``limit`` for claims (UNCERTAIN): 50, as HB's other status feeds take.
CLAIMS_PAGE_MAX = 50
#: ``Deliveries[].Direction`` of the customer's parcel back to the seller: the field is undocumented (seen
#: live, SDK overlay) and its values are not published (UNCERTAIN), hence a setting.
CLAIM_RETURN_DIRECTION = "Return"
#: Order services answer 429 past 1000 requests per second (DOC changelog Kasım 2025).
ORDER_LIMIT = RateLimit(1000, 1.0)
#: The listing host: 180 per minute per IP per the SDK's quote of an HB text we could not find (UNCERTAIN).
LISTING_LIMIT = RateLimit(180, 60.0)


@dataclass(frozen=True)
class HepsiburadaConfig:
    """Hosts, paging and limits for one HB merchant."""

    oms_url: str = "https://oms-external.hepsiburada.com"
    listing_url: str = "https://listing-external.hepsiburada.com"
    orders_page_size: int = ORDERS_PAGE_MAX
    packages_page_size: int = PACKAGES_PAGE_MAX
    status_page_size: int = STATUS_PAGE_MAX
    #: Hours of ``/packages`` (by packaging date) each sync reads: the packed packages whose status the station
    #: follows, and auto-packing merchants' work. HB says hours (SPEC "son 12 saat"); the SDK's comment says
    #: minutes (UNCERTAIN: we follow HB's own text).
    packages_timespan_hours: int = 168
    #: Read the shipped/delivered/undelivered/cancelled feeds (HB serves the last month of each; DOCS-TXT).
    follow_statuses: bool = True
    #: Pack open orders to one delivery (customer, address, carrier, warehouse) as one parcel, with the lines
    #: HB's ``packageablewith`` allows (SPEC: one package may hold lines of several orders). Whether a seller
    #: wants that is not HB's to say (sources silent): on by default, as HB's own auto-packing would.
    combine_orders: bool = True
    #: ``cancelbymerchant``: the reason id sent for a line that cannot be supplied, and the path (see the
    #: constants above: the sources' disagreements are why both are settings).
    cancel_reason_id: int = CANCEL_REASON_ID
    cancel_line_path: str = CANCEL_LINE_PATH
    #: Claims (see the constants above): the host ("" = the order host, as the SDK's host table says), the
    #: paths, the status listed for the bench, the statuses a claim is looked up in before an answer,
    #: the return leg's direction, and the accept/reject texts HB does not publish values for (UNCERTAIN:
    #: ``FinalizedWith`` is left out when empty; ``ClaimRejectionReason`` is the bench's reason when it gives
    #: one, else this default).
    claims_url: str = ""
    claims_list_path: str = CLAIMS_LIST_PATH
    claim_accept_path: str = CLAIM_ACCEPT_PATH
    claim_reject_path: str = CLAIM_REJECT_PATH
    claims_status: str = CLAIM_AWAITING
    claim_lookup_statuses: tuple[str, ...] = CLAIM_STATUSES
    claims_page_size: int = CLAIMS_PAGE_MAX
    claim_return_direction: str = CLAIM_RETURN_DIRECTION
    claim_finalized_with: str = ""
    claim_rejection_reason: str = ""
    #: Stop scanning packed packages for a look-up after this many pages.
    lookup_pages: int = 20
    parcel_deci: int = 1
    stock_batch_size: int = 1000
    timeouts: Timeouts = field(default_factory=Timeouts)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    order_limit: RateLimit = ORDER_LIMIT
    listing_limit: RateLimit = LISTING_LIMIT
    #: How ``labels?format=`` names ZPL: HB lists ``zpl``, ``base64zpl``, ``pdf``, ``png``, ``jpg`` in lower case
    #: (DOCS-TXT); the one recorded live reply is ``base64zpl`` (3P-PYTEST). Whether ``zpl`` data is raw or base64
    #: is not published (UNCERTAIN), so base64zpl is the default and both are accepted in replies.
    label_zpl_format: str = "base64zpl"
    #: How ``labels?format=`` names PDF (DOCS-TXT); the data is assumed base64 (no recording found: UNCERTAIN).
    label_pdf_format: str = "pdf"
    #: Always ask for this format; None: the format the station's printer takes. A picture format (``png``,
    #: ``jpg``) is drawn into the printer's format (for a carrier that gives nothing else).
    label_format: LabelFormat | RasterFormat | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.orders_page_size <= ORDERS_PAGE_MAX:
            raise ValueError(f"orders_page_size must be 1..{ORDERS_PAGE_MAX}, got {self.orders_page_size}")
        if not 1 <= self.packages_page_size <= PACKAGES_PAGE_MAX:
            raise ValueError(f"packages_page_size must be 1..{PACKAGES_PAGE_MAX}, got {self.packages_page_size}")
        if not 1 <= self.status_page_size <= STATUS_PAGE_MAX:
            raise ValueError(f"status_page_size must be 1..{STATUS_PAGE_MAX}, got {self.status_page_size}")
        if "{line_id}" not in self.cancel_line_path or "{merchant_id}" not in self.cancel_line_path:
            raise ValueError(f"cancel_line_path must name {{merchant_id}} and {{line_id}}: {self.cancel_line_path!r}")
        if not 1 <= self.claims_page_size <= CLAIMS_PAGE_MAX:
            raise ValueError(f"claims_page_size must be 1..{CLAIMS_PAGE_MAX}, got {self.claims_page_size}")
        for name in ("claims_list_path", "claim_accept_path", "claim_reject_path"):
            wanted = ("{merchant_id}", "{status}") if name == "claims_list_path" else ("{claim_number}",)
            if any(part not in getattr(self, name) for part in wanted):
                raise ValueError(f"{name} must name {' and '.join(wanted)}: {getattr(self, name)!r}")
        if self.packages_timespan_hours < 1:
            raise ValueError(f"packages_timespan_hours must be at least 1, got {self.packages_timespan_hours}")

    def label_format_name(self, fmt: LabelFormat | RasterFormat) -> str:
        """The ``format`` value HB uses for ``fmt`` (HB spells JPEG ``jpg``, DOCS-TXT)."""
        if fmt is RasterFormat.PNG:
            return "png"
        if fmt is RasterFormat.JPEG:
            return "jpg"
        return self.label_pdf_format if fmt is LabelFormat.PDF else self.label_zpl_format
