"""Scanners, printers and scales: interfaces and transports, addressed by URI. No Qt here."""
