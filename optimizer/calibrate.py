"""Success probabilities estimated from past years (docs/workbook.md, history; method in docs/probabilities.md).

Per rung, a regularised logistic regression of the outcome on the features the history and the
candidates share, with the support given as a covariate. Support was not given at random (departments
backed the readier candidates), so the features that drove it are in the same model: the option
coefficients are the uplift *at equal features* (regression adjustment). From the fit: every
candidate's base probability (support = none) and every option's probability, for candidates whose
rung has history; ρ (`correlation`) from the between-year variation beyond binomial noise.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, special, stats
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

from data.schema import NONE_OPTION, Workbook
from optimizer.sources import ASSUMED, ENTERED, ESTIMATED, SOURCE_COLUMN

# Columns that name or price a row rather than describe it: never features.
_NOT_FEATURES = {
    "year",
    "kind",
    "rung",
    "support",
    "outcome",
    "candidate_id",
    "name",
    "entity_id",
    "firm_id",
    "project_id",
    "base_probability",
    "award",
    "award_line",
    SOURCE_COLUMN,
}
# A text column with more distinct values than this is an identifier, not a feature.
_MAX_LEVELS = 30
# Inverse regularisation strength on standardised features (scikit-learn's C): mild shrinkage.
_C = 1.0
# Probabilities are kept inside (0, 1): an estimate is never certain.
_P_FLOOR, _P_CEIL = 0.001, 0.999
RELIABILITY_BINS = 10
# ρ is kept below this (docs/workbook.md allows [0, 1)).
_RHO_MAX = 0.95


@dataclass
class RungFit:
    """One rung's model: its design, the fitted coefficients and their approximate covariance."""

    rung: str
    numeric: list[str]
    levels: dict[str, list[str]]  # text feature → its levels (first is the reference)
    options: list[str]  # support options seen (besides none)
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray  # intercept first
    cov: np.ndarray

    def design(self, frame: pd.DataFrame, support: list[str]) -> np.ndarray:
        """Intercept, standardised numbers, text dummies, option dummies."""
        cols = [np.ones(len(frame))]
        for j, name in enumerate(self.numeric):
            x = _numbers(frame[name])
            x = np.where(np.isfinite(x), x, self.mean[j])
            cols.append((x - self.mean[j]) / self.scale[j])
        for name, levels in self.levels.items():
            text = frame[name].astype(str).to_numpy()
            cols.extend((text == level).astype(float) for level in levels[1:])
        chosen = np.asarray(support, dtype=object)
        cols.extend((chosen == option).astype(float) for option in self.options)
        return np.column_stack(cols)

    def predict(self, frame: pd.DataFrame, support: list[str]) -> np.ndarray:
        eta = self.design(frame, support) @ self.coef
        return np.clip(1 / (1 + np.exp(-eta)), _P_FLOOR, _P_CEIL)

    def uplift(self, option: str) -> tuple[float, float]:
        """The option's log-odds coefficient and its standard error."""
        j = len(self.coef) - len(self.options) + self.options.index(option)
        return float(self.coef[j]), float(math.sqrt(max(self.cov[j, j], 0.0)))


@dataclass
class Calibration:
    """What `calibrate` returns: the calibrated workbook, the report, and tables for the app."""

    workbook: Workbook
    report: dict[str, object]
    reliability: pd.DataFrame  # bin, predicted, observed, rows (cross-validated by year)
    uplifts: pd.DataFrame  # rung, option, log_odds, se, uplift, low, high, rows
    fits: dict[str, RungFit] = field(default_factory=dict)


def shared_features(history: pd.DataFrame, candidates: pd.DataFrame) -> list[str]:
    """The columns both sheets have that describe a candidate (not its key, name or outcome)."""
    return [c for c in history.columns if c in candidates.columns and c not in _NOT_FEATURES]


def _numbers(col: pd.Series) -> np.ndarray:
    if pd.api.types.is_numeric_dtype(col):
        return col.to_numpy(dtype=float, na_value=np.nan)
    return pd.to_numeric(col, errors="coerce").to_numpy(dtype=float)


def numeric_features(history: pd.DataFrame, features: list[str]) -> set[str]:
    """The features whose every history value is a number (the others are text)."""
    return {name for name in features if np.isfinite(_numbers(history[name])).all()}


