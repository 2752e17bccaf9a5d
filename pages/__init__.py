"""The dashboard's screens: each module defines a ``render()`` that app.py hands to ``st.Page``.

Importing a page module draws nothing: no ``st.*`` call at module level. That matters because a
``pages/`` folder beside ``app.py`` switches Streamlit 1.67 into its old multipage mode until
``app.py`` has called ``st.navigation`` once in the server process: a page URL opened first on a
fresh server would run ``pages/<name>.py`` as a script, without app.py's sign-in gate. Run as a
script, a page module only calls :func:`run_entrance`, which runs ``app.py`` instead, so such a
visit goes through the gate like any other (docs/dashboard.md, "Why pages/ holds functions").
"""

from __future__ import annotations

import runpy
from pathlib import Path

ENTRANCE = Path(__file__).resolve().parent.parent / "app.py"


def run_entrance() -> None:
    """Run ``app.py`` (language, sign-in gate, data, navigation) in place of a page script."""
    runpy.run_path(str(ENTRANCE), run_name="__main__")
