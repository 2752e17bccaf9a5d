"""Robustness of the plan to the probability estimates and to good and bad years: sample, re-solve,
say what it means for the money and the targets."""

from __future__ import annotations

import copy
import math
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm

from data.schema import NONE_OPTION, Workbook
from optimizer.executor import Executor

from .common import Progress, as_model, round_or_none
from .model import PlanModel, PlanOutcome
from .parallel import executor_for, map_jobs
from .uncertainty import FitUncertainty, covered_share, fit_uncertainty

CORE, BORDERLINE, EXTERIOR = "core", "borderline", "exterior"
# Where a sample's probabilities come from (`robustness(uncertainty=...)`): the history fit's own
# uncertainty, or a flat ±spread factor.
FIT, SPREAD, AUTO = "fit", "spread", "auto"
# Seconds per sample at most. Most samples of the demo city are within the gap after their LP and
# a core MIP or two (well under half a second). About one in six is not, and for those neither the
# larger cores nor the full MIP get closer within seconds (the eight such samples of the fit's
# draws: 1.2–3.9 × 10⁻³ from their bound after 0.5 s, 0.75–3.9 × 10⁻³ after 2 s; the full MIP
# alone needs 1.4–9.5 s to reach 10⁻³). Over the 50 samples of each of the benchmark's three runs,
# 0.5, 0.75 and 1 s leave the same samples above the gap, by nearly the same (at most 0.4 × 10⁻³
# apart), and 0.75 s takes 12–20% less time than 1 s; 0.75 rather than 0.5 leaves the first core
# MIP its time on a busier machine. A sample's plan only feeds shares over the samples, so it keeps
# the plan it has then (gap reported per sample; docs/analytics.md, "Robustness").
SAMPLE_TIME_LIMIT = 0.75


