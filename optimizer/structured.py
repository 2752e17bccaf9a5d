"""The structured method for large workbooks: Lagrangian prices on the coupling rows, then a core MIP.

docs/optimizer.md ("The structured method"). The allocation MILP is a multiple-choice knapsack with a
dozen coupling rows (fund lines, resources, district floors) and one attainment row per target
(docs/workbook.md, "The allocation problem it defines"). For fixed prices of those rows every candidate
picks its best option on its own, which is one vectorised pass over all option variables. The dual
function

    L(u, π) = max over plans of [objective + Σ_r u_r (limit_r − row_r) + Σ_t π_t (E_t/g_t − a_t)]

is an upper bound on the best plan for *any* prices u ≥ 0, 0 ≤ π ≤ w (the LP bound at its minimum, the
subproblem having integral vertices). It is minimised by a box-stabilised cutting-plane method (the
dual view of a Dantzig–Wolfe master over the coupling rows; the master is a small LP solved by HiGHS).
At the best prices found, candidates whose best option clearly beats their second best keep it; the
borderline ones form a core, solved exactly by the existing core MIP (`AllocationModel._solve_core`).
The bound handed back is the smallest L found, so the gap is proven.
"""

from __future__ import annotations

import copy
import functools
import math
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import highspy
import numpy as np

from optimizer.evaluate import is_feasible, plan_scores, rule_excess
from optimizer.guard import call_with_deadline
from optimizer.model import (
    EPS_BEYOND,
    HighsModel,
    LinearForm,
    linear_form,
    primary_bound,
    row_bounds,
    tie_slack,
)
from optimizer.problem import FEASIBILITY_TOL, FREE, Problem
from optimizer.quiet import quiet_stdout

if TYPE_CHECKING:  # solve.py imports this module: no import cycle at run time
    from optimizer.solve import AllocationModel

# Cutting-plane iterations at most per call, and the box (trust region) around the best prices, in
# units of the total target weight (prices are per scaled row, see `Lagrangian`).
MAX_ITERATIONS = 400
BOX_START = 0.5
BOX_WARM = 1e-3
BOX_MIN = 1e-7
# The dual search stops when its model promises less than this (relative) further decrease, or a
# twentieth of the gap asked for: below that the core MIP's plan, not the bound, decides the gap.
DUAL_TOLERANCE_MIN = 1e-6
# Share of the time limit the dual search may use at most (the core MIP has the rest).
DUAL_SHARE = 0.5
# Smallest core MIP, and how many candidates per coupling row it holds at least.
CORE_MIN = 1500
CORE_PER_ROW = 150


@dataclass
class DualPoint:
    """The dual function at one price vector: its value, a subgradient and the plan behind it."""

    prices: np.ndarray  # (m + Tw,): scaled row prices, then target prices
    value: float  # L(prices): a bound on the solver objective, constants included
    gradient: np.ndarray  # (m + Tw,)
    # (groups,) int8: the plan behind it, per candidate group the position of the option variable it
    # takes within the group, plus one (0 = "none"); one byte a candidate, so every cut's plan is kept
    choice: np.ndarray


