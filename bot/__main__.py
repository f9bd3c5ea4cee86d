"""`python -m bot` is the same as the `citebot` command."""

from bot.cli import main

raise SystemExit(main())