@dataclass
class Robustness:
    """How the plan moves when the success probabilities are only estimates.

    Attributes
    ----------
    base : PlanOutcome
        The plan at the workbook's probabilities.
    candidates : pd.DataFrame
        One row per candidate: ``candidate_id``, ``name``, ``district``, ``base_option`` (the base
        plan's), ``share_funded`` (share of samples whose re-solved plan supports it),
        ``usual_option`` (its most frequent option when supported), ``class`` (``core``: funded in
        ≥ ``core_share`` of samples; ``exterior``: funded in ≤ 1 − ``core_share``; else ``borderline``),
        ``money`` (万元 the base plan puts on it: up-front cost + entitlement reserve).
    targets : pd.DataFrame
        One row per target: ``target``, ``goal``, ``weight``, ``expected_base`` (base plan, nominal
        probabilities), then over the samples for the re-optimised plans ``expected_mean``,
        ``expected_min``, ``expected_p10``, ``expected_median``, ``expected_p90``, ``expected_max``,
        ``attainment_p10``, ``attainment_median``, ``attainment_p90``, and for the base plan kept as it
        is ``base_plan_expected_p10`` / ``base_plan_expected_p90``; ``samples_met``: in how many
        samples the base plan, kept as it is, meets the goal in expectation, and
        ``samples_met_reoptimised`` the same for the plans re-optimised per sample.
    attainment : pd.DataFrame
        One row per sample: ``sample``, ``attainment`` (re-optimised), ``base_plan_attainment`` (the
        base plan under that sample's probabilities), ``status``, ``gap`` (the re-solve's relative
        distance from its bound), ``seconds``.
    samples, spread, seed : int, float, int
    seconds : float
    correlation : float
        ρ of the year swings used (0: the estimates' errors only).
    uncertainty : str
        ``fit`` when the history fit's uncertainty moved the probabilities, else ``spread``.
    fit_share : float
        Share of the option columns the fit covered (the rest took the ±spread factor).
    """

    base: PlanOutcome
    candidates: pd.DataFrame
    targets: pd.DataFrame
    attainment: pd.DataFrame
    samples: int
    spread: float
    seed: int
    core_share: float
    seconds: float
    correlation: float = 0.0
    uncertainty: str = SPREAD
    fit_share: float = 0.0

    def money(self) -> dict[str, float]:
        """万元 of the base plan per class, its total, and ``in_doubt``: the money on candidates whose
        support is in doubt (funded in fewer than ``core_share`` of the samples)."""
        by_class = self.candidates.groupby("class")["money"].sum()
        out = {c: float(by_class.get(c, 0.0)) for c in (CORE, BORDERLINE, EXTERIOR)}
        out["total"] = float(self.candidates["money"].sum())
        out["in_doubt"] = out[BORDERLINE] + out[EXTERIOR]
        return out

    def summary(self) -> dict[str, object]:
        """What the samples mean, in targets and money (for a sentence each).

        ``targets``: per target its ``goal``, ``assured`` (in 90% of the samples the plan as it is
        expects at least this much: the 10th percentile of its expectation under the sampled
        probabilities), ``met`` (in how many samples that expectation reaches the goal) and
        ``samples``; ``kept`` the 万元 (up-front cost plus entitlement reserve) of the plan's supports
        that the re-optimised plans keep in at least ``core_share`` of the samples, of ``total``;
        ``in_doubt`` the rest.
        """
        money = self.money()
        return {
            "uncertainty": self.uncertainty,
            "correlation": self.correlation,
            "samples": self.samples,
            "core_share": self.core_share,
            "targets": [
                {
                    "target": rec["target"],
                    "goal": float(rec["goal"]),
                    "assured": float(rec["base_plan_expected_p10"]),
                    "met": int(rec["samples_met"]),
                    "samples": self.samples,
                }
                for rec in self.targets.to_dict("records")
            ],
            "kept": money[CORE],
            "in_doubt": money["in_doubt"],
            "total": money["total"],
        }

    def counts(self) -> dict[str, int]:
        """Number of candidates per class."""
        vc = self.candidates["class"].value_counts()
        return {c: int(vc.get(c, 0)) for c in (CORE, BORDERLINE, EXTERIOR)}

    def to_json(self, *, candidates: bool = False) -> dict:
        """A JSON-able summary (per-candidate rows only when asked: they are many)."""
        out = {
            "samples": self.samples,
            "spread": self.spread,
            "seed": self.seed,
            "core_share": self.core_share,
            "correlation": self.correlation,
            "uncertainty": self.uncertainty,
            "fit_share": round(self.fit_share, 4),
            "seconds": round(self.seconds, 3),
            "counts": self.counts(),
            "money": {k: round_or_none(v) for k, v in self.money().items()},
            "goals_met": {
                rec["target"]: {
                    "samples": self.samples,
                    "base_plan": int(rec["samples_met"]),
                    "reoptimised": int(rec["samples_met_reoptimised"]),
                }
                for rec in self.targets.to_dict("records")
            },
            "attainment": {
                k: round_or_none(float(self.attainment["attainment"].quantile(q)))
                for k, q in (("p10", 0.1), ("median", 0.5), ("p90", 0.9))
            },
            "max_gap": round_or_none(float(self.attainment["gap"].max()), 9)
            if len(self.attainment)
            else None,
            "targets": [
                {k: (round_or_none(v) if isinstance(v, float) else v) for k, v in rec.items()}
                for rec in self.targets.to_dict("records")
            ],
            "summary": {
                k: (
                    [
                        {
                            kk: (round_or_none(vv) if isinstance(vv, float) else vv)
                            for kk, vv in r.items()
                        }
                        for r in v
                    ]
                    if isinstance(v, list)
                    else round_or_none(v)
                    if isinstance(v, float)
                    else v
                )
                for k, v in self.summary().items()
            },
            "borderline": self.candidates.loc[
                self.candidates["class"] == BORDERLINE, "candidate_id"
            ].tolist(),
        }
        if candidates:
            out["candidates"] = [
                {k: (round_or_none(v) if isinstance(v, float) else v) for k, v in rec.items()}
                for rec in self.candidates.to_dict("records")
            ]
        return out


