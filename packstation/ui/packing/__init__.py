"""The packer's screens: home, pack view, its controller and the packing worker thread."""
