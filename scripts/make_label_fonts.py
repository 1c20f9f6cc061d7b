"""Regenerate the small label fonts in ``resources/fonts/`` from DejaVu Sans.

Thermal printers receive the label font once (``~DY`` to flash), so it should be small: these
subsets keep Basic Latin, Latin-1, Latin Extended-A (every Turkish letter: ç ğ ı İ ö ş ü and
capitals) and a little punctuation, with hinting and layout tables dropped (printers and
reportlab use neither). Needs fontTools (``pip install fonttools``)::

    python scripts/make_label_fonts.py
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

FONTS = Path(__file__).resolve().parent.parent / "resources" / "fonts"
# Basic Latin, Latin-1 Supplement, Latin Extended-A, dashes/quotes/bullet/ellipsis, euro, lira.
UNICODES = "U+0020-007E,U+00A0-017F,U+2010-2026,U+20AC,U+20BA"
SUBSETS = {
    "DejaVuSans.ttf": "PackStationLabel.ttf",
    "DejaVuSans-Bold.ttf": "PackStationLabel-Bold.ttf",
}


def main() -> int:
    """Write each subset next to its source font; return a process exit code."""
    for source, target in SUBSETS.items():
        command = [
            sys.executable,
            "-m",
            "fontTools.subset",
            str(FONTS / source),
            f"--unicodes={UNICODES}",
            f"--output-file={FONTS / target}",
            "--no-hinting",
            "--layout-features=",
            "--drop-tables+=FFTM,GPOS,GSUB,GDEF",
            "--name-IDs=*",
        ]
        subprocess.run(command, check=True)
        print(f"{target}: {(FONTS / target).stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
