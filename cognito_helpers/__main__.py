"""``python -m cognito_helpers``: the command-line front end (see ``cli.py``)."""

from .cli import main

raise SystemExit(main())
