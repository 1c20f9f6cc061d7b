"""Supervisor reports: throughput figures, the dashboard's data, exports and the daily PDF.

See :mod:`packstation.services.reports.model` for what each figure means.
"""

from packstation.services.reports.exceptions import ExceptionActionError, ExceptionQueue
from packstation.services.reports.model import (
    DEFAULT_TIME_ZONE,
    AccountSync,
    DashboardSnapshot,
    Figures,
    FigureSource,
    FilterChoices,
    Grouping,
    OpenException,
    ParcelRow,
    PersonChoice,
    ReportError,
    ReportFilter,
    StationStatus,
)
from packstation.services.reports.queries import ReportQueries

__all__ = [
    "DEFAULT_TIME_ZONE",
    "AccountSync",
    "DashboardSnapshot",
    "ExceptionActionError",
    "ExceptionQueue",
    "FigureSource",
    "Figures",
    "FilterChoices",
    "Grouping",
    "OpenException",
    "ParcelRow",
    "PersonChoice",
    "ReportError",
    "ReportFilter",
    "ReportQueries",
    "StationStatus",
]
