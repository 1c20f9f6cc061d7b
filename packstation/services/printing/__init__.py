"""Printing: label dispatch to the station's printer, reprints and the command sheet."""
