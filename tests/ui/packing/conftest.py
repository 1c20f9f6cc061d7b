"""Fixtures of the pack-screen tests: a station window on a real database (see test_pack_screen)."""

from tests.ui.packing.test_pack_screen import station

__all__ = ["station"]
