"""Entry point of `python -m optimizer`."""

import gc
import os
import sys

# A command is one bounded run that makes a few hundred thousand objects (a workbook's cells, its
# frames) and frees nearly all of them by reference counting. Python's default thresholds (a young
# collection every 700 new containers, and full ones that walk every object pandas and Arrow made
# at import) cost the demo .xlsx's solve 0.1 s in 250 collections that find almost nothing, and a
# 50,000-candidate solve about a second. Young collections every 50,000 still free any cycle, the
# middle generation every 500,000 and all of it every 5 million or so, so that an analysis of many
# re-solves (whose forked workers inherit this) still frees old cycles (docs/optimizer.md, "The demo
# workbook end to end").
gc.set_threshold(50_000, 10, 10)

from optimizer.cli import main  # noqa: E402 - after the collector is set

status = main()
if sys.argv[1:2] == ["solve"]:
    # A solve has written and closed its files and runs nothing at exit: leave without the
    # interpreter tearing down pandas, Arrow and HiGHS module by module, 0.1 s of the demo's 2 s
    # end to end (docs/optimizer.md, "The demo workbook end to end").
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
sys.exit(status)
