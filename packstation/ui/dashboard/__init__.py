"""The supervisor dashboard (a self-contained widget; see :class:`DashboardView`)."""

from packstation.ui.dashboard.view import DashboardView

__all__ = ["DashboardView"]
