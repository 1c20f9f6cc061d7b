"""Labels that outside text cannot widen: bounded text, and a width the layout gives rather than takes."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QSizePolicy

from packstation.domain.display_text import MAX_SHOWN, breakable


def never_widen(label: QLabel) -> QLabel:
    """Let ``label`` wrap inside whatever width its layout gives it, never ask for more.

    A word-wrapped QLabel still asks for the width of its longest word; with the horizontal policy
    Ignored the layout gives it the window's width instead, whatever text arrives later.
    """
    policy = label.sizePolicy()
    policy.setHorizontalPolicy(QSizePolicy.Policy.Ignored)
    label.setSizePolicy(policy)
    label.setMinimumWidth(0)
    label.setWordWrap(True)
    return label


def set_fitted_text(label: QLabel, text: str, limit: int = MAX_SHOWN) -> None:
    """Show ``text`` cut to ``limit`` characters (with …) and breakable inside long runs."""
    label.setText(breakable(text, limit))