def fit_rung(
    rung: str, rows: pd.DataFrame, features: list[str], numbers: set[str] | None = None
) -> RungFit:
    """Fit one rung's regularised logistic regression on its history rows (``numbers``: the
    numeric features, found from ``rows`` when not given)."""
    numbers = numeric_features(rows, features) if numbers is None else numbers
    numeric, levels = [], {}
    for name in features:
        col = rows[name]
        if name in numbers:
            numeric.append(name)
        else:
            values = sorted(col.astype(str).unique().tolist())
            if 1 < len(values) <= _MAX_LEVELS:
                levels[name] = values
    mean = np.array([np.nanmean(_numbers(rows[n])) for n in numeric], dtype=float)
    scale = np.array([np.nanstd(_numbers(rows[n])) or 1.0 for n in numeric], dtype=float)
    support = rows["support"].astype(str).tolist()
    options = sorted({s for s in support if s != NONE_OPTION})
    fit = RungFit(rung, numeric, levels, options, mean, scale, np.zeros(0), np.zeros((0, 0)))
    x = fit.design(rows, support)
    y = rows["outcome"].to_numpy(dtype=float)
    if len(np.unique(y)) < 2:
        # Every row succeeded or every one failed: the plain (smoothed) rate, no slopes.
        coef = np.zeros(x.shape[1])
        rate = (y.sum() + 0.5) / (len(y) + 1)
        coef[0] = math.log(rate / (1 - rate))
        fit.coef, fit.cov = coef, np.eye(x.shape[1])
        return fit
    model = LogisticRegression(C=_C, fit_intercept=False, solver="newton-cholesky", max_iter=200)
    # The intercept column carries no penalty in spirit; scikit-learn penalises it mildly (one of
    # many columns), which only pulls the rate slightly toward one half.
    model.fit(x, y)
    coef = model.coef_.ravel()
    p = 1 / (1 + np.exp(-(x @ coef)))
    # Covariance of the penalised fit: the inverse Hessian of the penalised log-likelihood.
    hessian = (x * (p * (1 - p))[:, None]).T @ x + np.eye(x.shape[1]) / _C
    fit.coef, fit.cov = coef, np.linalg.pinv(hessian)
    return fit


def _brier(p: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean((p - y) ** 2)) if len(y) else float("nan")


def _backtest(rung_rows: pd.DataFrame, features: list[str], numbers: set[str]) -> dict[str, object]:
    """Fit on every year but the last, score the last: Brier of the estimates and of the plain rate."""
    years = sorted(rung_rows["year"].unique().tolist())
    if len(years) < 2:
        return {"years_fitted": years, "year_scored": None, "brier": None, "brier_plain_rate": None}
    last = years[-1]
    train, test = rung_rows[rung_rows["year"] < last], rung_rows[rung_rows["year"] == last]
    fit = fit_rung(str(rung_rows["rung"].iloc[0]), train, features, numbers)
    y = test["outcome"].to_numpy(dtype=float)
    p = fit.predict(test, test["support"].astype(str).tolist())
    plain = np.full(len(y), train["outcome"].mean())
    return {
        "years_fitted": [int(v) for v in years[:-1]],
        "year_scored": int(last),
        "rows_scored": len(y),
        "brier": _brier(p, y),
        "brier_plain_rate": _brier(plain, y),
    }


def _cross_validated(rung_rows: pd.DataFrame, features: list[str], numbers: set[str]) -> np.ndarray:
    """Each year's rows predicted by a fit on the other years (for the reliability table)."""
    out = np.full(len(rung_rows), np.nan)
    years = rung_rows["year"].to_numpy()
    for year in np.unique(years):
        train = rung_rows[years != year]
        if len(train) == 0 or train["outcome"].nunique() < 1:
            continue
        fit = fit_rung(str(rung_rows["rung"].iloc[0]), train, features, numbers)
        test = rung_rows[years == year]
        out[years == year] = fit.predict(test, test["support"].astype(str).tolist())
    return out


def reliability_table(predicted: np.ndarray, observed: np.ndarray) -> pd.DataFrame:
    """Predicted against observed success rate, by decile of the prediction."""
    ok = np.isfinite(predicted)
    predicted, observed = predicted[ok], observed[ok]
    if len(predicted) == 0:
        return pd.DataFrame(columns=["bin", "predicted", "observed", "rows"])
    edges = np.quantile(predicted, np.linspace(0, 1, RELIABILITY_BINS + 1))
    bins = np.clip(np.searchsorted(edges, predicted, side="right") - 1, 0, RELIABILITY_BINS - 1)
    frame = pd.DataFrame({"bin": bins + 1, "predicted": predicted, "observed": observed})
    table = frame.groupby("bin").agg(
        predicted=("predicted", "mean"), observed=("observed", "mean"), rows=("observed", "size")
    )
    return table.reset_index()


