"""Layout of the packing slip: header, the package lines with quantities, and the reopen barcode.

A parcel in several boxes gets one slip per box: its header says "Box i/n" and it lists that box's contents.

The same layout serves an A6/A5 PDF and a 100x150 mm ZPL label. Long orders continue on more
pages; each page repeats the reopen barcode (``PS:<package id>``) and says "page i/n".
"""

from __future__ import annotations

from packstation.i18n import _
from packstation.services.labels.elements import Align, Box, Code128, Element, Page, TextBlock
from packstation.services.labels.errors import TextDoesNotFitError
from packstation.services.labels.fonts import LabelFonts
from packstation.services.labels.model import PackingSlipData, PackingSlipLine
from packstation.services.labels.textfit import FittedText, fit_line, fit_text
from packstation.services.labels.validation import check_barcode_fits

MARGIN = 4.0
QTY_WIDTH = 12.0
CODE_HEIGHT = 12.0


def _line_blocks(fonts: LabelFonts, line: PackingSlipLine, number: int, width: float) -> list[FittedText]:
    """The name, variant and codes of one slip line, fitted into the item column."""
    field = f"line {number}"
    blocks = [fit_text(fonts, line.name, field=f"{field} name", width=width, max_lines=3, size=3.4, min_size=2.4)]
    if line.variant:
        blocks.append(
            fit_text(fonts, line.variant, field=f"{field} variant", width=width, max_lines=2, size=2.8, min_size=2.2)
        )
    codes = " · ".join(
        part
        for part in (
            _("Barcode: {code}").format(code=line.barcode) if line.barcode else "",
            _("Code: {code}").format(code=line.stock_code) if line.stock_code else "",
        )
        if part
    )
    if codes:
        blocks.append(fit_text(fonts, codes, field=f"{field} codes", width=width, max_lines=2, size=2.8, min_size=2.2))
    return blocks


def layout_packing_slip(
    data: PackingSlipData, width: float, height: float, fonts: LabelFonts, *, code_modules: str
) -> list[Page]:
    """Lay the slip out on pages of ``width`` x ``height`` mm (as many as the lines need)."""
    inner = width - 2 * MARGIN
    header: list[Element] = []
    y = MARGIN
    title = fit_line(fonts, _("PACKING SLIP"), field="title", width=inner * 0.6, size=4.6, min_size=3.0, bold=True)
    header.append(TextBlock(MARGIN, y, inner * 0.6, title))
    market = fit_line(
        fonts,
        data.marketplace.display_name if data.marketplace else "",
        field="marketplace",
        width=inner * 0.38,
        size=3.6,
        min_size=2.4,
        bold=True,
    )
    header.append(TextBlock(MARGIN + inner * 0.62, y, inner * 0.38, market, Align.RIGHT))
    y += title.height + 0.5
    facts = [
        (data.sender.name, True),
        (_("Order: {number}").format(number=data.order_number), False),
        (_("Package: {package}").format(package=data.package_id), False),
        (_("Receiver: {name}").format(name=data.receiver_name), False),
    ]
    if data.order_date:
        facts.append((_("Order date: {date}").format(date=data.order_date), False))
    if data.box_count > 1:
        facts.append((_("Box {index}/{count}").format(index=data.box_index, count=data.box_count), True))
    for text, bold in facts:
        fitted = fit_line(fonts, text, field="slip header", width=inner, size=3.2, min_size=2.2, bold=bold)
        header.append(TextBlock(MARGIN, y, inner, fitted))
        y += fitted.height
    y += 1.0
    header.append(Box(MARGIN, y, inner, 0.4))
    y += 1.2
    qty_caption = fit_line(fonts, _("Qty"), field="caption", width=QTY_WIDTH, size=2.8, min_size=2.0, bold=True)
    item_caption = fit_line(
        fonts, _("Item"), field="caption", width=inner - QTY_WIDTH, size=2.8, min_size=2.0, bold=True
    )
    header.append(TextBlock(MARGIN, y, QTY_WIDTH, qty_caption))
    header.append(TextBlock(MARGIN + QTY_WIDTH, y, inner - QTY_WIDTH, item_caption))
    y += qty_caption.height + 0.5
    body_top = y

    # Footer: reopen barcode and page number, anchored to the bottom of every page.
    code_width = inner
    check_barcode_fits(code_modules, code_width, field="package id", value=data.reopen_code)
    code_text = fit_line(fonts, data.reopen_code, field="package id", width=inner * 0.7, size=3.0, min_size=2.2)
    footer_top = height - MARGIN - code_text.height - 0.5 - CODE_HEIGHT
    body_bottom = footer_top - 2.0

    # Paginate: a line never splits across pages.
    pages_rows: list[list[tuple[float, Element]]] = [[]]
    y = body_top
    item_width = inner - QTY_WIDTH - 1.0
    for number, line in enumerate(data.lines, start=1):
        blocks = _line_blocks(fonts, line, number, item_width)
        block_height = sum(block.height for block in blocks) + 1.2
        if block_height > body_bottom - body_top:
            raise TextDoesNotFitError(
                f"line {number}", _("Line {number} is too long to fit on a packing slip page.").format(number=number)
            )
        if y + block_height > body_bottom and pages_rows[-1]:
            pages_rows.append([])
            y = body_top
        qty = fit_line(
            fonts,
            f"{line.quantity}×",
            field=f"line {number} quantity",
            width=QTY_WIDTH,
            size=4.0,
            min_size=2.6,
            bold=True,
        )
        pages_rows[-1].append((y, TextBlock(MARGIN, y, QTY_WIDTH, qty)))
        row_y = y
        for block in blocks:
            pages_rows[-1].append((row_y, TextBlock(MARGIN + QTY_WIDTH, row_y, item_width, block)))
            row_y += block.height
        y += block_height
        pages_rows[-1].append((y - 0.8, Box(MARGIN + QTY_WIDTH, y - 0.8, item_width, 0.15)))

    pages: list[Page] = []
    total = len(pages_rows)
    for index, rows in enumerate(pages_rows, start=1):
        elements: list[Element] = list(header)
        elements.extend(element for _y, element in rows)
        elements.append(Code128(MARGIN, footer_top, code_width, CODE_HEIGHT, data.reopen_code, code_modules))
        text_y = footer_top + CODE_HEIGHT + 0.5
        elements.append(TextBlock(MARGIN, text_y, inner * 0.7, code_text))
        page_text = fit_line(
            fonts,
            _("Page {index}/{total}").format(index=index, total=total),
            field="page",
            width=inner * 0.28,
            size=3.0,
            min_size=2.2,
        )
        elements.append(TextBlock(MARGIN + inner * 0.72, text_y, inner * 0.28, page_text, Align.RIGHT))
        pages.append(Page(width, height, tuple(elements)))
    return pages
