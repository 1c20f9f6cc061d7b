"""Hepsiburada's own label ("ortak barkod") over real HTTP, and what the station prints from it."""

from __future__ import annotations

import base64
import io
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import zplkit
import zxingcpp
from PIL import Image

from packstation.devices.printers import PrintJobEvent, PrintJobEventKind, PrintQueue
from packstation.services.labels import DocumentFormat, LabelService
from packstation.services.marketplaces import LabelFormat, MalformedReply
from packstation.services.marketplaces.errors import NotFound
from packstation.services.marketplaces.hepsiburada.client import HepsiburadaClient, parse_package
from packstation.services.marketplaces.models import RemotePackage
from packstation.services.packing.service import LineInfo, OpenedPackage
from packstation.services.printing.dispatch import LabelDispatcher, LabelUnavailable

from .test_hepsiburada import MERCHANT, _authorised, _client, _open_package, _packed

NUMBER = "013105889"
LABELS_PATH = f"/packages/merchantid/{MERCHANT}/packagenumber/{NUMBER}/labels"
ISSUED_ZPL = [
    "^XA^CI28^FO40,40^A0N,40,40^FDHepsiJet ortak barkod 1/2^FS^FO40,120^BCN,120,Y,N,N^FD62201013105889^FS^XZ",
    "^XA^CI28^FO40,40^A0N,40,40^FDHepsiJet ortak barkod 2/2^FS^FO40,120^BCN,120,Y,N,N^FD62201013105889^FS^XZ",
]


@pytest.fixture(scope="module")
def labels() -> LabelService:
    return LabelService()


@pytest.fixture(scope="module")
def issued_pdf(labels: LabelService) -> bytes:
    """A real one-page PDF standing in for the carrier's label."""
    from packstation.services.labels import Marketplace, Sender, ShippingLabelData

    data = ShippingLabelData(
        sender=Sender("Güllü Ayakkabı"),
        receiver_name="Ali Kaya",
        address_lines=("Çınar Sk. 5",),
        district="Bornova",
        city="İzmir",
        order_number="4411",
        package_id=NUMBER,
        carrier="HepsiJet",
        tracking_number="62201013105889",
        marketplace=Marketplace.HEPSIBURADA,
        item_count=1,
    )
    return labels.shipping_label(data, fmt=DocumentFormat.PDF).data


def _remote() -> RemotePackage:
    return parse_package(_packed(NUMBER, ["line-a"]))


def _opened() -> OpenedPackage:
    return OpenedPackage(
        id=1,
        external_id=NUMBER,
        order_number="4411",
        account="hb",
        customer_name="Ali Kaya",
        city="İzmir",
        district="Bornova",
        address_line="Çınar Sk. 5",
        cargo_provider="HepsiJet",
        cargo_tracking_number="62201013105889",
        lines=(LineInfo("line-a", 1, None, "8691003000368", "Babet", "", "", 1, ""),),
        marketplace="hepsiburada",
        sender_name="Güllü Ayakkabı",
    )


def _serve(loopback_api: Any, body: Any, *, status: int = 200) -> None:
    def route(seen: Any) -> tuple[int, Any]:
        if not _authorised(seen):
            return 401, b""
        assert seen.method == "GET" and seen.path == LABELS_PATH
        return status, body

    loopback_api.route = route


