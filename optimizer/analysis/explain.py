"""Why a candidate is (not) funded, what it would take, and the price of each leadership lock.

Every number here comes from re-solving the model with one thing changed, so each sentence can be
checked by a re-solve: "funded with +Δ 万元 on line f" means ``model.solve(budgets={f: amount + Δ},
warm_start=base)`` funds it and the same call with Δ − resolution does not.
"""

from __future__ import annotations

import copy
import math
import time
import weakref
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from data.schema import NONE_OPTION, Workbook
from optimizer.executor import Executor

from .common import as_model, points, round_or_none
from .model import ANY_OPTION, PlanModel, PlanOutcome
from .parallel import executor_for, map_jobs

# How many changed candidates a sentence names before "and N more".
_NAMED_CHANGES = 5

# Each model's twin for re-solves under other locks (see `lock_twin`).
_TWINS: weakref.WeakKeyDictionary[PlanModel, PlanModel] = weakref.WeakKeyDictionary()


def lock_twin(model: PlanModel) -> PlanModel:
    """A twin of ``model`` (same data, limits and today's plan, a solver of its own) for re-solves
    under other locks.

    Locks decide which variables the solver's model has, so a change of locks rebuilds it and starts
    its LP cold (`optimizer.solve.AllocationModel.set_locks`; 0.3 s on the demo city), and so does
    the next re-solve under today's locks. On the twin, the model's own solver keeps today's locks
    and its hot LP for the re-solves that change only limits ("what would it take", marginal
    values, frontiers). Kept per model, as long as the model lives.
    """
    twin = _TWINS.get(model)
    if twin is None:
        twin = copy.copy(model)
        twin._allocation_model = None
        twin.__dict__.pop("_shipment", None)
        _TWINS[model] = twin
    return twin


# ---------------------------------------------------------------- gains per 万元
def _attainment(model: PlanModel, expected: np.ndarray) -> np.ndarray:
    """Σ_t w_t min(1, E_t / g_t) for one or many expectation vectors (last axis = targets)."""
    return (model.weights * np.minimum(1.0, expected / model.goals)).sum(axis=-1)


def _money(model: PlanModel, col: np.ndarray, none_col: np.ndarray) -> np.ndarray:
    """Money an option commits compared with no support: up-front cost + change of entitlement reserve."""
    reserve = model.reserve_per_column()
    return model.col_cost[col] + reserve[col] - reserve[none_col]


def option_gains(model: PlanModel, base: PlanOutcome) -> pd.DataFrame:
    """For every option column: attainment gained by switching that candidate to it, the rest fixed.

    Returns a DataFrame indexed by column with ``candidate``, ``option``, ``fund_line``, ``money``
    (万元: cost + change of entitlement reserve), ``gain`` (attainment; negative = a loss) and
    ``chosen`` (the plan's current option).
    """
    selected = base.selected
    expected = np.array([base.expected[t] for t in model.target_names])
    cols = np.arange(model.n_x)
    cand = model.col_cand
    current = selected[cand]
    d_prob = model.col_prob[cols] - model.col_prob[current]
    new_expected = expected[None, :] + model.cand_value[cand] * d_prob[:, None]
    gain = _attainment(model, new_expected) - base.attainment
    none_col = model.cand_start[:-1][cand]
    money = _money(model, cols, none_col)
    line = np.array([model.fund_lines[f] if f >= 0 else "" for f in model.col_line], dtype=object)
    return pd.DataFrame(
        {
            "candidate": cand,
            "option": model.col_option,
            "fund_line": line,
            "money": money,
            "gain_vs_current": gain,
            "chosen": cols == current,
        }
    )


