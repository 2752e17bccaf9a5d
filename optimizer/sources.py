"""Where each probability comes from: estimated from history, assumed, or entered by hand.

Kept apart from `optimizer.calibrate` (which needs scikit-learn) so that every solve can say where its
probabilities come from without loading the estimation stack (docs/probabilities.md).
"""

from __future__ import annotations

import pandas as pd

from data.schema import Workbook

SOURCE_COLUMN = "probability_source"
ESTIMATED, ASSUMED, ENTERED = "estimated", "assumed", "entered"


def probability_sources(wb: Workbook, allocation: pd.DataFrame) -> list[str]:
    """Where each row's probability under its chosen option comes from: the option's
    ``probability_source`` (the candidate's for ``none``); blank or absent = ``assumed``."""

    def column(frame: pd.DataFrame) -> pd.Series:
        if SOURCE_COLUMN not in frame.columns:
            return pd.Series(ASSUMED, index=frame.index)
        return frame[SOURCE_COLUMN].fillna("").astype(str).str.strip().replace("", ASSUMED)

    ids = allocation["candidate_id"].astype(str).tolist()
    options = allocation["option"].astype(str).tolist()
    # Lists first: stepping through a pandas text column one value at a time is several times
    # slower (a second at 50,000 candidates, docs/optimizer.md); the values are the same.
    by_candidate = dict(
        zip(
            wb.candidates["candidate_id"].astype(str).tolist(),
            column(wb.candidates).tolist(),
            strict=True,
        )
    )
    by_option = dict(
        zip(
            zip(
                wb.options["candidate_id"].astype(str).tolist(),
                wb.options["option"].astype(str).tolist(),
                strict=True,
            ),
            column(wb.options).tolist(),
            strict=True,
        )
    )
    return [
        by_candidate.get(c, ASSUMED) if o == "none" else by_option.get((c, o), ASSUMED)
        for c, o in zip(ids, options, strict=True)
    ]
