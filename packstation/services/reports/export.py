"""Exports of what the dashboard shows: the day (or range) as a PDF report or an XLSX workbook."""

from __future__ import annotations

from pathlib import Path

from packstation.i18n import _
from packstation.services.reports.model import Grouping, ReportFilter
from packstation.services.reports.queries import ReportQueries


def export_figures(queries: ReportQueries, flt: ReportFilter, path: Path, *, scope: str = "") -> Path:
    """Write the figures of ``flt`` to ``path``: a PDF report (with charts) or an XLSX workbook, by extension."""
    from packstation.services.reports.pdf import write_throughput_pdf
    from packstation.services.reports.tables import figures_table, parcels_table, write_xlsx

    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lower()
    span = f"{flt.start}" if flt.single_day else f"{flt.start} – {flt.end}"
    if suffix == ".pdf":
        write_throughput_pdf(path, queries.dashboard(flt), scope=scope)
    elif suffix == ".xlsx":
        write_xlsx(
            [
                figures_table(
                    queries.figures(flt, Grouping.PACKER), Grouping.PACKER, title=_("Per packer") + f" {span}"
                ),
                figures_table(queries.figures(flt, Grouping.STATION), Grouping.STATION, title=_("Per station")),
                figures_table(queries.figures(flt, Grouping.HOUR), Grouping.HOUR, title=_("Per hour")),
                figures_table([queries.total(flt)], Grouping.TOTAL, title=_("Total")),
                parcels_table(queries.parcels(flt), title=_("Parcels")),
            ],
            path,
        )
    else:
        raise ValueError(_("choose a .pdf or .xlsx file, not {name}").format(name=path.name))
    return path
