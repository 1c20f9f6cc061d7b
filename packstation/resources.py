"""Where the bundled resources (fonts, sounds, translations) are, from a source checkout or a frozen build.

From source they sit in ``resources/`` beside the ``packstation`` package; in a PyInstaller build they are
unpacked under ``sys._MEIPASS``. Every module asks here instead of counting ``parents`` from its own file,
so moving a module or freezing the app cannot break a path.
"""

from __future__ import annotations

import sys
from pathlib import Path

_SOURCE_ROOT = Path(__file__).resolve().parent.parent


def resources_root() -> Path:
    """The folder that holds ``fonts/``, ``sounds/``, ``locale/`` and ``translations/``."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and frozen_root:
        return Path(frozen_root) / "resources"
    return _SOURCE_ROOT / "resources"


def resource_path(*parts: str) -> Path:
    """The path of a bundled resource, e.g. ``resource_path("fonts", "DejaVuSans.ttf")``.

    Raises ValueError for an absolute or ``..`` part: resources never point outside their folder.
    """
    for part in parts:
        if Path(part).is_absolute() or ".." in Path(part).parts:
            raise ValueError(f"resource path part must be relative and inside the resources folder: {part!r}")
    return resources_root().joinpath(*parts)