def bivariate_same(c: np.ndarray, rho: float) -> np.ndarray:
    """P(Z₁ < c, Z₂ < c) for standard normals with correlation ρ, for each c.

    = E_z[Φ((c − √ρ z)/√(1 − ρ))²]: a smooth integrand, so 48 Gauss–Hermite nodes are exact to
    float precision for the ρ ≤ 0.95 used here.
    """
    c = np.asarray(c, dtype=float)
    if rho <= 0:
        return np.asarray(special.ndtr(c) ** 2)
    z, w = np.polynomial.hermite_e.hermegauss(48)
    w = w / w.sum()
    given = special.ndtr((c[:, None] - math.sqrt(rho) * z[None, :]) / math.sqrt(1 - rho))
    return np.asarray((given**2) @ w)


def estimate_correlation(groups: pd.DataFrame) -> float:
    """ρ by the method of moments from rung-year groups (columns rows, observed, fitted, and
    optionally ``fitted_rows``: each row's fitted probability, an array per group).

    Under the one-factor model a group's success rate r with fitted mean m over n rows has
    E[(r − m)²] = V(ρ)(1 − 1/n) + m(1 − m)/n with V(ρ) = P(Z₁ < c, Z₂ < c) − m², c = Φ⁻¹(m):
    the excess of the squared deviations over binomial noise is the year-to-year variation. With
    each row's probability p_i given, the same moment without assuming the rows alike:
    E[(r − m)²] = Var_z(mean_i p_i(z)) + Σ_i E_z[p_i(z)(1 − p_i(z))]/n² with
    p_i(z) = Φ((Φ⁻¹(p_i) − √ρ z)/√(1 − ρ)). Rows that differ (some near 0, some near 1) have less
    binomial noise than m(1 − m)/n says, which would hide the year swings (docs/probabilities.md).
    Each group's equation is weighted by its rows: a rung of three rows a year is almost all
    binomial noise, and unweighted its squares would swamp those of the rungs of hundreds.
    """
    groups = groups[(groups["rows"] >= 2) & (groups["fitted"] > 0) & (groups["fitted"] < 1)]
    if len(groups) < 2:
        return 0.0
    n = groups["rows"].to_numpy(dtype=float)
    m = groups["fitted"].to_numpy(dtype=float)
    r = groups["observed"].to_numpy(dtype=float)
    seen = float((n * (r - m) ** 2).sum())
    if "fitted_rows" in groups:
        rows = [np.clip(np.asarray(p, dtype=float), 1e-9, 1 - 1e-9) for p in groups["fitted_rows"]]
        return _correlation_from_rows(rows, seen)
    noise = float((n * m * (1 - m) / n).sum())
    c = stats.norm.ppf(m)

    def excess(rho: float) -> float:
        v = bivariate_same(c, rho) - m**2
        return float((n * v * (1 - 1 / n)).sum()) + noise - seen

    return _solve_excess(excess)


def _correlation_from_rows(rows: list[np.ndarray], seen: float) -> float:
    """`estimate_correlation` with each group's rows' own probabilities (see there); ``seen`` is
    Σ n (r − m)² over the groups."""
    z, w = np.polynomial.hermite_e.hermegauss(48)
    w = w / w.sum()
    c = [special.ndtri(p) for p in rows]

    def excess(rho: float) -> float:
        total = 0.0
        for p, ci in zip(rows, c, strict=True):
            given = special.ndtr((ci[:, None] - math.sqrt(rho) * z[None, :]) / math.sqrt(1 - rho))
            mean = given.mean(axis=0)
            year = float(w @ mean**2) - float(p.mean()) ** 2
            noise = (float(p.sum()) - float((given**2).sum(axis=0) @ w)) / len(p) ** 2
            total += len(p) * (year + noise)
        return total - seen

    return _solve_excess(excess)


