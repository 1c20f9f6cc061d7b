"""Table model for package lists (ready to pack, search results)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QObject, QPersistentModelIndex, Qt

from packstation.domain.status import PackageStatus

if TYPE_CHECKING:
    from packstation.services.packing.read_model import PackageSummary

_Index = QModelIndex | QPersistentModelIndex


class PackageTableModel(QAbstractTableModel):
    """Rows of :class:`PackageSummary`, read-only."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[PackageSummary] = []
        self._headers = [
            self.tr("Tracking number"),
            self.tr("Order"),
            self.tr("Package"),
            self.tr("Customer"),
            self.tr("City / district"),
            self.tr("Items"),
            self.tr("Carrier"),
            self.tr("Status"),
        ]

    def set_rows(self, rows: list[PackageSummary]) -> None:
        """Replace the rows shown."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> PackageSummary:
        """The package shown in ``row``."""
        return self._rows[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt API
        """Number of packages."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt API
        """Number of columns."""
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Column titles."""
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._headers[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Cell text."""
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        p = self._rows[index.row()]
        return (
            p.cargo_tracking_number or "",
            p.order_number,
            p.external_id,
            p.customer_name,
            f"{p.city} / {p.district}",
            f"{p.item_count} ({p.line_count})",
            p.cargo_provider or "",
            status_name(p.status),
        )[index.column()]


def status_name(status: str) -> str:
    """A package status as the packer reads it (the marketplace's own word when we do not know it)."""
    names = {
        PackageStatus.CREATED: QCoreApplication.translate("PackageStatus", "New"),
        PackageStatus.AWAITING: QCoreApplication.translate("PackageStatus", "Awaiting"),
        PackageStatus.PICKING: QCoreApplication.translate("PackageStatus", "Being packed"),
        PackageStatus.INVOICED: QCoreApplication.translate("PackageStatus", "Invoiced"),
        PackageStatus.SHIPPED: QCoreApplication.translate("PackageStatus", "Shipped"),
        PackageStatus.DELIVERED: QCoreApplication.translate("PackageStatus", "Delivered"),
        PackageStatus.CANCELLED: QCoreApplication.translate("PackageStatus", "Cancelled"),
        PackageStatus.UNSUPPLIED: QCoreApplication.translate("PackageStatus", "Unsupplied"),
        PackageStatus.RETURNED: QCoreApplication.translate("PackageStatus", "Returned"),
    }
    return names.get(PackageStatus.parse(status), status)


def role_name(role: str) -> str:
    """A user role in the user's language."""
    names = {
        "packer": QCoreApplication.translate("Role", "packer"),
        "supervisor": QCoreApplication.translate("Role", "supervisor"),
        "admin": QCoreApplication.translate("Role", "admin"),
    }
    return names.get(role, role)
