"""Look and feel: large, high-contrast text readable from a metre away, with Turkish glyphs."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

FONTS = Path(__file__).resolve().parents[2] / "resources" / "fonts"
FAMILY = "DejaVu Sans"

STYLE = """
QMainWindow, QWidget#home { background: #f4f5f7; }
QLabel#title { font-size: 22pt; font-weight: bold; color: #1d2430; }
QLabel#subtitle { font-size: 12pt; color: #5b6472; }
QLineEdit#scanInput { font-size: 22pt; padding: 10px; border: 3px solid #2d6cdf; border-radius: 8px;
                      background: white; }
QLabel#banner { font-size: 16pt; font-weight: bold; padding: 12px; border-radius: 8px; }
QLabel#banner[kind="info"] { background: #e3ecfb; color: #17386e; }
QLabel#banner[kind="ok"] { background: #d8f3dc; color: #1b4d2b; }
QLabel#banner[kind="error"] { background: #ffd6d6; color: #8a0c0c; }
QLabel#feedback { font-size: 26pt; font-weight: bold; padding: 16px; border-radius: 10px; }
QLabel#feedback[kind="info"] { background: #e3ecfb; color: #17386e; }
QLabel#feedback[kind="ok"] { background: #2f9e44; color: white; }
QLabel#feedback[kind="complete"] { background: #1864ab; color: white; }
QLabel#feedback[kind="warn"] { background: #f59f00; color: #1d1300; }
QLabel#feedback[kind="error"] { background: #c92a2a; color: white; }
QLabel#offlineBanner { background: #862e9c; color: white; font-size: 14pt; font-weight: bold; padding: 10px;
                       border-radius: 8px; }
QLabel#stopOverlay { background: #c92a2a; color: white; font-size: 44pt; font-weight: bold; }
QLabel#labelPreview { background: white; border: 1px solid #d9dde3; border-radius: 8px; color: #5b6472; }
QProgressBar#packProgress { font-size: 14pt; min-height: 30px; border: 1px solid #d9dde3; border-radius: 6px;
                            text-align: center; background: white; }
QProgressBar#packProgress::chunk { background: #2f9e44; border-radius: 6px; }
QTableWidget#packLines { font-size: 15pt; }
QFrame#card { background: white; border: 1px solid #d9dde3; border-radius: 10px; }
QLabel#cardValue { font-size: 28pt; font-weight: bold; color: #1d2430; }
QLabel#cardLabel { font-size: 11pt; color: #5b6472; }
QTableView { font-size: 12pt; background: white; gridline-color: #e6e8eb;
             selection-background-color: #2d6cdf; }
QHeaderView::section { font-size: 11pt; font-weight: bold; padding: 6px; background: #eceff3; border: none; }
QStatusBar { font-size: 11pt; background: #1d2430; color: #f4f5f7; }
QStatusBar QLabel { color: #f4f5f7; padding: 0 12px; }
QLabel#status[state="ok"] { color: #8ee29e; }
QLabel#status[state="bad"] { color: #ff8a8a; font-weight: bold; }
"""


def apply_theme(app: QApplication) -> None:
    """Load the bundled fonts (so ğ ş ı İ render on any machine) and the style sheet."""
    for font_file in sorted(FONTS.glob("*.ttf")):
        QFontDatabase.addApplicationFont(str(font_file))
    app.setFont(QFont(FAMILY, 12))
    app.setStyleSheet(STYLE)
