"""Trendyol's seller API: client, reply parser and settings."""
