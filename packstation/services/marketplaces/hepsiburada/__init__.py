"""Hepsiburada's merchant API: client, reply parser and settings."""