class Lagrangian:
    """The dual function of a `LinearForm` with its coupling and attainment rows priced.

    Rows are written as ≤ rows (a floor, Σ ≥ lower, becomes −Σ ≤ −lower) and divided by a scale, so that
    every price is in units of objective per "row's size" and one box fits all of them.
    """

    def __init__(self, problem: Problem, form: LinearForm):
        self.problem, self.form = problem, form
        f = form
        lower, upper = row_bounds(problem, f)
        m = len(f.row_kind)
        sign = np.where(np.isfinite(upper), 1.0, -1.0)
        limit = np.where(sign > 0, upper, -lower)
        size = np.abs(f.coupling).sum(axis=0) if f.nv else np.zeros(m)
        self.scale = np.maximum(np.maximum(np.abs(limit), 0.05 * size), 1e-9)
        self.limit = limit / self.scale
        self.m = m
        self.tw = len(f.target_index)
        self.weight = problem.weight[f.target_index].astype(float)
        # d_j = objective_x_j + A_j · prices: the profit of option variable j at those prices
        # stored transposed, (m + Tw, nv): both passes below then run along contiguous rows
        self.At = np.ascontiguousarray(
            np.concatenate([-(f.coupling * (sign / self.scale)), f.target_coef], axis=1).T
        )
        self.sign = sign
        # contiguous groups of option variables per candidate (var_cand is sorted)
        n_var = f.nv
        self.starts = (
            np.concatenate([[0], np.nonzero(np.diff(f.var_cand))[0] + 1])
            if n_var
            else np.zeros(0, dtype=np.int64)
        )
        self.group_of = (
            np.repeat(np.arange(len(self.starts)), np.diff(np.append(self.starts, n_var)))
            if n_var
            else np.zeros(0, dtype=np.int64)
        )
        # (widest group, groups) index of each group's variables, padded with nv (a −∞ profit)
        width = int(np.diff(np.append(self.starts, n_var)).max(initial=1))
        self.dense = np.full((width, len(self.starts)), n_var, dtype=np.int64)
        if n_var:
            self.dense[np.arange(n_var) - self.starts[self.group_of], self.group_of] = np.arange(
                n_var
            )
        self._padded = np.full(n_var + 1, -np.inf)  # profits, then the padding's −∞
        required = np.zeros(problem.n, dtype=bool)
        required[f.required] = True
        self.group_required = required[f.var_cand[self.starts]] if n_var else np.zeros(0, bool)
        # pooled transfers: net_f ≥ −pool_share × amount_f, Σ net = 0, on the fund rows of those lines
        self.transfer_rows = np.array(
            [
                r
                for r, (kind, ref) in enumerate(zip(f.row_kind, f.row_ref, strict=True))
                if kind == "fund" and ref in set(f.transfer_lines.tolist())
            ],
            dtype=np.int64,
        )
        line_of_row = np.array(f.row_ref, dtype=np.int64)
        self.transfer_floor = (
            -problem.pool_share * problem.amount[line_of_row[self.transfer_rows]]
            if len(self.transfer_rows)
            else np.zeros(0)
        )

    @property
    def dim(self) -> int:
        return self.m + self.tw

    def profits(self, prices: np.ndarray) -> np.ndarray:
        """(nv,) profit of each option variable at the prices ("none" earns 0)."""
        return self.form.objective_x + prices @ self.At

    def best_options(self, profit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per candidate group: the chosen variable (or -1 for "none") and its margin over the runner-up."""
        n_groups = len(self.starts)
        if n_groups == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        # (width, groups): one pass per slot position beats numpy's reductions along a short axis
        table = np.append(profit, -np.inf)[self.dense]
        top = table[0].copy()
        first = self.dense[0].copy()
        second = np.full(n_groups, -np.inf)
        for k in range(1, len(table)):
            better = table[k] > top  # strictly: ties keep the first
            second = np.where(better, top, np.maximum(second, table[k]))
            top = np.where(better, table[k], top)
            first = np.where(better, self.dense[k], first)
        # "none" competes with value 0 unless the candidate must get an option
        none_value = np.where(self.group_required, -np.inf, 0.0)
        takes = top > none_value
        runner_up = np.where(takes, np.maximum(second, none_value), top)
        best = np.where(takes, top, none_value)
        chosen = np.where(takes, first, -1)
        margin = best - runner_up
        return chosen, margin

    def choice_of(self, chosen_var: np.ndarray) -> np.ndarray:
        """Per group, the position (plus one, 0 = none) of the chosen variable (-1 = none)."""
        out = np.where(chosen_var >= 0, chosen_var - self.starts + 1, 0)
        return out.astype(np.int8 if len(self.dense) < 127 else np.int16)

    def slots_of(self, choice: np.ndarray) -> np.ndarray:
        """The plan (a slot per candidate) that takes, per group, the option at ``choice``."""
        f = self.form
        slots = self.problem.locked_slots().copy()
        taken = np.nonzero(choice > 0)[0]
        var = self.starts[taken] + choice[taken].astype(np.int64) - 1
        slots[f.var_cand[var]] = f.var_slot[var]
        return slots

    def best_choice(self, profit: np.ndarray) -> np.ndarray:
        """`best_options`'s chosen variables alone, with fewer temporary arrays (the dual search
        calls it once per pass over a million candidates and does not need the margins)."""
        n_groups = len(self.starts)
        if n_groups == 0:
            return np.zeros(0, dtype=np.int64)
        padded = self._padded
        padded[:-1] = profit
        top = padded[self.dense[0]]
        first = self.dense[0].copy()
        for k in range(1, len(self.dense)):
            value = padded[self.dense[k]]
            better = value > top  # strictly: ties keep the first
            np.copyto(first, self.dense[k], where=better)
            np.maximum(top, value, out=top)
        if self.group_required.any():
            takes = (top > 0.0) | self.group_required
        else:
            takes = top > 0.0
        return np.where(takes, first, -1)

    def evaluate(self, prices: np.ndarray) -> DualPoint:
        """L(prices) with a subgradient."""
        f = self.form
        u, pi = prices[: self.m], prices[self.m :]
        profit = self.profits(prices)
        chosen_var = self.best_choice(profit)
        picked = chosen_var[chosen_var >= 0]
        value = f.objective_const + float(u @ self.limit) + float(pi @ f.target_const)
        value += float(np.maximum(0.0, self.weight - pi).sum())
        value += float(profit[picked].sum())
        taken = np.zeros(f.nv)
        taken[picked] = 1.0
        # Σ over the plan of −(scaled rows), then of the target coefficients: one pass over A
        sums = self.At @ taken
        gradient_u = self.limit + sums[: self.m]
        if len(self.transfer_rows):
            # max Σ (u_f / scale_f) net_f subject to net_f ≥ floor_f, Σ net_f = 0: every line at its
            # floor, the money freed going to the line with the highest price
            rate = u[self.transfer_rows] / self.scale[self.transfer_rows]
            top = int(np.argmax(rate))
            net = self.transfer_floor.copy()
            net[top] -= self.transfer_floor.sum()
            value += float(rate @ net)
            gradient_u = gradient_u.copy()
            gradient_u[self.transfer_rows] += net / self.scale[self.transfer_rows]
        attain = (pi < self.weight).astype(float)
        gradient_pi = f.target_const + sums[self.m :] - attain
        return DualPoint(
            prices, value, np.concatenate([gradient_u, gradient_pi]), self.choice_of(chosen_var)
        )


class DualMaster:
    """Kelley's cutting-plane model of L, minimised by HiGHS inside a box around the best prices.

    It is also the Dantzig–Wolfe master over the coupling rows: the multipliers of its cuts at the last
    minimum weight the plans behind them, and that convex combination is (near convergence) an optimal
    solution of the LP relaxation (`recovered`).
    """

    def __init__(self, dual: Lagrangian, threads: int = 1):
        self.dual = dual
        with quiet_stdout():
            h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        # HiGHS's thread pool is made once per process by the first run: a run with another thread
        # count later (the core MIP, an LP) would fail, so the master uses the solve's count.
        h.setOptionValue("threads", int(threads))
        h.setOptionValue("solver", "simplex")
        dim = dual.dim
        upper = np.concatenate([np.full(dual.m, highspy.kHighsInf), dual.weight])
        self.upper = upper
        # columns: prices, then θ (the model's value); minimise θ
        h.addCols(
            dim + 1,
            np.concatenate([np.zeros(dim), [1.0]]),
            np.concatenate([np.zeros(dim), [-highspy.kHighsInf]]),
            np.concatenate([upper, [highspy.kHighsInf]]),
            0,
            np.zeros(0, np.int32),
            np.zeros(0, np.int32),
            np.zeros(0),
        )
        self.h = h
        self.cols = np.arange(dim + 1, dtype=np.int32)
        self.plans: list[np.ndarray] = []  # the plan behind each cut, in row order
        self.weights: np.ndarray | None = None  # the cuts' multipliers at the last minimum

    def add_cut(self, point: DualPoint) -> None:
        """θ ≥ L(p_k) + g_k · (p − p_k)."""
        g = point.gradient
        rhs = point.value - float(g @ point.prices)
        self.h.addRow(rhs, highspy.kHighsInf, len(self.cols), self.cols, np.append(-g, 1.0))
        self.plans.append(point.choice)

    def minimise(self, center: np.ndarray, box: float) -> tuple[np.ndarray, float] | None:
        """The model's minimiser within the box and its value (None when HiGHS fails)."""
        dim = self.dual.dim
        lo = np.maximum(0.0, center - box)
        up = np.minimum(self.upper, center + box)
        self.h.changeColsBounds(dim, self.cols[:dim], lo, up)
        with quiet_stdout():
            self.h.run()
        if self.h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        solution = self.h.getSolution()
        x = np.asarray(solution.col_value)
        # θ's column is 1 in every cut and its cost is 1: the cut multipliers sum to one
        self.weights = np.abs(np.asarray(solution.row_dual, dtype=float))
        return np.clip(x[:dim], lo, up), float(x[dim])

    def recovered(self) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """The cuts' plans weighted by their multipliers: per group the position with the largest
        weight, whether the group is fractional (the weighted plans disagree on it), and that weight."""
        w = self.weights
        # cuts added after the last minimum (a search stopped by its deadline) have no weight yet
        if w is None or len(w) > len(self.plans) or not w.sum() > 0:
            return None
        w = w / w.sum()
        used = np.nonzero(w > 1e-9)[0]  # at most dim + 1 at a vertex of the master
        n_groups = len(self.dual.starts)
        votes = np.zeros((len(self.dual.dense) + 1, n_groups))
        groups = np.arange(n_groups)
        for k in used:
            votes[self.plans[k], groups] += w[k]
        choice = votes.argmax(axis=0).astype(self.plans[0].dtype)
        weight = votes.max(axis=0)
        return choice, weight < 1 - 1e-7, weight