def funded_gains(model: PlanModel, base: PlanOutcome) -> pd.DataFrame:
    """For every funded candidate: attainment lost if its option were taken away (plan otherwise fixed).

    Columns: ``candidate_id``, ``option``, ``fund_line``, ``money``, ``gain`` (attainment its option adds
    over no support), ``per_100`` (points per 100 万元; inf when the option costs nothing), ``locked``.
    """
    selected = base.selected
    none_cols = model.cand_start[:-1]
    funded = np.nonzero(selected != none_cols)[0]
    expected = np.array([base.expected[t] for t in model.target_names])
    sel = selected[funded]
    d_prob = model.col_prob[sel] - model.col_prob[none_cols[funded]]
    without = expected[None, :] - model.cand_value[funded] * d_prob[:, None]
    gain = base.attainment - _attainment(model, without)
    money = _money(model, sel, none_cols[funded])
    with np.errstate(divide="ignore", invalid="ignore"):
        per_100 = np.where(money > 0, points(1.0, model) * gain / money * 100.0, np.inf)
    return pd.DataFrame(
        {
            "candidate_id": [model.candidate_ids[i] for i in funded],
            "option": [model.col_option[j] for j in sel],
            "fund_line": [model.fund_lines[f] if f >= 0 else "" for f in model.col_line[sel]],
            "money": money,
            "gain": gain,
            "per_100": per_100,
            "locked": [model.candidate_ids[i] in model.base_locks for i in funded],
        }
    )


def cutoffs(model: PlanModel, base: PlanOutcome) -> dict[str, float]:
    """The plan's implied cut-off per fund line: the weakest points-per-100-万元 among funded options.

    Locked candidates and options that cost nothing are left out (they are not there for their
    value for money). Lines with no such option have no cut-off (NaN).
    """
    fg = funded_gains(model, base)
    fg = fg[(~fg["locked"]) & (fg["money"] > 0) & (fg["fund_line"] != "")]
    out = {f: math.nan for f in model.fund_lines}
    for line, group in fg.groupby("fund_line"):
        out[str(line)] = float(group["per_100"].min())
    return out


# ---------------------------------------------------------------- explanation
@dataclass
class Explanation:
    """Why a candidate is (not) funded, in numbers and in sentences (Chinese and English).

    Attributes
    ----------
    candidate_id, name, district : str
    funded : bool
        Whether the plan supports it.
    locked : str or None
        Its leadership lock (an option or ``none``), if any.
    option : str
        The plan's option for it (``none`` when unfunded).
    considered_option : str or None
        The option the figures are about: the chosen one, or for an unfunded candidate its best
        option by points per 100 万元 (None if it has no options).
    fund_line : str or None
        The fund line that option draws on.
    money : float
        万元 the option commits (up-front cost + change of entitlement reserve).
    gain_attainment, gain_points : float
        Attainment the option adds with the rest of the plan unchanged (and on the 0–100 scale).
    per_100 : float
        Points per 100 万元 (inf when the option costs no money).
    cutoff_per_100 : float
        The plan's cut-off on that fund line (see `cutoffs`).
    takes : float or None
        Unfunded only: the smallest increase of ``fund_line`` (万元, at ``resolution``) with which the
        re-solved plan funds it; None when even ``searched_up_to`` was not enough.
    takes_checked_below : float or None
        The increase one resolution step less, which does not fund it.
    searched_up_to : float or None
    forced_loss, forced_points : float or None
        Unfunded only: attainment lost when it is forced in (locked to "some option"); NaN when forcing
        it in is infeasible. ``forced_option`` is the option the plan then gives it.
    drop_loss, drop_points : float or None
        Funded only: attainment lost when it is locked to ``none``.
    changes : list[dict]
        Other candidates whose option changes in that forced/dropped plan.
    sentences : dict[str, list[str]]
        ``{"zh": [...], "en": [...]}``.
    solves : int
        Number of re-solves made.
    """

    candidate_id: str
    name: str
    district: str
    funded: bool
    locked: str | None
    option: str
    considered_option: str | None
    fund_line: str | None
    money: float
    gain_attainment: float
    gain_points: float
    per_100: float
    cutoff_per_100: float
    limit: str | None = None
    limit_kind: str | None = None
    limit_unit: str = "万元"
    takes: float | None = None
    takes_checked_below: float | None = None
    searched_up_to: float | None = None
    forced_loss: float | None = None
    forced_points: float | None = None
    forced_option: str | None = None
    drop_loss: float | None = None
    drop_points: float | None = None
    changes: list[dict] = field(default_factory=list)
    sentences: dict[str, list[str]] = field(default_factory=dict)
    solves: int = 0
    seconds: float = 0.0

    def to_json(self) -> dict:
        """A JSON-able dict of every field."""
        out = {}
        for key, value in self.__dict__.items():
            if isinstance(value, float):
                out[key] = (
                    round_or_none(value)
                    if math.isfinite(value)
                    else (None if math.isnan(value) else "inf")
                )
            else:
                out[key] = value
        return out


