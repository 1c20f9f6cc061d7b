"""`python -m packstation` runs the command line."""

from packstation.cli import main

raise SystemExit(main())