@dataclass
class DualSearch:
    """What `search_dual` found: the best point, the number of passes, and the Dantzig–Wolfe
    recovery of an LP solution (`DualMaster.recovered`), None when the master gave none."""

    best: DualPoint
    iterations: int
    recovered: tuple[np.ndarray, np.ndarray, np.ndarray] | None


def search_dual(
    dual: Lagrangian,
    *,
    tolerance: float,
    deadline: float,
    start: np.ndarray | None = None,
    threads: int = 1,
) -> DualSearch:
    """Box-stabilised cutting planes. Stops when the model predicts less than ``tolerance``
    (relative) further decrease in a box that no longer grows, or at the deadline. ``start``: warm
    prices (a previous solve's), else none on the coupling rows and half the weight on the targets."""
    w_total = max(1e-9, float(dual.weight.sum()))
    warm = start is not None
    if start is None:
        start = np.concatenate([np.zeros(dual.m), 0.5 * dual.weight])
    best = dual.evaluate(start)
    master = DualMaster(dual, threads)
    master.add_cut(best)
    # warm prices are near the minimum: a small first box saves the passes that find it again
    box = (BOX_WARM if warm else BOX_START) * w_total
    iterations = 0
    while iterations < MAX_ITERATIONS and time.perf_counter() < deadline:
        iterations += 1
        step = master.minimise(best.prices, box)
        if step is None:
            break
        trial_prices, predicted = step
        decrease = best.value - predicted
        if decrease <= tolerance * max(1e-9, abs(best.value)):
            if np.max(np.abs(trial_prices - best.prices), initial=0.0) < 0.999 * box:
                break  # the model's minimum lies inside the box: converged
            box *= 4.0
            continue
        trial = dual.evaluate(trial_prices)
        master.add_cut(trial)
        if trial.value <= best.value - 0.1 * decrease:  # serious step
            on_edge = np.max(np.abs(trial_prices - best.prices), initial=0.0) >= 0.999 * box
            best = trial
            if on_edge:
                box *= 2.0
        elif trial.value > best.value - 0.0 * decrease:
            box = max(BOX_MIN * w_total, 0.5 * box)
    return DualSearch(best, iterations, master.recovered())