class Printed:
    """The station's print queue into a spool folder, with a wait for each job."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder / "spool"
        self.done = threading.Event()
        self.queue = PrintQueue(folder / "jobs.sqlite3", setup_job=LabelService().font_job(), on_event=self._event)

    def _event(self, event: PrintJobEvent) -> None:
        if event.kind in (PrintJobEventKind.PRINTED, PrintJobEventKind.FAILED):
            self.done.set()

    def dispatcher(self, client: HepsiburadaClient, fmt: DocumentFormat) -> LabelDispatcher:
        remote = _remote()
        return LabelDispatcher(
            LabelService(),
            self.queue,
            printer_uri=self.folder.as_uri(),
            fmt=fmt,
            marketplace_label=lambda _package, preferred: client.fetch_label(remote, preferred=preferred),
        )

    def files(self) -> list[Path]:
        assert self.done.wait(10)
        return sorted(self.folder.iterdir())


@pytest.fixture
def printed(tmp_path: Path) -> Iterator[Printed]:
    station = Printed(tmp_path)
    station.queue.start()
    yield station
    station.queue.stop()


def test_hepsiburada_issues_labels(loopback_api: Any) -> None:
    with _client(loopback_api.url) as client:
        assert client.capabilities.marketplace_label


def test_zpl_label_is_one_document_per_box_and_printed_as_issued(loopback_api: Any, printed: Printed) -> None:
    _serve(loopback_api, {"data": ISSUED_ZPL, "format": "ZPL", "hasMerchantMutualBarcode": True})
    with _client(loopback_api.url) as client:
        label = client.fetch_label(_remote())
        assert label is not None
        assert label.format is LabelFormat.ZPL and label.cargo_tracking_number == "62201013105889"
        assert label.documents == tuple(text.encode() for text in ISSUED_ZPL)
        assert loopback_api.seen[-1].query == {"format": "ZPL"}
        printed.dispatcher(client, DocumentFormat.ZPL).print_label(_opened())
    [spooled] = printed.files()
    assert spooled.suffix == ".zpl"
    assert spooled.read_bytes() == "\n".join(ISSUED_ZPL).encode()  # untouched, and no font job before it


def test_pdf_label_is_decoded_from_base64_and_boxes_become_pages(
    loopback_api: Any, printed: Printed, issued_pdf: bytes
) -> None:
    wrapped = base64.encodebytes(issued_pdf).decode()  # MIME style, a line break every 76 characters
    _serve(loopback_api, {"data": [wrapped, wrapped], "format": "PDF", "hasMerchantMutualBarcode": True})
    with _client(loopback_api.url) as client:
        label = client.fetch_label(_remote(), preferred=LabelFormat.PDF)
        assert label is not None and label.format is LabelFormat.PDF
        assert label.documents == (issued_pdf, issued_pdf)
        assert loopback_api.seen[-1].query == {"format": "PDF"}
        printed.dispatcher(client, DocumentFormat.PDF).print_label(_opened())
    [spooled] = printed.files()
    from pypdf import PdfReader

    assert spooled.suffix == ".pdf" and len(PdfReader(spooled).pages) == 2


def test_format_names_are_configurable_and_compared_ignoring_case(loopback_api: Any, issued_pdf: bytes) -> None:
    encoded = base64.b64encode(issued_pdf).decode()
    _serve(loopback_api, {"data": [encoded], "format": "Pdf", "hasMerchantMutualBarcode": True})
    with _client(loopback_api.url, label_pdf_format="pdf", label_format=LabelFormat.PDF) as client:
        label = client.fetch_label(_remote(), preferred=LabelFormat.ZPL)  # the config fixes PDF
    assert loopback_api.seen[-1].query == {"format": "pdf"}
    assert label is not None and label.documents == (issued_pdf,)


def test_without_the_shared_barcode_model_the_station_prints_its_own_label(
    loopback_api: Any, printed: Printed, labels: LabelService
) -> None:
    _serve(loopback_api, {"data": [], "format": "ZPL", "hasMerchantMutualBarcode": False})
    with _client(loopback_api.url) as client:
        assert client.fetch_label(_remote()) is None
        printed.dispatcher(client, DocumentFormat.ZPL).print_label(_opened())
    [spooled] = printed.files()
    data = spooled.read_bytes()
    assert data.startswith(labels.font_job())  # ours: drawn in the downloaded Turkish font
    document = zplkit.render(data, zplkit.Options(width=800, height=1200, dpi=203))
    assert not document.warnings
    image = Image.open(io.BytesIO(document.labels[0].png()))
    assert [result.text for result in zxingcpp.read_barcodes(image) if "128" in str(result.format)] == [
        "62201013105889"
    ]


def test_a_label_in_a_format_the_printer_cannot_take_is_refused_not_lost(
    loopback_api: Any, printed: Printed, issued_pdf: bytes
) -> None:
    # Asked for ZPL, HB answers PDF: a thermal printer cannot print it, and ours is not the carrier's label.
    encoded = base64.b64encode(issued_pdf).decode()
    _serve(loopback_api, {"data": [encoded], "format": "PDF", "hasMerchantMutualBarcode": True})
    with _client(loopback_api.url) as client, pytest.raises(LabelUnavailable) as refused:
        printed.dispatcher(client, DocumentFormat.ZPL).print_label(_opened())
    assert "PDF" in str(refused.value) and "ZPL" in str(refused.value) and NUMBER in str(refused.value)
    assert printed.queue.jobs() == []


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ([{"data": ISSUED_ZPL}], "not a JSON object"),
        ({"data": ISSUED_ZPL, "format": "ZPL"}, "hasMerchantMutualBarcode"),
        ({"data": ISSUED_ZPL, "format": "ZPL", "hasMerchantMutualBarcode": "true"}, "hasMerchantMutualBarcode"),
        ({"data": ISSUED_ZPL, "format": "PNG", "hasMerchantMutualBarcode": True}, "'PNG'"),
        ({"data": ISSUED_ZPL, "hasMerchantMutualBarcode": True}, "None"),
        ({"data": [], "format": "ZPL", "hasMerchantMutualBarcode": True}, "'data'"),
        ({"data": "^XA^XZ", "format": "ZPL", "hasMerchantMutualBarcode": True}, "'data'"),
        ({"data": [ISSUED_ZPL[0], ""], "format": "ZPL", "hasMerchantMutualBarcode": True}, "label 2"),
        ({"data": ["<html>Hata</html>"], "format": "ZPL", "hasMerchantMutualBarcode": True}, "label 1 is not a ZPL"),
        ({"data": ["%%%"], "format": "PDF", "hasMerchantMutualBarcode": True}, "label 1 is not a PDF"),
        (
            {"data": [base64.b64encode(b"<html/>").decode()], "format": "PDF", "hasMerchantMutualBarcode": True},
            "label 1 is not a PDF",
        ),
    ],
)
def test_malformed_label_replies_are_refused_with_the_reason(loopback_api: Any, body: Any, problem: str) -> None:
    _serve(loopback_api, body)
    with _client(loopback_api.url) as client, pytest.raises(MalformedReply) as caught:
        client.fetch_label(_remote())
    assert NUMBER in str(caught.value) and problem in str(caught.value)
    assert caught.value.package_id == NUMBER


def test_a_reply_that_is_not_json_is_malformed_and_nothing_is_printed(loopback_api: Any, printed: Printed) -> None:
    _serve(loopback_api, "Service Unavailable for maintenance")
    with _client(loopback_api.url) as client:
        with pytest.raises(MalformedReply):
            client.fetch_label(_remote())
        with pytest.raises(LabelUnavailable, match=NUMBER):
            printed.dispatcher(client, DocumentFormat.ZPL).print_label(_opened())
    assert printed.queue.jobs() == []


def test_an_order_not_yet_packed_has_no_label_to_fetch(loopback_api: Any) -> None:
    with _client(loopback_api.url) as client, pytest.raises(NotFound, match="4401"):
        client.fetch_label(_open_package())
    assert loopback_api.seen == []


def test_the_format_names_come_from_the_account_settings() -> None:
    from packstation.config import MarketplaceAccount
    from packstation.services.access.secrets import SecretStore, secret_env_var
    from packstation.services.sync.accounts import HEPSIBURADA_USER_AGENT_SECRET, client_for

    account = MarketplaceAccount(
        name="gullu-hb",
        kind="hepsiburada",
        base_url="https://oms-external.hepsiburada.com",
        seller_id=MERCHANT,
        client="Güllü",
        label_zpl_format="zpl203",
        label_pdf_format="Pdf",
    )
    secrets = SecretStore(
        environ={
            secret_env_var("gullu-hb", name): value
            for name, value in {
                "merchant_id": MERCHANT,
                "service_key": "AbCd3fGh1jKl",
                HEPSIBURADA_USER_AGENT_SECRET: "gullu_dev",
            }.items()
        }
    )
    client = client_for(account, secrets)
    assert isinstance(client, HepsiburadaClient)
    try:
        assert client.config.label_format_name(LabelFormat.ZPL) == "zpl203"
        assert client.config.label_format_name(LabelFormat.PDF) == "Pdf"
    finally:
        client.close()
