"""Five past years of the demo city's candidates and outcomes, drawn from the demo's own assumptions.

Each past year's cohort looks like this year's: per rung, candidates drawn (with replacement) from this
year's, each with the readiness score the departments rate candidates with (here the candidate's true
log-odds of success without support plus rating noise; this year's candidates carry the same score,
so the history and the candidates share that feature, with district and cluster). Support was not
random: readier candidates were backed more often, so a plain comparison of supported and unsupported
rows overstates the uplift. Outcomes are drawn from the candidate's own probabilities (its option's,
or its base) under the one-factor model of good and bad years with ρ = `DEMO_CORRELATION` (the
assumption ``year_correlation``, [E]; docs/workbook.md), so `optimizer.calibrate` can be checked
against the truth (docs/probabilities.md). The workbook's ``correlation`` setting is what calibrate
estimates from this history (`DEMO_ESTIMATED_CORRELATION`), so the cockpit's odds carry year swings.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special

from data.assumptions import assumption_values
from data.schema import NONE_OPTION, Workbook

YEARS = 5
# Year-to-year correlation of the demo's outcomes (the truth calibrate should recover): the
# assumption ``year_correlation`` [E].
DEMO_CORRELATION = assumption_values()["year_correlation"]
# What `optimizer.calibrate` estimates from the default history at seed 2026 (0.1509), to two
# decimals: the demo workbook's ``correlation`` setting (tests/test_calibrate.py checks the two agree;
# data may not import the optimizer, so the figure is kept here).
DEMO_ESTIMATED_CORRELATION = 0.15
# Share of this year's candidates in each past year's cohort, per rung.
COHORT_SHARE = 0.6
# Rating noise of the readiness score (log-odds).
READINESS_NOISE = 0.3
# P(some support) = σ(_SUPPORT_SHIFT + _SUPPORT_SLOPE × standardised readiness).
_SUPPORT_SHIFT, _SUPPORT_SLOPE = -0.3, 0.8
READINESS = "readiness"


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-4, 1 - 1e-4)
    return np.log(p / (1 - p))


def demo_history(wb: Workbook, seed: int = 2026, rho: float = DEMO_CORRELATION) -> pd.DataFrame:
    """The history sheet: ``year, kind, rung, support, outcome`` and the features ``readiness``,
    ``district``, ``cluster``; the truth each row was drawn from in ``true_probability`` (a
    descriptive column calibrate does not use: the candidates sheet has no such column)."""
    rng = np.random.Generator(np.random.PCG64(seed + 1))
    cands = wb.candidates.reset_index(drop=True)
    options = wb.options
    # Each candidate's options as a contiguous block of the options sheet (sorted by candidate).
    position = {c: i for i, c in enumerate(cands["candidate_id"].astype(str))}
    owner = options["candidate_id"].astype(str).map(position).to_numpy()
    order = np.argsort(owner, kind="stable")
    option_names = options["option"].astype(str).to_numpy()[order]
    option_probs = options["probability"].to_numpy(dtype=float)[order]
    menu_size = np.bincount(owner, minlength=len(cands))
    menu_start = np.concatenate([[0], np.cumsum(menu_size)[:-1]])
    base = cands["base_probability"].to_numpy(dtype=float)
    true_logit = _logit(base)
    as_of = str(wb.settings.get("as_of", "2026-01-01"))
    this_year = int(as_of[:4])
    # Each year's common factor: good (z < 0) or bad (z > 0). Five free draws often swing far less
    # than the model says on average (at seed 2026 their mean square is about 0.2), and the history
    # would then show almost no year swings; scaled to mean 0 and mean square 1 they show the swings
    # ρ implies, so that calibrate has them to find (docs/demo-city.md).
    factors = rng.standard_normal(YEARS)
    factors = (factors - factors.mean()) / (factors.std() or 1.0)
    frames = []
    for back in range(YEARS, 0, -1):
        year = this_year - back
        z = factors[YEARS - back]
        picks = []
        for _, idx in cands.groupby("rung").groups.items():
            idx = np.asarray(idx)
            size = max(1, round(COHORT_SHARE * len(idx)))
            picks.append(rng.choice(idx, size=size, replace=True))
        rows = np.concatenate(picks)
        readiness = true_logit[rows] + READINESS_NOISE * rng.standard_normal(len(rows))
        standard = (readiness - readiness.mean()) / (readiness.std() or 1.0)
        supported = rng.random(len(rows)) < special.expit(
            _SUPPORT_SHIFT + _SUPPORT_SLOPE * standard
        )
        supported &= menu_size[rows] > 0
        pick = menu_start[rows] + (rng.random(len(rows)) * np.maximum(menu_size[rows], 1)).astype(
            int
        )
        pick = np.minimum(pick, max(len(option_names) - 1, 0))
        support = np.where(supported, option_names[pick], NONE_OPTION)
        p = np.where(supported, option_probs[pick], base[rows])
        given = special.ndtr((special.ndtri(p) - np.sqrt(rho) * z) / np.sqrt(1 - rho))
        outcome = (rng.random(len(rows)) < given).astype(float)
        frames.append(
            pd.DataFrame(
                {
                    "year": float(year),
                    "kind": cands["kind"].to_numpy()[rows],
                    "rung": cands["rung"].to_numpy()[rows],
                    "support": support,
                    "outcome": outcome,
                    READINESS: np.round(readiness, 3),
                    "district": cands["district"].to_numpy()[rows],
                    "cluster": cands["cluster"].to_numpy()[rows],
                    "true_probability": np.round(p, 4),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def generate_demo(seed: int = 2026, assumptions: pd.DataFrame | None = None) -> Workbook:
    """`data.demo.generate.generate_demo` with the history sheet and ``readiness`` (`with_history`):
    what ``data.demo.generate_demo`` returns."""
    from data.demo.generate import generate_demo as generate_this_year

    rho = assumption_values(assumptions)["year_correlation"]
    return with_history(generate_this_year(seed, assumptions), seed, rho)


def with_history(wb: Workbook, seed: int = 2026, rho: float = DEMO_CORRELATION) -> Workbook:
    """The demo workbook with its ``history`` sheet (year swings of correlation ρ), this year's
    candidates' ``readiness`` and the ``correlation`` setting: calibrate's estimate from the history
    (`DEMO_ESTIMATED_CORRELATION`) for the default ρ; for an edited ρ, ρ itself."""
    rng = np.random.Generator(np.random.PCG64(seed + 2))
    base = wb.candidates["base_probability"].to_numpy(dtype=float)
    wb.candidates[READINESS] = np.round(
        _logit(base) + READINESS_NOISE * rng.standard_normal(len(base)), 3
    )
    wb.history = demo_history(wb, seed, rho)
    wb.settings["correlation"] = DEMO_ESTIMATED_CORRELATION if rho == DEMO_CORRELATION else rho
    return wb