def minimise_dual(
    dual: Lagrangian,
    *,
    tolerance: float,
    deadline: float,
    start: np.ndarray | None = None,
    threads: int = 1,
) -> tuple[DualPoint, int]:
    """`search_dual`'s best point and number of passes."""
    found = search_dual(dual, tolerance=tolerance, deadline=deadline, start=start, threads=threads)
    return found.best, found.iterations


def solve_structured(
    model: AllocationModel,
    *,
    time_limit: float,
    mip_gap: float,
    threads: int,
    start: np.ndarray | None = None,
) -> tuple[np.ndarray, str, float, str]:
    """The structured method: (slots, status, bound on the attainment, method used).

    Same contract as the fast path of `AllocationModel`: the plan keeps every rule or is repaired by the
    caller; ``status`` is ``optimal`` when it is within ``mip_gap`` of the (proven) bound. ``start``, a
    plan in hand (slots), is the first incumbent; the dual search starts from the prices of the
    model's previous structured solve (`AllocationModel.dual_prices`) when it has them.
    """
    from optimizer.solve import CORE_GAP, _grace

    p, form = model.problem, model.form
    started = time.perf_counter()

    def left() -> float:
        return time_limit - (time.perf_counter() - started)

    dual = Lagrangian(p, form)
    warm = model.dual_prices
    if warm is not None and len(warm) != dual.dim:
        warm = None
    found = search_dual(
        dual,
        tolerance=max(0.05 * mip_gap, DUAL_TOLERANCE_MIN),
        deadline=started + DUAL_SHARE * time_limit,
        start=warm,
        threads=threads,
    )
    point = found.best
    model.dual_prices = point.prices.copy()
    bound = primary_bound(form, point.value)

    def gap_of(s: np.ndarray) -> float:
        a = plan_scores(p, s)[0]
        return (bound - a) / bound if bound > 0 else 0.0

    checked: dict[bytes, bool] = {}

    def keeps_rules(s: np.ndarray) -> bool:
        # the exact check of a plan sitting on a budget costs seconds at scale: once per plan
        key = s.tobytes()
        if key not in checked:
            checked[key] = is_feasible(p, s)
        return checked[key]

    def done(s: np.ndarray) -> bool:
        return keeps_rules(s) and gap_of(s) <= mip_gap + tie_slack(form, bound)

    # The Lagrangian plan at the best prices, and how clearly each candidate prefers its choice.
    chosen_var, margin = dual.best_options(dual.profits(point.prices))
    lagrangian = dual.slots_of(dual.choice_of(chosen_var))
    # The LP solution the master recovers: the candidates it leaves fractional are the core's first,
    # the others keep its choice (its rows hold, where the Lagrangian plan's alone need not).
    if found.recovered is not None:
        choice, fractional, weight = found.recovered
        # the fractional candidates start at "none": the integral part alone keeps the rows the
        # recovered solution keeps, so the core MIP starts from a plan in hand
        # (those that must get an option keep the recovered one)
        at_none = fractional & ~dual.group_required
        fixing = dual.slots_of(np.where(at_none, 0, choice).astype(choice.dtype))
        margin = np.where(fractional, -np.inf, margin)
        # ... then given their recovered option, the surest first, as many as the rules allow
        fixing = fill_until_infeasible(p, fixing, dual, choice, fractional, weight)
    else:
        fixing = lagrangian
    group_cand = form.var_cand[dual.starts] if form.nv else np.zeros(0, dtype=np.int64)
    order = group_cand[np.argsort(margin, kind="stable")]
    n_open = int(np.isneginf(margin).sum())
    enough = bound * (1 - mip_gap) + EPS_BEYOND * form.total_weight
    size = min(len(order), max(CORE_MIN, CORE_PER_ROW * dual.dim, n_open + CORE_MIN))
    used = "structured"
    # The best plan in hand that keeps every rule (None until there is one).
    plan: np.ndarray | None = None
    for s, how in ((start, "structured+start"), (fixing, used), (lagrangian, used)):
        if (
            s is not None
            and keeps_rules(s)
            and (plan is None or model.score(s) > model.score(plan))
        ):
            plan, used = s, how
    if plan is not None and done(plan):
        return plan, "optimal", bound, used
    free = int((p.lock < 0).sum())
    no_answer: tuple[str, np.ndarray | None, float] = ("no_solution", None, float("nan"))
    while True:
        core_limit = max(0.5, left())
        whole = size >= free  # the core MIP is then the full MILP, and its bound holds for all
        core_status, core_slots, core_bound = call_with_deadline(
            functools.partial(
                core_mip,
                model,
                order[:size],
                fixing,
                time_limit=core_limit,
                # a partial core must leave room for the others' share of the gap; the whole
                # problem proves its own bound
                mip_gap=mip_gap if whole else CORE_GAP * mip_gap,
                threads=threads,
                stop_at=enough,
            ),
            core_limit + _grace(core_limit),
            no_answer,
        )
        if whole and core_status == "infeasible":
            return p.locked_slots(), "infeasible", float("nan"), used
        if whole and math.isfinite(core_bound):
            bound = min(bound, core_bound)
        if core_slots is not None and (plan is None or model.score(core_slots) > model.score(plan)):
            plan, used = core_slots, "structured+core"
        if (plan is not None and done(plan)) or left() <= 0.05 or whole:
            break
        if plan is None:
            # The core could not make up for what the others take: start again from the
            # Lagrangian plan less its weakest supports.
            plan = drop_until_feasible(p, fixing)
            fixing = plan
            if not keeps_rules(plan):
                plan = None
                size = min(free, 4 * size)
            continue
        fixing = plan
        size = min(free, 4 * size)
    if plan is None:
        plan = drop_until_feasible(p, fixing)
    status = "optimal" if done(plan) else "feasible"
    if not math.isfinite(bound):
        bound = float("nan")
    return plan, status, bound, used


