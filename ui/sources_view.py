"""Where a probability on screen comes from (估计 / 假设 / 手工录入), one helper for every table.

A plan's allocation carries each row's ``probability_source`` (`optimizer.sources`: the option's
source, the candidate's for no support), from the scenario's workbook, so adopted estimates and
hand entries show as such (docs/probabilities.md). Pages attach it to their candidate frames with
`with_sources`; tables show it with `source_texts` under `source_header`.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from optimizer.solve import AllocationResult
from optimizer.sources import ASSUMED, ENTERED, ESTIMATED, SOURCE_COLUMN
from ui.i18n import t

SOURCES = (ESTIMATED, ASSUMED, ENTERED)


def source_text(source: object, lang: str | None = None) -> str:
    """One source on screen: estimated / assumed / entered by hand (blank or unknown: assumed)."""
    text = str(source).strip() if source is not None else ""
    return t(f"calibration.source.{text if text in SOURCES else ASSUMED}", lang)


def source_header(lang: str | None = None) -> str:
    """The column header: 概率来源 / Probability source."""
    return t("common.probability_source", lang)


def plan_sources(plan: AllocationResult) -> dict[str, str]:
    """``{candidate_id: source}`` of the probability each candidate has under the plan."""
    allocation = plan.allocation
    if allocation.empty or SOURCE_COLUMN not in allocation.columns:
        return {}
    return dict(
        zip(
            allocation["candidate_id"].astype(str),
            allocation[SOURCE_COLUMN].fillna(ASSUMED).astype(str),
            strict=True,
        )
    )


def with_sources(frame: pd.DataFrame, plan: AllocationResult) -> pd.DataFrame:
    """``frame`` (rows with a ``candidate_id``) with the plan's ``probability_source`` per row; rows
    without a candidate (a project already started) get none."""
    out = frame.copy()
    if "candidate_id" not in out.columns:
        return out
    sources = plan_sources(plan)
    ids = out["candidate_id"]
    out[SOURCE_COLUMN] = [
        sources.get(str(c), ASSUMED) if pd.notna(c) else None for c in ids.tolist()
    ]
    return out


def source_texts(frame: pd.DataFrame, lang: str | None = None) -> list[str]:
    """The ``probability_source`` column of ``frame`` on screen; blank where a row has no
    probability of its own (no candidate), assumed where the column is missing."""
    if SOURCE_COLUMN not in frame.columns:
        return [source_text(ASSUMED, lang)] * len(frame)
    return ["" if s is None or pd.isna(s) else source_text(s, lang) for s in frame[SOURCE_COLUMN]]


def source_caption(plan: AllocationResult, candidate_id: str, lang: str | None = None) -> str:
    """ "Probability source: estimated" for one candidate of the plan."""
    source = plan_sources(plan).get(str(candidate_id), ASSUMED)
    return f"{source_header(lang)}: {source_text(source, lang)}"


def texts_for(
    candidate_ids: Iterable[object], plan: AllocationResult, lang: str | None = None
) -> list[str]:
    """The source on screen of each candidate's probability under the plan."""
    sources = plan_sources(plan)
    return [source_text(sources.get(str(c), ASSUMED), lang) for c in candidate_ids]
