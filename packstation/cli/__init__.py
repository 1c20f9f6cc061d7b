"""The `packstation` command line: argument parsing and the headless command handlers."""