def core_mip(
    model: AllocationModel,
    core: np.ndarray,
    fixing: np.ndarray,
    *,
    time_limit: float,
    mip_gap: float,
    threads: int,
    stop_at: float,
) -> tuple[str, np.ndarray | None, float]:
    """The MILP over the core candidates, every other free candidate fixed to its slot in ``fixing``:
    (status, the plan when it keeps every rule, the MILP's bound on the attainment).

    The same sub-model as the fast path's cores (`AllocationModel._solve_core`), with the status and
    the bound handed back: when the core holds every free candidate the bound is the whole problem's.
    """
    p = model.problem
    sub = copy.copy(p)
    sub.lock = fixing.copy()
    sub.lock[core] = p.lock[core]
    others = np.ones(p.n, dtype=bool)
    others[core] = False
    active = model.form_active().copy()
    active[others] = False
    active[np.nonzero(others)[0], fixing[others]] = True
    form = linear_form(sub, active)
    out = HighsModel(sub, form).solve_mip(
        fixing,
        time_limit=max(0.05, time_limit),
        mip_gap=mip_gap,
        threads=threads,
        stop_at=stop_at,
    )
    bound = (
        primary_bound(form, out.perturbed_bound)
        if out.status in ("optimal", "feasible") and math.isfinite(out.perturbed_bound)
        else float("nan")
    )
    plan = out.slots if out.slots is not None and is_feasible(p, out.slots) else None
    return out.status, plan, bound


