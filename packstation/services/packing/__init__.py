"""Packing: open a parcel, verify each scan, complete it; claims, the read model and the package sources."""
