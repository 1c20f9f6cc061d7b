"""`python -m packstation` runs the command line."""

from packstation.cli.main import main

raise SystemExit(main())