def _solve_excess(excess: Callable[[float], float]) -> float:
    """The ρ in [0, _RHO_MAX] where the model's squared deviations match those seen."""
    if excess(0.0) >= 0:
        return 0.0
    if excess(_RHO_MAX) <= 0:
        return _RHO_MAX
    return float(optimize.brentq(excess, 0.0, _RHO_MAX, xtol=1e-4))


def _sources(frame: pd.DataFrame) -> pd.Series:
    if SOURCE_COLUMN in frame:
        text = frame[SOURCE_COLUMN].astype(str).str.strip().str.lower()
        return text.where(text.isin([ESTIMATED, ASSUMED, ENTERED]), ASSUMED)
    return pd.Series([ASSUMED] * len(frame), index=frame.index, dtype=object)


def calibrate(wb: Workbook) -> Calibration:
    """See `_calibrate`; the fits run on one BLAS thread (many small fits: threads only contend)."""
    with threadpool_limits(1):
        return _calibrate(wb)


def _calibrate(wb: Workbook) -> Calibration:
    """Estimate probabilities from the workbook's history sheet (docs/workbook.md, calibrate).

    Candidates whose rung appears in history get an estimated ``base_probability`` and, for every
    option seen in that rung's history, an estimated ``probability``; other rows keep theirs. A row a
    planner entered by hand (``probability_source`` = ``entered``) is kept as entered. The settings get
    the estimated ``correlation``.

    Raises
    ------
    ValueError
        When the workbook has no history rows.
    """
    history = wb.history
    if history is None or len(history) == 0:
        raise ValueError(
            "the workbook has no history sheet (or it is empty): nothing to estimate from"
        )
    out = wb.copy()
    cands, opts = out.candidates, out.options
    cand_source, opt_source = _sources(cands), _sources(opts)
    rung_of = (
        cands["rung"].astype(str) if "rung" in cands else pd.Series([""] * len(cands), dtype=object)
    )
    features = shared_features(history, cands)
    numbers = numeric_features(history, features)
    report_rungs: dict[str, object] = {}
    predicted_all, observed_all, uplift_rows, group_rows = [], [], [], []
    fits: dict[str, RungFit] = {}
    for rung, rows in history.groupby(history["rung"].astype(str), sort=True):
        rows = rows.reset_index(drop=True)
        fit = fit_rung(str(rung), rows, features, numbers)
        fits[str(rung)] = fit
        cv = _cross_validated(rows, features, numbers)
        predicted_all.append(cv)
        observed_all.append(rows["outcome"].to_numpy(dtype=float))
        # Fitted means by year, for the year-to-year variation.
        fitted = fit.predict(rows, rows["support"].astype(str).tolist())
        for year, idx in rows.groupby("year").groups.items():
            group_rows.append(
                {
                    "rung": rung,
                    "year": year,
                    "rows": len(idx),
                    "observed": float(rows.loc[idx, "outcome"].mean()),
                    "fitted": float(fitted[np.asarray(idx)].mean()),
                    "fitted_rows": np.asarray(fitted[np.asarray(idx)], dtype=float),
                }
            )
        # This year's candidates of the rung.
        mine = np.nonzero((rung_of == rung).to_numpy())[0]
        estimated_options = 0
        if len(mine):
            sub = cands.iloc[mine]
            base = fit.predict(sub, [NONE_OPTION] * len(sub))
            free = (cand_source.iloc[mine] != ENTERED).to_numpy()
            cands.loc[cands.index[mine[free]], "base_probability"] = np.round(base[free], 4)
            cand_source.iloc[mine[free]] = ESTIMATED
            o_mask = opts["candidate_id"].isin(set(sub["candidate_id"])) & opts["option"].isin(
                fit.options
            )
            o_idx = np.nonzero(o_mask.to_numpy())[0]
            o_idx = o_idx[(opt_source.iloc[o_idx] != ENTERED).to_numpy()]
            if len(o_idx):
                feats = cands.set_index("candidate_id").loc[opts["candidate_id"].iloc[o_idx]]
                p = fit.predict(
                    feats.reset_index(), opts["option"].iloc[o_idx].astype(str).tolist()
                )
                opts.loc[opts.index[o_idx], "probability"] = np.round(p, 4)
                opt_source.iloc[o_idx] = ESTIMATED
                estimated_options = len(o_idx)
            # Each option's uplift on this year's candidates: mean change in probability.
            for option in fit.options:
                log_odds, se = fit.uplift(option)
                eta = fit.design(sub, [NONE_OPTION] * len(sub)) @ fit.coef

                def mean_p(shift: float, eta: np.ndarray = eta) -> float:
                    return float(np.mean(1 / (1 + np.exp(-(eta + shift)))))

                p0 = mean_p(0.0)
                uplift_rows.append(
                    {
                        "rung": rung,
                        "option": option,
                        "log_odds": log_odds,
                        "se": se,
                        "uplift": mean_p(log_odds) - p0,
                        "low": mean_p(log_odds - 1.96 * se) - p0,
                        "high": mean_p(log_odds + 1.96 * se) - p0,
                        "rows": int((rows["support"].astype(str) == option).sum()),
                    }
                )
        report_rungs[str(rung)] = {
            "rows_used": len(rows),
            "years": sorted(int(y) for y in rows["year"].unique()),
            "success_rate": float(rows["outcome"].mean()),
            "supported_share": float((rows["support"].astype(str) != NONE_OPTION).mean()),
            "features": fit.numeric + list(fit.levels),
            "candidates_estimated": len(mine),
            "options_estimated": estimated_options,
            "backtest": _backtest(rows, features, numbers),
        }
    cands[SOURCE_COLUMN] = cand_source.to_numpy()
    opts[SOURCE_COLUMN] = opt_source.to_numpy()
    # Estimated base probabilities must stay below their options' where the option was estimated
    # too: a fitted uplift is one common shift in log-odds, so this holds whenever the uplift is > 0.
    rho = estimate_correlation(pd.DataFrame(group_rows))
    out.settings["correlation"] = round(rho, 4)
    predicted = np.concatenate(predicted_all) if predicted_all else np.zeros(0)
    observed = np.concatenate(observed_all) if observed_all else np.zeros(0)
    reliability = reliability_table(predicted, observed)
    report: dict[str, object] = {
        "rungs": report_rungs,
        "correlation": round(rho, 4),
        "features": features,
        "candidates": {
            s: int((cands[SOURCE_COLUMN] == s).sum()) for s in (ESTIMATED, ASSUMED, ENTERED)
        },
        "options": {
            s: int((opts[SOURCE_COLUMN] == s).sum()) for s in (ESTIMATED, ASSUMED, ENTERED)
        },
        "reliability": reliability.to_dict(orient="records"),
    }
    return Calibration(
        workbook=out,
        report=report,
        reliability=reliability,
        uplifts=pd.DataFrame(
            uplift_rows,
            columns=["rung", "option", "log_odds", "se", "uplift", "low", "high", "rows"],
        ),
        fits=fits,
    )