def year_conditioned(probabilities: np.ndarray, z: float, correlation: float) -> np.ndarray:
    """Success probabilities in a year whose common factor is ``z`` (one-factor Gaussian model).

    p | z = Φ((Φ⁻¹(p) − √ρ z) / √(1 − ρ)) (docs/workbook.md, "Years move together"); a probability
    of 0 or 1 stays so, and averaged over z ~ N(0, 1) every probability is unchanged.
    """
    p = np.asarray(probabilities, dtype=float)
    if correlation <= 0:
        return p.copy()
    inner = np.clip(p, 1e-12, 1 - 1e-12)
    shifted = (norm.ppf(inner) - math.sqrt(correlation) * z) / math.sqrt(1.0 - correlation)
    out = norm.cdf(shifted)
    return np.where(p <= 0, 0.0, np.where(p >= 1, 1.0, out))


def sample_probabilities(
    model: PlanModel,
    samples: int,
    spread: float,
    seed: int,
    correlation: float,
    fit: FitUncertainty | None = None,
) -> list[np.ndarray]:
    """The success probability of every option column in each sample (seeded).

    Each probability is multiplied by a factor uniform in [1 − spread, 1 + spread] and clipped to
    [0, 1] (the estimate's error) — or, for the columns a history ``fit`` covers, moved in log-odds
    by a draw of the fit's coefficients (`optimizer.analysis.uncertainty`); with ``correlation``
    ρ > 0 the sample is then one year: a year factor z ~ N(0, 1) moves every probability together
    (`year_conditioned`). The factors are drawn as without correlation, the years and the fit's
    draws from streams of their own, so ρ = 0 without a fit gives the samples of earlier versions.
    """
    rng = np.random.default_rng(seed)
    years = np.random.default_rng([seed, 1])
    draws = np.random.default_rng([seed, 2])
    out = []
    for _ in range(samples):
        factor = rng.uniform(1.0 - spread, 1.0 + spread, model.n_x)
        p = np.clip(model.col_prob * factor, 0.0, 1.0)
        if fit is not None:
            p = np.where(fit.covered, fit.apply(model.col_prob, fit.shifts(draws)), p)
        if correlation > 0:
            p = year_conditioned(p, float(years.standard_normal()), correlation)
        out.append(p)
    return out


def _solve_sample(model: PlanModel, job: tuple[np.ndarray, np.ndarray | None]) -> PlanOutcome:
    """One robustness sample: the model with these probabilities, solved afresh (``start`` None) or
    from a plan in hand, within `SAMPLE_TIME_LIMIT`."""
    probabilities, start = job
    sample = model.with_probabilities(probabilities)
    sample.time_limit = min(sample.time_limit, SAMPLE_TIME_LIMIT)
    # One search at the model's gap: a model with other probabilities never polishes its plan as
    # today's (`PlanModel.with_probabilities`).
    return sample.solve(warm_start=start)


def sample_chunks(count: int, executor: Executor) -> list[range] | None:
    """The samples of each task (`map_jobs`' chunks): on the local pool one sample per task, else
    `map_jobs`' default (two chunks per worker).

    A sample takes 0.1–0.75 s, and about one in six the whole `SAMPLE_TIME_LIMIT`; in a few long
    chunks of consecutive samples those came in clumps, and one worker was left with the last of
    them while the other idled. On the local pool a task carries only a sample's probabilities (tens
    of KiB; the model goes through a file, read once per worker). A Dask task carries the model's
    bytes too (about 7 MB on the demo city, `optimizer.analysis.parallel.Shipment`), so there the
    samples stay in a few chunks per worker.
    """
    if executor.kind != "pool":
        return None
    return [range(k, k + 1) for k in range(count)]