def fill_until_infeasible(
    problem: Problem,
    slots: np.ndarray,
    dual: Lagrangian,
    choice: np.ndarray,
    fractional: np.ndarray,
    weight_of: np.ndarray | None,
) -> np.ndarray:
    """Give the fractional groups their recovered option, the largest recovered weight first, as
    many as keep every rule (the number found by bisection on the float rule excess, then checked
    exactly); ``slots`` unchanged when it breaks a rule itself or no group fits."""
    p = problem
    groups = np.nonzero(fractional & (choice > 0))[0]
    if len(groups) == 0 or not is_feasible(p, slots):
        return slots
    strength = weight_of[groups] if weight_of is not None else np.zeros(len(groups))
    groups = groups[np.argsort(-strength, kind="stable")]
    var = dual.starts[groups] + choice[groups].astype(np.int64) - 1
    cand, slot = dual.form.var_cand[var], dual.form.var_slot[var]

    def given(k: int) -> np.ndarray:
        out = slots.copy()
        out[cand[:k]] = slot[:k]
        return out

    def fits(k: int) -> bool:
        return bool(np.all(rule_excess(p, given(k)) <= -FEASIBILITY_TOL))

    low, high = 0, len(groups)  # giving `low` keeps the rules (with room), giving `high` may not
    if fits(high):
        low = high
    while high - low > 1:
        mid = (low + high) // 2
        if fits(mid):
            low = mid
        else:
            high = mid
    out = given(low)
    return out if is_feasible(p, out) else slots


def drop_until_feasible(problem: Problem, slots: np.ndarray) -> np.ndarray:
    """Drop the least useful supports (least attainment per 万元 first) until the plan keeps every rule.

    The order of `optimizer.solve._repair`, with the number of drops found by bisection (a few dozen
    rule checks instead of one per dropped candidate); the locked plan when no number of drops works.
    """
    if is_feasible(problem, slots):
        return slots
    p = problem
    rows = np.arange(p.n)
    gain = (p.prob[rows, slots] - p.base_prob) * (p.values @ (p.weight / p.goal))
    money = p.cost[rows, slots] + 1e-9
    droppable = np.nonzero((slots > 0) & (p.lock == FREE))[0]
    order = droppable[np.argsort(gain[droppable] / money[droppable], kind="stable")]

    def dropped(k: int) -> np.ndarray:
        out = slots.copy()
        out[order[:k]] = 0
        return out

    if not is_feasible(p, dropped(len(order))):
        return p.locked_slots()
    low, high = 0, len(order)  # dropping `low` breaks a rule, dropping `high` keeps them all
    while high - low > 1:
        mid = (low + high) // 2
        if is_feasible(p, dropped(mid)):
            high = mid
        else:
            low = mid
    return dropped(high)
