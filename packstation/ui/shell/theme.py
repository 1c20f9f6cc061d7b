"""Look and feel: large, high-contrast text readable from a metre away, with Turkish glyphs."""

from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from packstation.resources import resource_path

FONTS = resource_path("fonts")
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
QLabel#cameraPicture { background: #1d2430; color: #f4f5f7; border-radius: 8px; }
QLabel#cameraPicture[kind="warn"] { border: 6px solid #f59f00; }
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
QStatusBar { font-size: 10pt; background: #1d2430; color: #f4f5f7; }
QStatusBar QLabel { color: #f4f5f7; padding: 0 6px; }
QLabel#status[state="ok"] { color: #8ee29e; }
QLabel#status[state="bad"] { color: #ff8a8a; font-weight: bold; }
"""


# Yellow and white on black, thick outlines: readable for low vision and under harsh warehouse lighting.
# Outcome colours keep their meaning (green ok, red error, orange warning) but at full saturation with
# black or white text, so they stay distinguishable without relying on hue alone (bold borders too).
HIGH_CONTRAST_STYLE = """
QWidget { background: black; color: white; }
QMainWindow, QWidget#home { background: black; }
QLabel#title { font-size: 22pt; font-weight: bold; color: #ffff00; }
QLabel#subtitle { font-size: 12pt; color: white; }
QLineEdit, QComboBox, QSpinBox, QPlainTextEdit { background: black; color: #ffff00; border: 3px solid #ffff00;
                                                 selection-background-color: #ffff00; selection-color: black; }
QLineEdit#scanInput { font-size: 22pt; padding: 10px; border: 4px solid #ffff00; border-radius: 8px; }
QPushButton { background: black; color: #ffff00; border: 3px solid #ffff00; padding: 6px 14px; font-weight: bold; }
QPushButton:focus, QPushButton:hover { background: #ffff00; color: black; }
QLabel#banner { font-size: 16pt; font-weight: bold; padding: 12px; border: 3px solid white; }
QLabel#banner[kind="info"] { background: black; color: white; }
QLabel#banner[kind="ok"] { background: #00e000; color: black; }
QLabel#banner[kind="error"] { background: #ff0000; color: white; }
QLabel#feedback { font-size: 26pt; font-weight: bold; padding: 16px; border: 4px solid white; }
QLabel#feedback[kind="info"] { background: black; color: white; }
QLabel#feedback[kind="ok"] { background: #00e000; color: black; }
QLabel#feedback[kind="complete"] { background: #00ffff; color: black; }
QLabel#feedback[kind="warn"] { background: #ffa000; color: black; }
QLabel#feedback[kind="error"] { background: #ff0000; color: white; }
QLabel#offlineBanner { background: #ff00ff; color: black; font-size: 14pt; font-weight: bold; padding: 10px; }
QLabel#stopOverlay { background: #ff0000; color: white; font-size: 44pt; font-weight: bold; }
QLabel#labelPreview { background: white; color: black; border: 3px solid #ffff00; }
QLabel#cameraPicture { background: black; color: white; border: 3px solid white; }
QLabel#cameraPicture[kind="warn"] { border: 6px solid #ffff00; }
QProgressBar#packProgress { font-size: 14pt; min-height: 30px; border: 3px solid white; text-align: center;
                            background: black; color: white; }
QProgressBar#packProgress::chunk { background: #00e000; }
QTableWidget#packLines { font-size: 15pt; }
QFrame#card { background: black; border: 3px solid white; }
QLabel#cardValue { font-size: 28pt; font-weight: bold; color: #ffff00; }
QLabel#cardLabel { font-size: 11pt; color: white; }
QTableView { font-size: 12pt; background: black; color: white; gridline-color: white;
             selection-background-color: #ffff00; selection-color: black; }
QHeaderView::section { font-size: 11pt; font-weight: bold; padding: 6px; background: white; color: black;
                       border: 1px solid black; }
QGroupBox { border: 2px solid white; margin-top: 14px; font-weight: bold; }
QGroupBox::title { color: #ffff00; }
QStatusBar { font-size: 11pt; background: black; color: white; border-top: 3px solid white; }
QStatusBar QLabel { color: white; padding: 0 6px; }
QLabel#status[state="ok"] { color: #00ff00; }
QLabel#status[state="bad"] { color: #ff4040; font-weight: bold; }
"""

BASE_POINT_SIZE = 12
MIN_TEXT_SCALE, MAX_TEXT_SCALE = 0.8, 2.0
_POINT_SIZE = re.compile(r"font-size:\s*(\d+(?:\.\d+)?)pt")


@dataclass(frozen=True)
class ThemeChoice:
    """What the station settings ask of the look: text size factor and high contrast."""

    text_scale: float = 1.0
    high_contrast: bool = False

    def __post_init__(self) -> None:
        if not MIN_TEXT_SCALE <= self.text_scale <= MAX_TEXT_SCALE:
            raise ValueError(f"text_scale must be between {MIN_TEXT_SCALE} and {MAX_TEXT_SCALE}, got {self.text_scale}")


def style_sheet(choice: ThemeChoice) -> str:
    """The application style sheet for ``choice``: every ``font-size`` scaled, the chosen colours."""
    base = HIGH_CONTRAST_STYLE if choice.high_contrast else STYLE

    def scaled(match: re.Match[str]) -> str:
        # Whole points keep Qt's font matching predictable; never below 6 pt.
        return f"font-size: {max(6, round(float(match.group(1)) * choice.text_scale))}pt"

    return _POINT_SIZE.sub(scaled, base)


def apply_theme(app: QApplication, choice: ThemeChoice | None = None) -> None:
    """Load the bundled fonts (so ğ ş ı İ render on any machine), the text size and the style sheet."""
    choice = choice or ThemeChoice()
    for font_file in sorted(FONTS.glob("*.ttf")):
        QFontDatabase.addApplicationFont(str(font_file))
    app.setFont(QFont(FAMILY, max(6, round(BASE_POINT_SIZE * choice.text_scale))))
    app.setStyleSheet(style_sheet(choice))
