"""One short sound per scan outcome, preloaded so it plays the instant the feedback shows."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QUrl

from packstation.domain.feedback import FeedbackSound
from packstation.resources import resource_path

log = logging.getLogger("packstation.ui.platform.sounds")
SOUNDS = resource_path("sounds")


class SoundBoard(QObject):
    """Plays :class:`FeedbackSound` files; a machine without audio output just stays silent (logged once)."""

    def __init__(self, parent: QObject | None = None, *, enabled: bool = True) -> None:
        super().__init__(parent)
        self._effects: dict[FeedbackSound, object] = {}
        if not enabled:
            return
        try:
            from PySide6.QtMultimedia import QSoundEffect
        except ImportError as exc:  # Qt Multimedia needs system audio libraries
            log.warning("sound disabled: %s", exc)
            return
        for sound in FeedbackSound:
            effect = QSoundEffect(self)
            effect.setSource(QUrl.fromLocalFile(str(SOUNDS / sound.filename)))
            effect.setVolume(1.0)
            self._effects[sound] = effect

    def play(self, sound: FeedbackSound) -> None:
        """Play ``sound`` (interrupting the previous one: the newest scan matters)."""
        effect = self._effects.get(sound)
        if effect is not None:
            effect.play()  # type: ignore[attr-defined]
