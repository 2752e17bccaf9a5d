"""Robustness of the plan to the probability estimates: perturb, re-solve, classify candidates."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.schema import NONE_OPTION, Workbook

from .common import Progress, as_model, round_or_none
from .model import PlanModel, PlanOutcome

CORE, BORDERLINE, EXTERIOR = "core", "borderline", "exterior"


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
        ≥ ``core_share`` of samples; ``exterior``: funded in ≤ 1 − ``core_share``; else ``borderline``).
    targets : pd.DataFrame
        One row per target: ``target``, ``goal``, ``weight``, ``expected_base`` (base plan, nominal
        probabilities), then over the samples for the re-optimised plans ``expected_mean``,
        ``expected_min``, ``expected_p10``, ``expected_median``, ``expected_p90``, ``expected_max``,
        ``attainment_p10``, ``attainment_median``, ``attainment_p90``, and for the base plan kept as it
        is ``base_plan_expected_p10`` / ``base_plan_expected_p90``.
    attainment : pd.DataFrame
        One row per sample: ``sample``, ``attainment`` (re-optimised), ``base_plan_attainment`` (the
        base plan under that sample's probabilities), ``status``, ``gap`` (the re-solve's relative
        distance from its bound), ``seconds``.
    samples, spread, seed : int, float, int
    seconds : float
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
            "seconds": round(self.seconds, 3),
            "counts": self.counts(),
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


def robustness(
    wb_or_model: Workbook | PlanModel,
    *,
    samples: int = 50,
    spread: float = 0.2,
    seed: int = 0,
    core_share: float = 0.9,
    progress: Progress | None = None,
    mip_gap: float = 1e-3,
    time_limit: float = 10.0,
) -> Robustness:
    """Perturb every probability within ±``spread`` (seeded), re-solve ``samples`` times, classify.

    Each sample multiplies every success probability (base and per option, independently) by a
    factor drawn uniformly from [1 − spread, 1 + spread] and clips it to [0, 1]; limits and locks
    stay as they are. The same ``seed`` gives the same samples.

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
    progress : callable, optional
        ``progress(done, total)`` after each re-solve.
    mip_gap, time_limit : float
        Solver options when a model is built here.

    Returns
    -------
    Robustness
    """
    t0 = time.perf_counter()
    model = as_model(wb_or_model, mip_gap=mip_gap, time_limit=time_limit)
    base = model.solve()
    rng = np.random.default_rng(seed)
    n, n_t = model.n_candidates, len(model.target_names)
    none_cols = model.cand_start[:-1]
    funded_count = np.zeros(n)
    option_counts: dict[tuple[int, int], int] = {}
    expected = np.full((samples, n_t), np.nan)
    base_plan_expected = np.full((samples, n_t), np.nan)
    rows = []
    for k in range(samples):
        factor = rng.uniform(1.0 - spread, 1.0 + spread, model.n_x)
        sample_model = model.with_probabilities(model.col_prob * factor)
        out = sample_model.solve(warm_start=base.selected if base.feasible else None)
        base_eval = sample_model.evaluate_selected(base.selected) if base.feasible else None
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
        if progress is not None:
            progress(k + 1, samples)

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
        }
    )
    capped = np.minimum(1.0, expected / model.goals[None, :])
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
    )
