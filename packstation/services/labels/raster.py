"""PDF pages to pixels with PDFium (``pypdfium2``): the office printer and the label preview draw from here.

PDFium is not thread-safe, and the print queue's thread and the preview's worker may render at the same
time, so every call into it holds one process-wide lock (the library's own rule, not a design choice).
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass
from types import TracebackType

import pypdfium2 as pdfium

POINTS_PER_INCH = 72.0
MM_PER_INCH = 25.4
_PDFIUM = threading.Lock()


class PdfRasterError(ValueError):
    """The bytes are not a PDF that PDFium can open (or it has no pages)."""


@dataclass(frozen=True)
class PdfPageSize:
    """One page's size in PDF points (1/72 in), as displayed (rotation applied)."""

    width_pt: float
    height_pt: float

    @property
    def width_mm(self) -> float:
        """Width in millimetres."""
        return self.width_pt / POINTS_PER_INCH * MM_PER_INCH

    @property
    def height_mm(self) -> float:
        """Height in millimetres."""
        return self.height_pt / POINTS_PER_INCH * MM_PER_INCH


@dataclass(frozen=True)
class Raster:
    """A rendered page: ``grayscale`` one byte per pixel, else four (B, G, R, unused) per pixel."""

    width: int
    height: int
    stride: int
    pixels: bytes = b""
    grayscale: bool = False


class PdfRaster:
    """An open PDF whose pages can be measured and rendered at any size; use it as a context manager."""

    def __init__(self, data: bytes) -> None:
        if not data.lstrip()[:5] == b"%PDF-":
            raise PdfRasterError("not a PDF document (it does not start with %PDF-)")
        with _PDFIUM:
            try:
                self._document = pdfium.PdfDocument(data)
            except pdfium.PdfiumError as exc:
                raise PdfRasterError(f"the PDF cannot be read: {exc}") from exc
            sizes = []
            for index in range(len(self._document)):
                page = self._document[index]
                try:
                    sizes.append(PdfPageSize(*page.get_size()))
                finally:
                    page.close()
        self.pages: tuple[PdfPageSize, ...] = tuple(sizes)
        if not self.pages:
            self.close()
            raise PdfRasterError("the PDF has no pages")

    def render(self, index: int, *, width_px: int, grayscale: bool = False) -> Raster:
        """Page ``index`` rendered ``width_px`` pixels wide (height follows the page's proportions)."""
        size = self.pages[index]
        scale = max(1, width_px) / size.width_pt
        with _PDFIUM:
            page = self._document[index]
            try:
                bitmap = page.render(scale=scale, grayscale=grayscale, prefer_bgrx=not grayscale)
                try:
                    return Raster(bitmap.width, bitmap.height, bitmap.stride, bytes(bitmap.buffer), grayscale)
                finally:
                    bitmap.close()
            finally:
                page.close()

    def render_png(self, index: int, *, dpi: float) -> bytes:
        """Page ``index`` as a PNG at ``dpi`` (for previews)."""
        scale = dpi / POINTS_PER_INCH
        with _PDFIUM:
            page = self._document[index]
            try:
                bitmap = page.render(scale=scale)
                try:
                    image = bitmap.to_pil()
                finally:
                    bitmap.close()
            finally:
                page.close()
        out = io.BytesIO()
        image.save(out, format="PNG")
        return out.getvalue()

    def close(self) -> None:
        """Release the document."""
        with _PDFIUM:
            self._document.close()

    def __enter__(self) -> PdfRaster:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()


def merge_pdfs(documents: list[bytes] | tuple[bytes, ...]) -> bytes:
    """One PDF holding every page of ``documents`` in order (one print job for a parcel's boxes)."""
    if len(documents) == 1:
        return documents[0]
    with _PDFIUM:
        merged = pdfium.PdfDocument.new()
        try:
            for data in documents:
                try:
                    source = pdfium.PdfDocument(data)
                except pdfium.PdfiumError as exc:
                    raise PdfRasterError(f"the PDF cannot be read: {exc}") from exc
                try:
                    merged.import_pages(source)
                finally:
                    source.close()
            out = io.BytesIO()
            merged.save(out)
            return out.getvalue()
        finally:
            merged.close()