def _changes(model: PlanModel, before: PlanOutcome, after: PlanOutcome, skip: str) -> list[dict]:
    """Candidates whose option differs between two plans (the candidate ``skip`` left out)."""
    out = []
    for i in np.nonzero(before.selected != after.selected)[0]:
        cid = model.candidate_ids[i]
        if cid == skip:
            continue
        out.append(
            {
                "candidate_id": cid,
                "name": model.cand_name[i],
                "before": model.col_option[before.selected[i]],
                "after": model.col_option[after.selected[i]],
            }
        )
    return out


def _funded_with(model: PlanModel, job: tuple[str, str, float, np.ndarray]) -> bool:
    """Whether the plan re-solved from ``start`` with ``limit`` set to ``value`` funds the candidate."""
    candidate_id, limit, value, start = job
    is_line = limit in model.fund_lines
    out = model.solve(
        budgets={limit: value} if is_line else None,
        capacities=None if is_line else {limit: value},
        warm_start=start,
    )
    return out.feasible and out.funded(candidate_id)


def what_it_would_take(
    model: PlanModel,
    candidate_id: str,
    limit: str,
    base: PlanOutcome,
    *,
    resolution: float = 1.0,
    start: float | None = None,
    max_increase: float | None = None,
    executor: Executor | None = None,
) -> tuple[float | None, float | None, float, int]:
    """Smallest increase of one fund line (or resource) with which the re-solved plan funds it.

    The answer Δ is minimal in the sense a re-solve can check: the plan with +Δ funds the candidate
    and the plan with +(Δ − resolution) does not (both solved as ``model.solve(budgets={line:
    amount + x}, warm_start=base)``). More money can change the whole plan, so a larger increase is
    not always enough too; the search reports the first threshold it brackets.

    Brackets by doubling from ``start`` (re-solves that stay within the gap of today's plan return
    at once, so the low steps are cheap), then narrows to ``resolution``: first from the step where
    the LP relaxation starts to support the candidate, when that is inside the bracket (a bisection
    over hot-started LPs, milliseconds each), walking out from it by 1, 2, 4, … steps until the
    answer turns — the plan's threshold is usually a few steps from the LP's, so this takes a few
    re-solves where a bisection of the bracket takes eight — then by bisection. With an executor of
    P workers the doubling and the bisection ask P questions at once (P doublings ahead, P points
    splitting the bracket into P + 1 parts); the walk from the LP's step asks one at a time.

    Returns
    -------
    (takes, checked_below, searched_up_to, solves)
        ``takes`` is None when even ``searched_up_to`` does not fund it.
    """
    is_line = limit in model.fund_lines
    amount = (model.budgets_dict() if is_line else model.capacities_dict())[limit]
    run_on = executor_for(model, executor)
    width = 1 if run_on.kind == "inline" else max(1, run_on.parallelism())
    solves = 0

    def funded(steps: list[int]) -> list[bool]:
        nonlocal solves
        solves += len(steps)
        jobs = [(candidate_id, limit, amount + k * resolution, base.selected) for k in steps]
        return [bool(x) for x in map_jobs(model, _funded_with, jobs, executor=run_on)]

    cap_steps = math.ceil(
        (max_increase if max_increase is not None else max(4 * amount, 1000.0)) / resolution
    )
    first = max(1, math.ceil((start or resolution) / resolution))
    lo, hi = 0, 0
    # Round one: today's limits too (already funded within the solver's tolerance?).
    probes = [0]
    step = first
    while True:
        while len(probes) < width or not probes:
            probes.append(min(step, cap_steps))
            if step >= cap_steps:
                break
            step *= 2
        answers = funded(probes)
        if probes[0] == 0 and answers[0]:
            return 0.0, None, 0.0, solves
        hit = next((k for k, yes in zip(probes, answers, strict=True) if yes), None)
        if hit is not None:
            below = [k for k in probes if k < hit]
            lo, hi = max([lo, *below]), hit
            break
        lo = probes[-1]
        if lo >= cap_steps:
            return None, None, cap_steps * resolution, solves
        probes = []
    if hi - lo > 2:
        # Where the LP starts to support it, when that is inside the bracket.
        guess = _lp_threshold(model, candidate_id, limit, amount, resolution, lo, hi)
        if guess is not None:
            # From the LP's step outward by 1, 2, 4, … steps until the answer turns: the plan's
            # threshold is usually within a few steps of the LP's.
            yes = funded([guess])[0]
            if yes:
                hi = guess
            else:
                lo = guess
            reach = 1
            while hi - lo > 1:
                k = max(lo + 1, hi - reach) if yes else min(hi - 1, lo + reach)
                if funded([k])[0] != yes:
                    lo, hi = (k, hi) if yes else (lo, k)
                    break
                lo, hi = (lo, k) if yes else (k, hi)
                reach *= 2
    while hi - lo > 1:
        count = min(width, hi - lo - 1)
        probes = sorted({lo + (hi - lo) * (j + 1) // (count + 1) for j in range(count)})
        probes = [k for k in probes if lo < k < hi]
        answers = funded(probes)
        hit = next((k for k, yes in zip(probes, answers, strict=True) if yes), None)
        if hit is not None:
            lo = max([lo, *[k for k in probes if k < hit]])
            hi = hit
        else:
            lo = probes[-1]
    return hi * resolution, (hi - 1) * resolution, cap_steps * resolution, solves


def _lp_threshold(
    model: PlanModel,
    candidate_id: str,
    limit: str,
    amount: float,
    resolution: float,
    lo: int,
    hi: int,
) -> int | None:
    """The fewest steps of ``resolution`` on ``limit``, strictly between ``lo`` and ``hi``, at which
    the LP relaxation supports the candidate at least half (None when there is no such step)."""
    is_line = limit in model.fund_lines

    def supports(k: int) -> bool:
        value = amount + k * resolution
        share = model.lp_support(
            candidate_id,
            budgets={limit: value} if is_line else None,
            capacities=None if is_line else {limit: value},
        )
        return bool(share >= 0.5)

    if supports(lo) or not supports(hi - 1):
        return None
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if supports(mid):
            hi = mid
        else:
            lo = mid
    return hi


def explain_candidate(
    wb_or_model: Workbook | PlanModel,
    candidate_id: str,
    *,
    base: PlanOutcome | None = None,
    resolution: float = 1.0,
    search: bool = True,
    mip_gap: float = 1e-3,
    time_limit: float = 10.0,
    executor: Executor | None = None,
) -> Explanation:
    """Why one candidate is (not) funded, what it would take, and what forcing or dropping it costs.

    Parameters
    ----------
    wb_or_model : Workbook or PlanModel
    candidate_id : str
    base : PlanOutcome, optional
        The plan to explain (default: solve the model as it stands).
    resolution : float
        万元 resolution of "what would it take".
    search : bool
        Run the re-solves ("what would it take", forced in / dropped). False gives the instant part only.
    mip_gap, time_limit : float
        Solver options when a model is built here.
    executor : Executor, optional
        Where the re-solves of "what would it take" run (default: a local pool for a large model,
        else this process).

    Raises
    ------
    KeyError
        If the candidate is not in the workbook.
    """
    t0 = time.perf_counter()
    model = as_model(wb_or_model, mip_gap=mip_gap, time_limit=time_limit)
    if candidate_id not in model._cand_pos:
        raise KeyError(f"unknown candidate {candidate_id!r}")
    solves = 0
    if base is None:
        base = model.solve()
        solves += 1
    if not base.feasible:
        raise ValueError("the plan is infeasible; there is nothing to explain")
    i = model._cand_pos[candidate_id]
    s, e = model.cand_start[i], model.cand_start[i + 1]
    option = model.col_option[base.selected[i]]
    funded = option != NONE_OPTION
    locked = model.base_locks.get(candidate_id)
    gains = option_gains(model, base).iloc[s:e]
    cut = cutoffs(model, base)
    pts = points(1.0, model)

    if funded:
        row = gains.iloc[int(base.selected[i] - s)]
        fg = funded_gains(model, base)
        gain = float(fg.loc[fg["candidate_id"] == candidate_id, "gain"].iloc[0])
        considered = option
        money = float(_money(model, np.array([base.selected[i]]), np.array([s]))[0])
    else:
        options = gains.iloc[1:]
        considered, money, gain = None, 0.0, 0.0
        if len(options):
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = np.where(
                    options["money"] > 0,
                    options["gain_vs_current"] / options["money"],
                    np.where(options["gain_vs_current"] > 0, np.inf, 0.0),
                )
            best = int(np.argmax(ratio + 1e-12 * options["gain_vs_current"].to_numpy()))
            row = options.iloc[best]
            considered = str(row["option"])
            money = float(row["money"])
            gain = float(row["gain_vs_current"])
    line = None
    if considered is not None:
        line = str(gains.loc[gains["option"] == considered, "fund_line"].iloc[0]) or None
        if line is None:  # a money-free option: use the line of its other options, if any
            lines = [f for f in gains["fund_line"].iloc[1:] if f]
            line = lines[0] if lines else None
    per_100 = pts * gain / money * 100.0 if money > 0 else (math.inf if gain > 0 else 0.0)
    ex = Explanation(
        candidate_id=candidate_id,
        name=model.cand_name[i],
        district=model.cand_district[i],
        funded=funded,
        locked=locked,
        option=option,
        considered_option=considered,
        fund_line=line,
        money=money,
        gain_attainment=gain,
        gain_points=pts * gain,
        per_100=per_100,
        cutoff_per_100=cut.get(line, math.nan) if line else math.nan,
    )
    if search and locked is None:
        locks = dict(model.base_locks)
        twin = lock_twin(model)
        if funded:
            dropped = twin.solve(locks={**locks, candidate_id: NONE_OPTION}, warm_start=base)
            solves += 1
            if dropped.feasible:
                ex.drop_loss = max(0.0, base.attainment - dropped.attainment)
                ex.drop_points = pts * ex.drop_loss
                ex.changes = _changes(model, base, dropped, candidate_id)
            else:
                ex.drop_loss = math.nan
        elif considered is not None:
            # Started from today's plan with its best option in (the search keeps what still fits
            # and re-solves near it) rather than from scratch.
            with_it = base.selected.copy()
            with_it[i] = model.option_col[(candidate_id, considered)]
            forced = twin.solve(locks={**locks, candidate_id: ANY_OPTION}, warm_start=with_it)
            solves += 1
            if forced.feasible:
                ex.forced_loss = max(0.0, base.attainment - forced.attainment)
                ex.forced_points = pts * ex.forced_loss
                ex.forced_option = forced.choices.get(candidate_id)
                ex.changes = _changes(model, base, forced, candidate_id)
            else:
                ex.forced_loss = math.nan
            limit, kind, unit, step, start = _binding_limit(
                model, candidate_id, considered, money, line, resolution
            )
            ex.limit, ex.limit_kind, ex.limit_unit = limit, kind, unit
            if limit is not None:
                takes, below, upto, n = what_it_would_take(
                    model,
                    candidate_id,
                    limit,
                    base,
                    resolution=step,
                    start=start,
                    executor=executor,
                )
                solves += n
                ex.takes, ex.takes_checked_below, ex.searched_up_to = takes, below, upto
    ex.solves = solves
    ex.sentences = {"zh": _sentences_zh(ex), "en": _sentences_en(ex)}
    ex.seconds = time.perf_counter() - t0
    return ex


def _binding_limit(
    model: PlanModel,
    candidate_id: str,
    option: str,
    money: float,
    line: str | None,
    resolution: float,
) -> tuple[str | None, str | None, str, float, float]:
    """Which limit "what would it take" should raise: the option's fund line when it costs money,
    else the resource it needs most of relative to the capacity. Returns (name, kind, unit, step,
    first increase to try)."""
    if money > 0 and line is not None:
        return line, "fund_line", "万元", resolution, max(resolution, money)
    j = model.option_col[(candidate_id, option)]
    use = model.col_use[j]
    if len(use) and use.max() > 0:
        share = use / np.maximum(model.capacities, 1e-9)
        r = int(np.argmax(share))
        units = dict(zip(model.wb.resources["resource"], model.wb.resources["unit"], strict=True))
        name = model.resource_names[r]
        return name, "resource", str(units.get(name, "")), 1.0, max(1.0, float(use[r]))
    if line is not None:
        return line, "fund_line", "万元", resolution, resolution
    return None, None, "", resolution, resolution


# ---------------------------------------------------------------- sentences
def _num(x: float | None, digits: int = 2) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    if isinstance(x, float) and math.isinf(x):
        return "∞"
    return f"{x:,.{digits}f}"


def _money_text(x: float | None) -> str:
    return "—" if x is None else f"{x:,.0f}"


def _change_list(changes: list[dict], lang: str) -> str:
    parts = []
    for c in changes[:_NAMED_CHANGES]:
        if lang == "zh":
            parts.append(f"{c['name']}（{c['before']}→{c['after']}）")
        else:
            parts.append(f"{c['name']} ({c['before']} → {c['after']})")
    rest = len(changes) - _NAMED_CHANGES
    if rest > 0:
        parts.append(f"另有{rest}项" if lang == "zh" else f"{rest} more")
    return ("、" if lang == "zh" else ", ").join(parts)


def _sentences_en(ex: Explanation) -> list[str]:
    who = f"{ex.name} ({ex.candidate_id})"
    out = []
    if ex.locked is not None:
        out.append(f"{who} is locked by leadership to “{ex.locked}”; see the price of locks.")
    if ex.funded:
        out.append(
            f"{who} is funded with “{ex.option}”, committing {_money_text(ex.money)} 万元"
            + (f" on {ex.fund_line}" if ex.fund_line else "")
            + f" and adding {_num(ex.gain_points, 3)} points of attainment"
            + (
                f" ({_num(ex.per_100)} points per 100 万元; the weakest funded option on this line"
                f" gives {_num(ex.cutoff_per_100)})."
                if ex.money > 0
                else " at no money cost."
            )
        )
        if ex.drop_loss is not None:
            if math.isnan(ex.drop_loss):
                out.append("Dropping it would leave no feasible plan.")
            else:
                out.append(
                    f"Dropping it would lose {_num(ex.drop_points, 3)} points of attainment"
                    + (
                        f"; the plan would change: {_change_list(ex.changes, 'en')}."
                        if ex.changes
                        else "."
                    )
                )
        return out
    if ex.considered_option is None:
        out.append(f"{who} has no support options, so the plan cannot fund it.")
        return out
    out.append(
        f"{who} is not funded. Its best option, “{ex.considered_option}”, would commit "
        f"{_money_text(ex.money)} 万元"
        + (f" on {ex.fund_line}" if ex.fund_line else "")
        + f" for {_num(ex.gain_points, 3)} points of attainment"
        + (
            f": {_num(ex.per_100)} points per 100 万元, against {_num(ex.cutoff_per_100)} for the"
            f" weakest option the plan funds on this line."
            if ex.money > 0
            else "."
        )
    )
    if ex.gain_attainment <= 1e-12:
        out.append("Its targets are already met in expectation, so it adds nothing to attainment.")
    unit = ex.limit_unit or ""
    if ex.takes is not None and ex.limit:
        if ex.takes == 0:
            out.append("It is at the margin: a re-solve with today's limits may fund it.")
        else:
            out.append(
                f"It would be funded if {ex.limit} had {_money_text(ex.takes)} {unit} more "
                f"(with {_money_text(ex.takes_checked_below)} {unit} more it is not)."
            )
    elif ex.searched_up_to is not None and ex.limit:
        out.append(
            f"Even {_money_text(ex.searched_up_to)} {unit} more on {ex.limit} would not get it funded."
        )
    if ex.forced_loss is not None:
        if math.isnan(ex.forced_loss):
            out.append("Forcing it in leaves no feasible plan.")
        else:
            out.append(
                f"Forcing it in (with “{ex.forced_option}”) would cost {_num(ex.forced_points, 3)} "
                "points of attainment"
                + (
                    f"; to pay for it the plan would change: {_change_list(ex.changes, 'en')}."
                    if ex.changes
                    else "."
                )
            )
    return out


def _sentences_zh(ex: Explanation) -> list[str]:
    who = f"{ex.name}（{ex.candidate_id}）"
    line = f"“{ex.fund_line}”" if ex.fund_line else ""
    out = []
    if ex.locked is not None:
        out.append(f"{who}已由领导锁定为“{ex.locked}”，其代价见“锁定代价”。")
    if ex.funded:
        out.append(
            f"{who}获得支持：“{ex.option}”，"
            + (f"占用{line}资金{_money_text(ex.money)}万元，" if ex.money > 0 else "不占用资金，")
            + f"提高加权完成度{_num(ex.gain_points, 3)}分"
            + (
                f"（每百万元{_num(ex.per_100)}分；本资金线上入选的最弱支持为每百万元"
                f"{_num(ex.cutoff_per_100)}分）。"
                if ex.money > 0
                else "。"
            )
        )
        if ex.drop_loss is not None:
            if math.isnan(ex.drop_loss):
                out.append("若取消对其支持，将无可行方案。")
            else:
                out.append(
                    f"若取消对其支持，加权完成度将下降{_num(ex.drop_points, 3)}分"
                    + (f"；方案将调整：{_change_list(ex.changes, 'zh')}。" if ex.changes else "。")
                )
        return out
    if ex.considered_option is None:
        out.append(f"{who}没有可选的支持方式，方案无法支持。")
        return out
    out.append(
        f"{who}未获支持。其最优支持方式“{ex.considered_option}”需"
        + (f"{line}资金" if line else "")
        + f"{_money_text(ex.money)}万元，可提高加权完成度{_num(ex.gain_points, 3)}分"
        + (
            f"，即每百万元{_num(ex.per_100)}分，低于本资金线上入选的最弱支持（每百万元"
            f"{_num(ex.cutoff_per_100)}分）。"
            if ex.money > 0
            else "。"
        )
    )
    if ex.gain_attainment <= 1e-12:
        out.append("其所贡献的目标按期望已经完成，支持它不再提高完成度。")
    limit = f"“{ex.limit}”" if ex.limit else ""
    unit = ex.limit_unit or ""
    if ex.takes is not None and ex.limit:
        if ex.takes == 0:
            out.append("它正处在入选边缘：按现有限额重新求解也可能入选。")
        else:
            out.append(
                f"若{limit}增加{_money_text(ex.takes)}{unit}即可入选"
                f"（增加{_money_text(ex.takes_checked_below)}{unit}仍不入选）。"
            )
    elif ex.searched_up_to is not None and ex.limit:
        out.append(f"即使{limit}增加{_money_text(ex.searched_up_to)}{unit}，它也不会入选。")
    if ex.forced_loss is not None:
        if math.isnan(ex.forced_loss):
            out.append("若强行纳入，将无可行方案。")
        else:
            out.append(
                f"若强行纳入（“{ex.forced_option}”），加权完成度将下降{_num(ex.forced_points, 3)}分"
                + (f"；为此方案将调整：{_change_list(ex.changes, 'zh')}。" if ex.changes else "。")
            )
    return out


# ---------------------------------------------------------------- price of locks
@dataclass
class LockPrices:
    """What each leadership lock costs.

    Attributes
    ----------
    base : PlanOutcome
        The plan with every lock.
    table : pd.DataFrame
        One row per lock (and a last row ``candidate_id = "*"`` for all locks together):
        ``candidate_id``, ``name``, ``option`` (the lock), ``attainment_with``, ``attainment_without``,
        ``price`` (attainment lost because of the lock, ≥ 0), ``price_points``, ``status_without``,
        ``changes`` (list of {candidate_id, name, before, after}: what the plan would do instead),
        ``sentence_zh``, ``sentence_en``.
    """

    base: PlanOutcome
    table: pd.DataFrame
    seconds: float

    def to_json(self) -> dict:
        """A JSON-able dict."""
        rows = []
        for rec in self.table.to_dict("records"):
            rows.append(
                {k: (round_or_none(v) if isinstance(v, float) else v) for k, v in rec.items()}
            )
        return {
            "base_attainment": round_or_none(self.base.attainment),
            "seconds": round(self.seconds, 3),
            "locks": rows,
        }


def lock_prices(
    wb_or_model: Workbook | PlanModel,
    *,
    base: PlanOutcome | None = None,
    progress: object | None = None,
    mip_gap: float = 1e-3,
    time_limit: float = 10.0,
) -> LockPrices:
    """Attainment lost by each leadership lock, compared with the plan without that lock.

    For each lock the model is re-solved with every other lock kept; the plan with the lock stays
    feasible without it, so it is offered as a warm start and the price is never negative. The last
    row prices all locks together.

    Parameters
    ----------
    wb_or_model : Workbook or PlanModel
    base : PlanOutcome, optional
        The plan with every lock (default: solve).
    progress : callable, optional
        ``progress(done, total)`` after each solve.
    mip_gap, time_limit : float
        Solver options when a model is built here.
    """
    t0 = time.perf_counter()
    model = as_model(wb_or_model, mip_gap=mip_gap, time_limit=time_limit)
    if base is None:
        base = model.solve()
    locks = dict(model.base_locks)
    pts = points(1.0, model)
    records = []
    cases = [(c, o) for c, o in locks.items()] + ([("*", "*")] if len(locks) > 1 else [])
    for k, (cand, option) in enumerate(cases):
        remaining = {} if cand == "*" else {c: o for c, o in locks.items() if c != cand}
        # on the twin: the model's own solver keeps today's locks (see `lock_twin`)
        without = lock_twin(model).solve(locks=remaining, warm_start=base, keep_if_better=base)
        price = (
            without.attainment - base.attainment if without.feasible and base.feasible else np.nan
        )
        changes = _changes(model, base, without, cand) if without.feasible and base.feasible else []
        name = model.cand_name[model._cand_pos[cand]] if cand != "*" else "*"
        rec = {
            "candidate_id": cand,
            "name": name,
            "option": option,
            "attainment_with": base.attainment,
            "attainment_without": without.attainment,
            "price": price,
            "price_points": pts * price,
            "status_without": without.status,
            "changes": changes,
        }
        rec["sentence_zh"], rec["sentence_en"] = _lock_sentences(rec, model)
        records.append(rec)
        if callable(progress):
            progress(k + 1, len(cases))
    return LockPrices(
        base=base, table=pd.DataFrame.from_records(records), seconds=time.perf_counter() - t0
    )


def _lock_sentences(rec: dict, model: PlanModel) -> tuple[str, str]:
    if rec["candidate_id"] == "*":
        who_zh, who_en = "全部锁定", "All locks together"
    else:
        who_zh = f"锁定{rec['name']}（{rec['candidate_id']}）为“{rec['option']}”"
        who_en = f"Locking {rec['name']} ({rec['candidate_id']}) to “{rec['option']}”"
    if not math.isfinite(rec["price"]):
        return (
            f"{who_zh}：无法比较（方案不可行）。",
            f"{who_en}: cannot be priced (no feasible plan).",
        )
    zh = f"{who_zh}使加权完成度下降{_num(rec['price_points'], 3)}分"
    en = f"{who_en} costs {_num(rec['price_points'], 3)} points of attainment"
    if rec["changes"]:
        zh += f"；否则方案将：{_change_list(rec['changes'], 'zh')}。"
        en += f"; without it the plan would change: {_change_list(rec['changes'], 'en')}."
    else:
        zh += "；不锁定时方案也会如此安排。"
        en += "; the plan would do the same without it."
    return zh, en
