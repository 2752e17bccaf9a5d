"""The estimates' own uncertainty for robustness: the history fit's coefficients, drawn from their covariance.

When the workbook has a history sheet (docs/workbook.md, history), the success probabilities rest on
past years, and how far they can be off is what the fit says, not a flat ±20%: a rung with thousands
of past rows pins its rate down, an option seen a dozen times does not. Per rung of the history this
module fits the same model `optimizer.calibrate` does (`optimizer.calibrate.fit_rung`, a regularised
logistic regression of the outcome on the shared features and the support), and a robustness sample
draws that rung's coefficients from N(coef, cov) (the penalised fit's inverse Hessian). Every option
column of this year's candidates of the rung moves by the change of its log-odds,

    logit p_sample = logit p + x·(coef_drawn − coef),

so the workbook's probabilities (estimated, assumed or entered) keep their level and take on the
fit's uncertainty; an option the history never saw moves with its candidate's base. Candidates of a
rung without history keep the ±spread factor. See docs/analytics.md, "Robustness".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special
from threadpoolctl import threadpool_limits

from data.schema import NONE_OPTION
from optimizer.calibrate import fit_rung, numeric_features, shared_features

from .model import PlanModel


@dataclass
class RungDraws:
    """One rung's part: the option columns it covers, their design rows, and how to draw."""

    rung: str
    columns: np.ndarray  # model columns of this year's candidates of the rung
    design: np.ndarray  # (len(columns), k) the fit's design rows of those columns
    root: np.ndarray  # (k, k) with root @ root.T = cov


@dataclass
class FitUncertainty:
    """The history fit's uncertainty over a model's option columns (see module docstring)."""

    rungs: list[RungDraws]
    covered: np.ndarray  # (n_x,) bool: columns whose probability the fit moves

    def shifts(self, rng: np.random.Generator) -> np.ndarray:
        """(n_x,) change of log-odds per column for one draw of every rung's coefficients."""
        out = np.zeros(len(self.covered))
        for part in self.rungs:
            delta = part.root @ rng.standard_normal(part.root.shape[1])
            out[part.columns] = part.design @ delta
        return out

    def apply(self, probabilities: np.ndarray, shift: np.ndarray) -> np.ndarray:
        """The covered columns' probabilities moved by ``shift`` in log-odds (0 and 1 stay)."""
        p = np.asarray(probabilities, dtype=float).copy()
        c = self.covered
        inner = np.clip(p[c], 1e-12, 1 - 1e-12)
        moved = special.expit(special.logit(inner) + shift[c])
        p[c] = np.where(p[c] <= 0, 0.0, np.where(p[c] >= 1, 1.0, moved))
        return p


def fit_uncertainty(model: PlanModel) -> FitUncertainty | None:
    """The fit's uncertainty for this model, or None when the workbook has no usable history.

    A rung is left out (its candidates keep the ±spread factor) when the history holds no outcome
    variation for it: `fit_rung` then returns the plain rate with a unit covariance, which is a
    placeholder, not an estimate. Fitted once per model (about a second on the demo city) and kept
    on it; it does not travel to the workers (`PlanModel.__getstate__`), which get probabilities.
    """
    if _CACHE not in model.__dict__:
        model.__dict__[_CACHE] = _fit_uncertainty(model)
    fit: FitUncertainty | None = model.__dict__[_CACHE]
    return fit


# The attribute of a `PlanModel` that keeps its fit (see `fit_uncertainty`).
_CACHE = "_fit_uncertainty"


def _fit_uncertainty(model: PlanModel) -> FitUncertainty | None:
    wb = model.wb
    history = wb.history
    cands = wb.candidates
    if history is None or len(history) == 0 or "rung" not in cands or "rung" not in history:
        return None
    features = shared_features(history, cands)
    numbers = numeric_features(history, features)
    frame = cands.set_index(cands["candidate_id"].astype(str), drop=False)
    frame = frame.loc[list(model.candidate_ids)].reset_index(drop=True)
    col_rung = frame["rung"].astype(str).to_numpy()[model.col_cand]
    rungs: list[RungDraws] = []
    covered = np.zeros(model.n_x, dtype=bool)
    # many small fits: BLAS threads would only contend (as in `optimizer.calibrate.calibrate`)
    with threadpool_limits(1):
        for rung, rows in history.groupby(history["rung"].astype(str), sort=True):
            columns = np.nonzero(col_rung == rung)[0]
            if len(columns) == 0:
                continue
            if rows["outcome"].nunique() < 2:
                continue
            fit = fit_rung(str(rung), rows.reset_index(drop=True), features, numbers)
            support = [o if o in fit.options else NONE_OPTION for o in _options(model, columns)]
            design = fit.design(frame.iloc[model.col_cand[columns]].reset_index(drop=True), support)
            rungs.append(RungDraws(str(rung), columns, design, _root(fit.cov)))
            covered[columns] = True
    if not rungs:
        return None
    return FitUncertainty(rungs, covered)


def _options(model: PlanModel, columns: np.ndarray) -> list[str]:
    return [model.col_option[j] for j in columns.tolist()]


def _root(cov: np.ndarray) -> np.ndarray:
    """A square root of a covariance matrix (eigenvalues below zero, from rounding, set to zero)."""
    values, vectors = np.linalg.eigh((cov + cov.T) / 2)
    return np.asarray(vectors * np.sqrt(np.clip(values, 0.0, None))[None, :])


def covered_share(fit: FitUncertainty | None) -> float:
    """Share of the option columns whose uncertainty comes from the fit (0 without one)."""
    return float(fit.covered.mean()) if fit is not None and len(fit.covered) else 0.0


__all__ = ["FitUncertainty", "RungDraws", "covered_share", "fit_uncertainty"]