def robustness(
    wb_or_model: Workbook | PlanModel,
    *,
    samples: int = 50,
    spread: float = 0.2,
    seed: int = 0,
    core_share: float = 0.9,
    correlation: float | None = None,
    progress: Progress | None = None,
    mip_gap: float = 1e-3,
    time_limit: float = 10.0,
    executor: Executor | None = None,
    uncertainty: str = AUTO,
) -> Robustness:
    """Draw the probabilities ``samples`` times (seeded), re-solve each, say what it means.

    With ``uncertainty="fit"`` (the default ``"auto"`` when the workbook has a history sheet) the
    probabilities of every candidate whose rung has history move by a draw of the history fit's
    coefficients (`optimizer.analysis.uncertainty`: the estimates' own uncertainty); the others,
    and every candidate with ``"spread"`` (``"auto"`` without history), are multiplied by a factor
    drawn uniformly from [1 − spread, 1 + spread] and clipped to [0, 1]. With a ``correlation``
    ρ > 0 each sample is also a year that moves all probabilities together
    (`sample_probabilities`). Limits and locks stay as they are. The same ``seed`` gives the same
    samples. The re-solves run on the executor (`optimizer.executor`), in any order: results do
    not depend on it.

    Parameters
    ----------
    wb_or_model : Workbook or PlanModel
    samples : int
        Number of re-solves.
    spread : float
        Relative perturbation (0.2 = ±20%).
    seed : int
    core_share : float
        Share of samples in which a candidate must be funded to count as core (0.9).
    correlation : float, optional
        ρ in [0, 1) of the year swings; default: the workbook's setting ``correlation`` (0 when
        it has none).
    progress : callable, optional
        ``progress(done, total)`` after each re-solve.
    mip_gap, time_limit : float
        Solver options when a model is built here.
    executor : Executor, optional
        Where the re-solves run (default: a local pool for a large model, else this process).
    uncertainty : str
        ``"auto"``, ``"fit"`` (needs a history sheet) or ``"spread"`` (see above).

    Returns
    -------
    Robustness
    """
    t0 = time.perf_counter()
    model = as_model(wb_or_model, mip_gap=mip_gap, time_limit=time_limit)
    rho = workbook_correlation(model.wb) if correlation is None else float(correlation)
    if not 0 <= rho < 1:
        raise ValueError(f"the correlation is a number in [0, 1), not {rho}")
    if uncertainty not in (AUTO, FIT, SPREAD):
        raise ValueError(f"uncertainty is one of auto, fit, spread, not {uncertainty!r}")
    fit = None if uncertainty == SPREAD else fit_uncertainty(model)
    if uncertainty == FIT and fit is None:
        raise ValueError(
            "uncertainty='fit' needs a history sheet with outcomes for the candidates' rungs"
        )
    base = model.solve()
    n, n_t = model.n_candidates, len(model.target_names)
    none_cols = model.cand_start[:-1]
    funded_count = np.zeros(n)
    option_counts: dict[tuple[int, int], int] = {}
    expected = np.full((samples, n_t), np.nan)
    base_plan_expected = np.full((samples, n_t), np.nan)
    rows = []
    probabilities = sample_probabilities(model, samples, spread, seed, rho, fit)
    # A sample whose probabilities are today's has today's plan (no re-solve). The others are solved
    # afresh, not from today's plan: perturbed probabilities move the LP away from about 1,100 of the
    # demo city's candidates, and starting from today's plan left every one of them to the core MIPs
    # (3–10 s a sample, some at the time limit), where rounding the sample's own LP needs a small
    # core or none (about 1 s; docs/analytics.md, "Robustness").
    same = [bool(np.array_equal(p, model.col_prob)) for p in probabilities]
    jobs = [(p, None) for p, keep in zip(probabilities, same, strict=True) if not keep]
    ticks = 0

    def tick(done: int, total: int) -> None:
        if progress is not None:
            progress(ticks + done, samples)

    if progress is not None:
        # samples that keep today's plan count as done at once
        for _ in range(sum(same)):
            ticks += 1
            progress(ticks, samples)
    where = executor_for(model, executor, pool=True)
    solved = iter(
        map_jobs(
            model,
            _solve_sample,
            jobs,
            executor=where,
            chunks=sample_chunks(len(jobs), where),
            progress=tick,
        )
        if jobs
        else []
    )
    outcomes = [copy.deepcopy(base) if keep else next(solved) for keep in same]
    for k, (out, p) in enumerate(zip(outcomes, probabilities, strict=True)):
        base_eval = (
            model.with_probabilities(p).evaluate_selected(base.selected) if base.feasible else None
        )
        if out.feasible:
            chosen = out.selected != none_cols
            funded_count += chosen
            for i in np.nonzero(chosen)[0].tolist():
                key = (int(i), int(out.selected[i]))
                option_counts[key] = option_counts.get(key, 0) + 1
            expected[k] = [out.expected[t] for t in model.target_names]
        if base_eval is not None:
            base_plan_expected[k] = [base_eval.expected[t] for t in model.target_names]
        rows.append(
            {
                "sample": k,
                "attainment": out.attainment,
                "base_plan_attainment": base_eval.attainment if base_eval else np.nan,
                "status": out.status,
                "gap": out.gap,
                "seconds": out.seconds,
            }
        )

    share = funded_count / max(samples, 1)
    usual = [NONE_OPTION] * n
    best_count = np.zeros(n)
    for (i, j), c in option_counts.items():
        if c > best_count[i]:
            best_count[i] = c
            usual[i] = model.col_option[j]
    klass = np.where(
        share >= core_share - 1e-12,
        CORE,
        np.where(share <= 1.0 - core_share + 1e-12, EXTERIOR, BORDERLINE),
    )
    if base.feasible:
        # money the base plan puts on each candidate: up-front cost + entitlement reserve
        money = model.col_cost[base.selected] + model.reserve_per_column()[base.selected]
        money = np.where(base.selected != none_cols, money, 0.0)
    else:
        money = np.zeros(n)
    candidates = pd.DataFrame(
        {
            "candidate_id": model.candidate_ids,
            "name": model.cand_name,
            "district": model.cand_district,
            "base_option": [model.col_option[j] for j in base.selected]
            if base.feasible
            else [NONE_OPTION] * n,
            "share_funded": share,
            "usual_option": usual,
            "class": klass,
            "money": money,
        }
    )
    capped = np.minimum(1.0, expected / model.goals[None, :])
    met_goal = tolerant_ge(expected, model.goals[None, :])
    base_met_goal = tolerant_ge(base_plan_expected, model.goals[None, :])
    target_rows = []
    for t, name in enumerate(model.target_names):
        col = expected[:, t]
        target_rows.append(
            {
                "target": name,
                "goal": float(model.goals[t]),
                "weight": float(model.weights[t]),
                "expected_base": base.expected[name],
                "expected_mean": float(np.nanmean(col)),
                "expected_min": float(np.nanmin(col)),
                "expected_p10": float(np.nanquantile(col, 0.1)),
                "expected_median": float(np.nanquantile(col, 0.5)),
                "expected_p90": float(np.nanquantile(col, 0.9)),
                "expected_max": float(np.nanmax(col)),
                "attainment_p10": float(np.nanquantile(capped[:, t], 0.1)),
                "attainment_median": float(np.nanquantile(capped[:, t], 0.5)),
                "attainment_p90": float(np.nanquantile(capped[:, t], 0.9)),
                "base_plan_expected_p10": float(np.nanquantile(base_plan_expected[:, t], 0.1)),
                "base_plan_expected_p90": float(np.nanquantile(base_plan_expected[:, t], 0.9)),
                "samples_met": int(base_met_goal[:, t].sum()),
                "samples_met_reoptimised": int(met_goal[:, t].sum()),
            }
        )
    return Robustness(
        base=base,
        candidates=candidates,
        targets=pd.DataFrame.from_records(target_rows),
        attainment=pd.DataFrame.from_records(rows),
        samples=samples,
        spread=spread,
        seed=seed,
        core_share=core_share,
        seconds=time.perf_counter() - t0,
        correlation=rho,
        uncertainty=FIT if fit is not None else SPREAD,
        fit_share=covered_share(fit),
    )


def tolerant_ge(values: np.ndarray, goals: np.ndarray) -> np.ndarray:
    """values ≥ goals, allowing for rounding (a goal met exactly counts as met); NaN is not met."""
    with np.errstate(invalid="ignore"):
        return np.asarray(values >= goals - 1e-9 * np.maximum(1.0, np.abs(goals)))


def workbook_correlation(wb: Workbook) -> float:
    """The workbook's ``correlation`` setting (docs/workbook.md, settings), 0 when it has none."""
    value = wb.settings.get("correlation", 0.0) if isinstance(wb.settings, dict) else 0.0
    try:
        rho = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
    return rho if math.isfinite(rho) else 0.0
