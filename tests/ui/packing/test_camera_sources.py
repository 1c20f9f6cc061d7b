"""The camera sources offscreen: a missing webcam or picture folder says so in the view and breaks nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from packstation.ui.platform.camera import CameraView, StillFolderSource, WebcamSource, open_camera

pytestmark = pytest.mark.gui


def _view(qtbot: QtBot, uri: str) -> tuple[CameraView, list[str]]:
    view = CameraView(open_camera(uri))
    qtbot.addWidget(view)
    failures: list[str] = []
    view.photo_failed.connect(failures.append)
    view.start()
    return view, failures


def test_a_webcam_that_is_not_there_is_named(qtbot: QtBot) -> None:
    view, failures = _view(qtbot, "camera://No Such Camera 9000")
    assert isinstance(view.source, WebcamSource)
    qtbot.waitUntil(lambda: bool(failures), timeout=5_000)
    assert "No Such Camera 9000" in failures[0] and "not found" in failures[0]
    assert "not found" in view.status.text()
    view.take_photo()  # no device: a message, no crash
    qtbot.waitUntil(lambda: len(failures) == 2, timeout=5_000)
    view.stop()


@pytest.mark.parametrize(("make", "words"), [(False, "does not exist"), (True, "holds no pictures")])
def test_a_picture_folder_that_is_missing_or_empty_is_named(
    qtbot: QtBot, tmp_path: Path, make: bool, words: str
) -> None:
    folder = tmp_path / "stills"
    if make:
        folder.mkdir()
        (folder / "readme.txt").write_text("no pictures here", encoding="utf-8")
    view, failures = _view(qtbot, folder.as_uri())
    assert isinstance(view.source, StillFolderSource)
    qtbot.waitUntil(lambda: bool(failures), timeout=5_000)
    assert words in failures[0] and words in view.picture.text()
    view.take_photo()
    qtbot.waitUntil(lambda: len(failures) == 2, timeout=5_000)
    assert "no picture to take" in failures[1]