def add_calibrate_command(subparsers: argparse._SubParsersAction) -> None:
    """Add ``calibrate`` to ``python -m optimizer``'s subcommands (docs/workbook.md, command line)."""
    p = subparsers.add_parser(
        "calibrate",
        help="estimate probabilities from the history sheet and write the calibrated workbook",
        description="Estimate base_probability and every option's probability from the workbook's "
        "history sheet (for candidates whose rung appears there), and the correlation setting; "
        "write the same workbook with a probability_source column; print the report as JSON.",
    )
    p.add_argument("workbook", help="an .xlsx file or a folder of <sheet>.csv files")
    p.add_argument(
        "--out", required=True, help="where to write the calibrated workbook (.xlsx or a folder)"
    )
    p.set_defaults(func=run_calibrate)


def run_calibrate(args: argparse.Namespace) -> int:
    """``python -m optimizer calibrate``: exit 0 with a workbook written, 1 for unusable data."""
    from data.workbook import write_workbook
    from optimizer.analysis_cli import load_workbook_or_report

    wb = load_workbook_or_report(args.workbook)
    if wb is None:
        return 1
    try:
        result = calibrate(wb)
    except ValueError as exc:
        print(f"Cannot calibrate {args.workbook}: {exc}", file=sys.stderr)
        return 1
    try:
        write_workbook(result.workbook, args.out)
    except OSError as exc:
        print(f"Cannot write the calibrated workbook to {args.out}: {exc}", file=sys.stderr)
        return 1
    out = {
        "status": "calibrated",
        "workbook": str(args.out),
        **result.report,
        "uplifts": result.uplifts.to_dict(orient="records"),
    }
    print(json.dumps(out, ensure_ascii=False, default=float))
    return 0
