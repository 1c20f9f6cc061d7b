"""PackStation: packing-station software for marketplace sellers and 3PL warehouses."""

__version__ = "0.1.0"
