"""Shipping labels and packing slips as ZPL or PDF, with Turkish text right (no Qt, no I/O).

Start at :class:`LabelService`; the input models are in :mod:`.model`.
"""

from packstation.domain.marketplace import LabelFormat, Marketplace
from packstation.services.labels.errors import LabelError, LabelValidationError, TextDoesNotFitError
from packstation.services.labels.model import (
    PACKING_SLIP_CODE_PREFIX,
    LabelDocument,
    LabelSize,
    PackingSlipData,
    PackingSlipLine,
    PageSize,
    PrinterDpi,
    Sender,
    ShippingLabelData,
    packing_slip_code,
    parse_packing_slip_code,
)
from packstation.services.labels.service import LabelService

__all__ = [
    "PACKING_SLIP_CODE_PREFIX",
    "LabelDocument",
    "LabelError",
    "LabelFormat",
    "LabelService",
    "LabelSize",
    "LabelValidationError",
    "Marketplace",
    "PackingSlipData",
    "PackingSlipLine",
    "PageSize",
    "PrinterDpi",
    "Sender",
    "ShippingLabelData",
    "TextDoesNotFitError",
    "packing_slip_code",
    "parse_packing_slip_code",
]
