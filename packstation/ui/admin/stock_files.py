"""The stock page's files tab: check or import a stock or locations CSV, export either."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QPlainTextEdit, QVBoxLayout, QWidget

from packstation.services.access.permissions import UserSession
from packstation.services.stock.importer import ImportSummary, StockImporter
from packstation.ui.admin.stock_actions import ActionPanel


class StockFilesPanel(ActionPanel):
    """Import (all or nothing, bad lines listed) and export of the stock CSV files."""

    def __init__(
        self,
        importer: StockImporter,
        *,
        current_user: Callable[[], UserSession | None],
        say: Callable[[str, bool], None],
        on_imported: Callable[[], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(current_user=current_user, say=say, parent=parent)
        self._importer = importer
        self._on_imported = on_imported
        self.report = QPlainTextEdit()
        self.report.setReadOnly(True)
        self.report.setPlaceholderText(
            self.tr("Stock files: client, stock_code, name, colour, size, barcodes, warehouse, zone, bin, quantity,")
            + " low_stock_threshold.\n"
            + self.tr("Locations files: warehouse, zone, bin, barcode, name, sellable.")
            + "\n"
            + self.tr("Separated by ';', ',' or Tab, saved as CSV UTF-8. A file with any bad line imports nothing.")
        )
        layout = QVBoxLayout(self)
        layout.addLayout(
            self.button_row(
                (self.tr("Check a file…"), lambda: self.ask_import(check=True)),
                (self.tr("Import a file…"), lambda: self.ask_import(check=False)),
                (self.tr("Export stock…"), lambda: self.ask_export(locations=False)),
                (self.tr("Export locations…"), lambda: self.ask_export(locations=True)),
            )
        )
        layout.addWidget(self.report, 1)

    def ask_import(self, *, check: bool, path: Path | None = None) -> None:
        """Check or import a CSV file (asks which one when no path is given)."""
        if path is None:
            name, _selected = QFileDialog.getOpenFileName(
                self, self.tr("Stock CSV file"), str(Path.home()), "*.csv *.txt"
            )
            if not name:
                return
            path = Path(name)
        importer, source = self._importer, path.name
        try:
            data = path.read_bytes()
        except OSError as exc:
            self.say(str(exc), ok=False)
            return
        self.report.setPlainText(self.tr("Reading {0}…").replace("{0}", source))
        self.run_as_user(
            lambda actor: importer.import_csv(actor, data, source=source, check=check),
            lambda summary: self._show_import(summary, source, check),
            then=self._on_imported,
        )

    def _show_import(self, summary: ImportSummary, source: str, check: bool) -> str:
        if summary.errors:
            self.report.setPlainText("\n".join(str(error) for error in summary.errors))
            return (
                self.tr("{0}: {1} problem(s), nothing was imported.")
                .replace("{0}", source)
                .replace("{1}", str(len(summary.errors)))
            )
        self.report.setPlainText(summary.describe())
        verb = self.tr("checked, nothing changed") if check else self.tr("imported")
        return f"{source}: {verb}."

    def ask_export(self, *, locations: bool, path: Path | None = None) -> None:
        """Write the stock or the locations as CSV (asks where when no path is given)."""
        if path is None:
            suggested = Path.home() / ("locations.csv" if locations else "stock.csv")
            name, _selected = QFileDialog.getSaveFileName(self, self.tr("Export"), str(suggested), "*.csv")
            if not name:
                return
            path = Path(name)
        importer, target = self._importer, path

        def work(_actor: UserSession) -> Path:
            text = importer.export_locations() if locations else importer.export_stock()
            # With a byte order mark: Excel then reads the Turkish letters as UTF-8.
            target.write_text(text, encoding="utf-8-sig", newline="")
            return target

        self.run_as_user(work, lambda written: self.tr("Saved {0}").replace("{0}", str(written)), then=lambda: None)
