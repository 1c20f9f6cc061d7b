"""Builds every station screen on a bench-sized offscreen display and prints what it measures, as JSON.

Run by ``test_screen_fit.py`` in a child process, because the display's size is fixed when Qt starts:
``QT_QPA_PLATFORM=offscreen:configfile=<json naming one screen>``. No database runs: the screens are
built on services whose sessions are never opened (nothing refreshes), so only the layouts are measured.
"""

from __future__ import annotations

import json
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget
from sqlalchemy.orm import sessionmaker

from packstation.config import Settings
from packstation.domain.events import EventBus
from packstation.domain.status import Role
from packstation.i18n import Language
from packstation.services.access.audit import AuditLog
from packstation.services.access.permissions import LoginMethod, UserSession
from packstation.services.access.users import Credentials, UserService
from packstation.services.reports.exceptions import ExceptionQueue
from packstation.services.reports.queries import ReportQueries
from packstation.services.station.heartbeat import StationService
from packstation.ui.admin.setup_wizard import StationSetupWizard
from packstation.ui.admin.stations import StationsView
from packstation.ui.admin.users import UsersView
from packstation.ui.platform.i18n import UiTranslators
from packstation.ui.platform.screen_fit import show_maximised
from packstation.ui.platform.sounds import SoundBoard
from packstation.ui.shell.bridge import Bridge
from packstation.ui.shell.login import LoginView
from packstation.ui.shell.main_window import MainWindow
from packstation.ui.shell.theme import ThemeChoice, apply_theme
from packstation.ui.supervisor.dashboard import DashboardView


def _size(widget: QWidget) -> list[int]:
    hint = widget.minimumSizeHint()
    return [max(hint.width(), widget.minimumWidth()), max(hint.height(), widget.minimumHeight())]


def main() -> int:
    """Measure; one JSON object on stdout."""
    app = QApplication(sys.argv)
    # Turkish: its words run longer than English, so the tighter of the two catalogues is measured.
    translators = UiTranslators(app)
    translators.install(Language.TURKISH)
    apply_theme(app, ThemeChoice(text_scale=1.0, high_contrast=False))
    available = app.primaryScreen().availableGeometry()
    sessions: sessionmaker = sessionmaker()  # never opened: nothing here refreshes
    admin = UserSession(1, "admin", "Ayşe Yılmaz", Role.ADMIN, 1, LoginMethod.PASSWORD, datetime.now(UTC), uuid.uuid4())
    audit = AuditLog(sessions)

    window = MainWindow(station_name="Paketleme-İstasyonu-1", bridge=Bridge(EventBus()), demo=True,
                        sounds=SoundBoard(enabled=False))  # fmt: skip
    screens: dict[str, QWidget] = {
        "home": window.home,
        "pack": window.pack,
        "login": LoginView(login_badge=lambda *_a: None, login_password=lambda *_a: None),  # type: ignore[arg-type,return-value]
        "dashboard": DashboardView(
            ReportQueries(sessions), exceptions=ExceptionQueue(sessions, audit=audit), current_user=lambda: admin
        ),
        "admin users": UsersView(
            users=UserService(sessions, credentials=Credentials(sessions), audit=audit),
            actor=admin,
            totp_issuer="PackStation",
        ),
        "admin stations": StationsView(stations=StationService(sessions, name="x", audit=audit), actor=admin),
    }
    for name, page in screens.items():
        if name not in ("home", "pack"):
            window.pages.addWidget(page)
    # The status bar as it reads on a running station (the longest of its everyday texts).
    status = window.status
    status.set_state(status.user_label, status.tr("User: {0} ({1})").replace("{0}", "Ayşe Yılmaz")
                     .replace("{1}", "paketleyici"), ok=True)  # fmt: skip
    status.set_state(
        status.database_label, status.tr("Database: online ({0})").replace("{0}", "gömülü PostgreSQL"), ok=True
    )
    show_maximised(window)
    app.processEvents()
    result: dict[str, object] = {
        "available": [available.width(), available.height()],
        "window_frame": [
            window.frameGeometry().x(),
            window.frameGeometry().y(),
            window.frameGeometry().width(),
            window.frameGeometry().height(),
        ],
        "window_minimum": _size(window),
        "status_bar": [window.statusBar().minimumSizeHint().width(), window.statusBar().sizeHint().width()],
        "screens": {},
    }
    for name, page in screens.items():
        window.pages.setCurrentWidget(page)
        app.processEvents()
        result["screens"][name] = {"minimum": _size(page), "shown": [page.width(), page.height()]}  # type: ignore[index]

    wizard = StationSetupWizard(config_path=Path("/nonexistent/config.toml"), settings=Settings(),
                                print_test=lambda *_a: "")  # fmt: skip
    wizard.show()
    app.processEvents()
    pages = {}
    for page_id in wizard.pageIds():
        page = wizard.page(page_id)
        pages[page.objectName() or str(page_id)] = _size(page)
    result["wizard"] = {
        "frame": [wizard.frameGeometry().width(), wizard.frameGeometry().height()],
        "size": [wizard.width(), wizard.height()],
        "pages": pages,
    }
    print(json.dumps(result))
    window.close()
    wizard.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
