"""Entry script for the frozen application (PyInstaller needs a file, not a console-script entry point)."""

from packstation.cli.main import main

if __name__ == "__main__":
    raise SystemExit(main())
