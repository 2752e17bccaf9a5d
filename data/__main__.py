"""Entry point for ``python -m data`` (see `data.cli`)."""

import sys

from data.cli import main

sys.exit(main())
