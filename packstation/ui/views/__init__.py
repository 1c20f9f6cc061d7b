"""Screens shown in the main window."""
