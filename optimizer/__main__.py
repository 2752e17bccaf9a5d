"""Entry point of `python -m optimizer`."""

import os
import sys

from optimizer.cli import main

status = main()
if sys.argv[1:2] == ["solve"]:
    # A solve has written and closed its files and runs nothing at exit: leave without the
    # interpreter tearing down pandas, Arrow and HiGHS module by module, 0.1 s of the demo's 2 s
    # end to end (docs/optimizer.md, "The demo workbook end to end").
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
sys.exit(status)
