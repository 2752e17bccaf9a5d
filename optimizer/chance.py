"""The chance-aware plan (docs/workbook.md, ``objective`` = ``chance``): maximise Σ_t w_t P(meet goal_t).

Method (docs/probabilities.md): start from the expected-attainment plan; then a sequence of MILPs over
the same rules (`optimizer.model.HighsModel`) whose objective is the chance objective linearised at the
current plan — for candidate i and option k, Σ_t w_t ∫ (p_ik(z) − p_i(z)) P(goal_t − v_it ≤ S_t < goal_t | z)
φ(z) dz, exact for a single change given the year factor z — inside a trust region (at most K changed
decisions, halved whenever the exact odds do not improve); finally, on small problems, single and
paired changes checked by the exact odds. The bound: P(S ≥ g) ≤ E[S]/g (Markov) and ≤ the odds with
every candidate at its best option, each maximised on its own over the rules.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import highspy
import numpy as np
import pandas as pd

from data.schema import Workbook
from optimizer.evaluate import evaluate_slots, is_feasible
from optimizer.model import HighsModel, linear_form
from optimizer.odds import (
    YEAR_TOLERANCE,
    YearIntegral,
    _as_integers,
    conditional_probs,
    distribution_rows,
    integrate_year,
    normal_cdf,
    prob_at_least,
    tail_given_year,
)
from optimizer.problem import Problem, compile_problem

if TYPE_CHECKING:
    from optimizer.solve import AllocationResult

# Small weight of the (uncapped) expected attainment in each MILP: among plans of equal chance, one
# that expects more (money left over still helps the goals given up).
_EXPECTED_TIE = 1e-4
# A variable whose linearised gain is below this share of the largest is fixed at 0 in that MILP.
_IDLE_SHARE = 1e-3
# Exact polishing (every single change, then pairs) only below these sizes: each check is a full
# evaluation of the odds.
_POLISH_SINGLE = 400
_POLISH_PAIRS = 12
# The year integral behind the linearised gains need not be fine (the exact odds judge every step).
_GAIN_TOLERANCE = 1e-3
# A target with at most this many contributing candidates and whole-number values is evaluated by
# meet in the middle (every subset of each half, 2 × 2^(m/2) sums) instead of the dynamic programme
# over goal units: an amount target of 20 projects with a goal of 577,300 (万元) costs the latter
# 20 × 577,300 operations per year node, hundreds of nodes per integral (docs/probabilities.md).
_FEW = 20
# Above this many (candidates × goal units) the linearised gains use the normal approximation given
# the year factor (the work is per year node, hundreds of nodes): they only steer the MILP, the
# exact odds judge its plans.
_GAIN_EXACT_WORK = 5_000_000
# Share of the budget kept for the bound after the MILP steps, and the longest single MILP step.
_BOUND_SHARE = 0.15
_MILP_SECONDS = 1.5


@dataclass
class ChancePlan:
    """The chance-aware plan and what it gives up against the expected-attainment plan."""

    status: str  # "optimal" (within the gap of the bound), "feasible", or "infeasible"
    slots: np.ndarray | None
    objective: float  # Σ_t w_t P(meet_t), under ρ
    p_meet: np.ndarray  # (T,)
    bound: float  # no plan's weighted chance exceeds this
    expected_slots: np.ndarray | None  # the expected-attainment plan it started from
    expected_objective: float  # the weighted chance of that plan
    iterations: int
    seconds: float
    message: str = ""

    @property
    def gap(self) -> float:
        """(bound − objective) / bound; NaN when there is no bound (or no plan)."""
        if not math.isfinite(self.bound):
            return float("nan")
        if not math.isfinite(self.objective) or self.bound <= 0:
            return float("nan") if not math.isfinite(self.objective) else 0.0
        return max(0.0, (self.bound - self.objective) / self.bound)


def _few_steps(values: np.ndarray, goal: float) -> tuple[np.ndarray, int] | None:
    """(steps, cap) in goal units when meet in the middle applies and is cheaper, else None."""
    m = len(values)
    if m == 0 or m > _FEW:
        return None
    ints = _as_integers(values)
    if ints is None:
        return None
    unit = math.gcd(*ints.tolist()) if m > 1 else int(ints[0])
    cap = math.ceil(goal / unit - 1e-9)
    if cap <= 0 or m * cap <= 4 * 2 ** ((m + 1) // 2):
        return None
    return ints // unit, cap


def _subsets(steps: np.ndarray, probs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every subset's total (2^m,) and probability in each row (rows, 2^m)."""
    sums = np.zeros(1, dtype=np.int64)
    weights = np.ones((probs.shape[0], 1))
    for v, p in zip(steps.tolist(), probs.T, strict=True):
        sums = np.concatenate([sums, sums + v])
        weights = np.concatenate([weights * (1.0 - p)[:, None], weights * p[:, None]], axis=1)
    return sums, weights


def _tails_few(steps: np.ndarray, probs: np.ndarray, caps: np.ndarray) -> np.ndarray:
    """(rows, len(caps)): P(S ≥ cap) for S = Σ steps × success, independent within a row, exactly,
    by meet in the middle: S = A + B over two halves, P(S ≥ c) = Σ_a P(A = a) P(B ≥ c − a)."""
    half = len(steps) // 2
    sums_a, prob_a = _subsets(steps[:half], probs[:, :half])
    sums_b, prob_b = _subsets(steps[half:], probs[:, half:])
    order = np.argsort(sums_b, kind="stable")
    sums_b, prob_b = sums_b[order], prob_b[:, order]
    # tail_b[:, j] = P(B ≥ sums_b[j]); one column of zeros past the largest total.
    tail_b = np.concatenate(
        [np.cumsum(prob_b[:, ::-1], axis=1)[:, ::-1], np.zeros((len(probs), 1))], axis=1
    )
    out = np.empty((len(probs), len(caps)))
    for c, cap in enumerate(np.asarray(caps).tolist()):
        idx = np.searchsorted(sums_b, cap - sums_a, side="left")
        out[:, c] = (prob_a * tail_b[:, idx]).sum(axis=1)
    return np.clip(out, 0.0, 1.0)


def target_chance(
    values: np.ndarray,
    probs: np.ndarray,
    goal: float,
    rho: float,
    tolerance: float = YEAR_TOLERANCE,
) -> tuple[float, YearIntegral | None]:
    """P(Σ value × success ≥ goal) under the correlation ρ: `optimizer.odds.prob_at_least` (the same
    adaptive year integral and the same exact tail), with targets of few candidates and a large
    goal in units evaluated by meet in the middle (exact as well, and far faster)."""
    if rho <= 0:
        return prob_at_least(values, probs, goal)[0], None
    values = np.asarray(values, dtype=float)
    probs = np.clip(np.asarray(probs, dtype=float), 0.0, 1.0)
    keep = (values > 0) & (probs > 0)
    values, probs = values[keep], probs[keep]
    few = _few_steps(values, goal) if goal > 0 else None

    def given(z: np.ndarray) -> np.ndarray:
        cond = conditional_probs(probs, z, rho)
        if few is not None:
            return _tails_few(few[0], cond, np.array([few[1]]))[:, 0]
        return tail_given_year(values, cond, goal)[0]

    integral = integrate_year(given, tolerance)
    return integral.value, integral


class _Odds:
    """P(meet) per target of plans, remembered per target by the probabilities of its candidates:
    a MILP step that moves candidates of a few targets costs only those targets' integrals."""

    def __init__(self, problem: Problem, rho: float):
        self.problem, self.rho = problem, rho
        self.members = [
            np.nonzero(problem.values[:, t] > 0)[0] for t in range(len(problem.targets))
        ]
        self.memo: list[dict[bytes, float]] = [{} for _ in problem.targets]

    def per_target(self, slots: np.ndarray, weighted_only: bool = False) -> np.ndarray:
        p = self.problem
        probs = p.prob[np.arange(p.n), slots]
        out = np.zeros(len(p.targets))
        for t, idx in enumerate(self.members):
            if weighted_only and p.weight[t] <= 0:
                continue
            key = probs[idx].tobytes()
            value = self.memo[t].get(key)
            if value is None:
                value = target_chance(p.values[:, t], probs, float(p.goal[t]), self.rho)[0]
                self.memo[t][key] = value
            out[t] = value
        return out

    def objective(self, slots: np.ndarray) -> float:
        return float(self.problem.weight @ self.per_target(slots, weighted_only=True))


def target_odds(problem: Problem, slots: np.ndarray, rho: float) -> np.ndarray:
    """P(successes ≥ goal) per target for a plan, under the correlation ρ."""
    return _Odds(problem, rho).per_target(slots)


def chance_objective(problem: Problem, slots: np.ndarray, rho: float) -> float:
    """Σ_t w_t P(meet_t) of a plan (targets of weight 0 are not computed)."""
    return _Odds(problem, rho).objective(slots)


def chance_gains(problem: Problem, slots: np.ndarray, rho: float) -> np.ndarray:
    """(n, K): the linearised change of Σ_t w_t P(meet_t) when candidate i moves to slot k alone."""
    n, k = problem.prob.shape
    rows = np.arange(n)
    current = problem.prob[rows, slots]
    gains = np.zeros((n, k))
    for t in np.nonzero(problem.weight > 0)[0]:
        values, goal = problem.values[:, t], float(problem.goal[t])
        idx = np.nonzero(values > 0)[0]
        if len(idx) == 0 or goal <= 0:
            continue
        v, now = values[idx], current[idx]
        z, w, window = _year_windows(v, now, goal, rho)
        cond_now = conditional_probs(now, z, rho)  # (N, m)
        cond_all = conditional_probs(problem.prob[idx].ravel(), z, rho).reshape(len(z), len(idx), k)
        delta = cond_all - cond_now[:, :, None]
        gains[idx] += float(problem.weight[t]) * np.einsum("nik,ni,n->ik", delta, window, w)
    return gains


def _year_windows(
    values: np.ndarray, probs: np.ndarray, goal: float, rho: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The year nodes, their weights and each node's windows (see `_tail_and_window`); one node
    (z = 0, weight 1) when ρ = 0."""
    if rho <= 0:
        return np.zeros(1), np.ones(1), _tail_and_window(values, probs[None, :], goal)[1]
    # The nodes are chosen on P(meet | z); each node's windows come from the same distribution,
    # computed once (the dynamic programme is most of the cost).
    windows: dict[float, np.ndarray] = {}

    def given(z: np.ndarray) -> np.ndarray:
        tail, window = _tail_and_window(values, conditional_probs(probs, z, rho), goal)
        windows.update(zip(z.tolist(), window, strict=True))
        return tail

    integral = integrate_year(given, _GAIN_TOLERANCE)
    # Nodes of flat pieces take the value at the piece's ends and were never evaluated.
    missing = np.array([x for x in integral.z.tolist() if x not in windows])
    if len(missing):
        given(missing)
    return integral.z, integral.weights, np.stack([windows[x] for x in integral.z.tolist()])


def _tail_and_window(
    values: np.ndarray, cond: np.ndarray, goal: float
) -> tuple[np.ndarray, np.ndarray]:
    """For each node (rows): P(S ≥ goal | z), and per candidate (columns) the window
    P(goal − v_i ≤ S < goal | z) in which its success decides the goal; S the total of all."""
    nodes = len(cond)
    few = _few_steps(values, goal)
    if few is not None:
        steps, cap = few
        lo = np.maximum(0, cap - steps)
        caps = np.unique(np.append(lo, cap))
        tails = _tails_few(steps, cond, caps)  # P(S ≥ c) for each c in caps
        at = np.searchsorted(caps, lo)
        last = tails[:, [len(caps) - 1]]
        return last[:, 0], np.asarray(tails[:, at] - last)
    ints = _as_integers(values)
    if ints is not None:
        unit = math.gcd(*ints.tolist()) if len(ints) > 1 else int(ints[0])
        cap = math.ceil(goal / unit - 1e-9)
        steps = ints // unit
        if cap <= 0:
            return np.ones(nodes), np.zeros_like(cond)
        if len(steps) * cap <= _GAIN_EXACT_WORK:
            # Candidates certain to fail in every year add nothing to the distribution.
            live = np.any(cond > 0, axis=0)
            dist = distribution_rows(steps[live], cond[:, live], cap)
            below = np.concatenate([np.zeros((nodes, 1)), np.cumsum(dist[:, :cap], axis=1)], 1)
            lo = np.maximum(0, cap - steps)
            return np.clip(dist[:, cap], 0.0, 1.0), below[:, [cap]] - below[:, lo]
    mean = (cond @ values)[:, None]
    sd = np.sqrt(np.maximum((cond * (1 - cond)) @ values**2, 1e-12))[:, None]
    tail = normal_cdf((mean - goal) / sd)
    upper = normal_cdf((mean - goal + values[None, :]) / sd)
    return tail[:, 0], np.asarray(upper - tail)


class _Linearised:
    """The allocation MILP with a replaceable linear objective and a trust-region row."""

    def __init__(self, problem: Problem):
        self.problem = problem
        self.form = linear_form(problem)
        self.hm = HighsModel(problem, self.form)
        self.h = self.hm.h
        nv = self.form.nv
        self.h.changeColsCost(
            len(self.hm.attain_col),
            self.hm.attain_col.astype(np.int32),
            np.zeros(len(self.hm.attain_col)),
        )
        self.trust_row = self.h.getNumRow()
        self.h.addRow(
            -highspy.kHighsInf, highspy.kHighsInf, nv, np.arange(nv, dtype=np.int32), np.ones(nv)
        )
        # The expected attainment per variable, uncapped: Σ_t w_t value × Δp / goal.
        tw = self.form.target_index
        self.expected_x = self.form.target_coef @ problem.weight[tw] if len(tw) else np.zeros(nv)

    def solve(
        self, gains: np.ndarray, slots: np.ndarray, radius: int, time_limit: float
    ) -> np.ndarray | None:
        f, p = self.form, self.problem
        nv = f.nv
        if nv == 0:
            return None
        base = p.locked_slots()
        chance = gains[f.var_cand, f.var_slot] - gains[f.var_cand, base[f.var_cand]]
        cost = chance + _EXPECTED_TIE * self.expected_x
        self.h.changeColsCost(nv, np.arange(nv, dtype=np.int32), cost)
        # Options that do (almost) nothing for the odds stay out unless the plan has them now: a
        # far smaller MILP, and the trust region spends its changes where the odds move.
        idle = (chance <= _IDLE_SHARE * max(float(chance.max(initial=0.0)), 1e-15)) & (
            self.hm.x_of(slots) < 0.5
        )
        self.hm.fix(np.nonzero(idle)[0], np.zeros(int(idle.sum())))
        # Trust region: Σ_{x_j now 0} x_j − Σ_{x_j now 1} x_j ≤ radius − (number now 1).
        now = self.hm.x_of(slots)
        coef = np.where(now > 0.5, -1.0, 1.0)
        for j in range(nv):
            self.h.changeCoeff(self.trust_row, j, float(coef[j]))
        self.h.changeRowBounds(self.trust_row, -highspy.kHighsInf, float(radius - now.sum()))
        outcome = self.hm.solve_mip(slots, time_limit=time_limit, mip_gap=1e-4)
        return outcome.slots


def best_odds_bound(
    problem: Problem,
    rho: float,
    lp_time: float = 5.0,
    hm: HighsModel | None = None,
    deadline: float | None = None,
) -> float:
    """Σ_t w_t min(P_t with every candidate at its best option, max over the rules of E_t / goal_t).

    Valid for any plan: P(meet) grows with every probability, and P(S ≥ g) ≤ E[S]/g (Markov), with
    E_t maximised over the LP relaxation of the rules for each target on its own. Past ``deadline``
    (``time.perf_counter()``) a target's LP is skipped and E_t is bounded by every candidate at its
    best option, ignoring the rules, and its odds are not computed: weaker, still valid.
    """
    p = problem
    best = np.where(p.valid, p.prob, 0.0).max(axis=1)
    if hm is None:
        hm = HighsModel(p, linear_form(p))
    form = hm.form
    nv, tw = form.nv, form.target_index
    total = 0.0
    for j, t in enumerate(tw.tolist()):
        if p.weight[t] <= 0:
            continue
        expected = float(best @ p.values[:, t]) / float(p.goal[t])
        # Past the deadline only the Markov part, every candidate at its best (no integral).
        late = deadline is not None and time.perf_counter() >= deadline
        top = 1.0 if late else target_chance(p.values[:, t], best, float(p.goal[t]), rho)[0]
        left = lp_time if deadline is None else min(lp_time, deadline - time.perf_counter())
        if nv and left > 0.05 and top > 0:
            h = hm._lp_solver()
            cost = np.zeros(hm.ncol)
            cost[:nv] = form.target_coef[:, j]
            h.changeColsCost(hm.ncol, np.arange(hm.ncol, dtype=np.int32), cost)
            status, _, _, _ = hm.solve_lp(time_limit=left)
            if status == "optimal":
                expected = float(h.getInfo().objective_function_value) + float(form.target_const[j])
        elif not nv:
            expected = float(form.target_const[j])
        total += float(p.weight[t]) * min(top, max(0.0, expected), 1.0)
    return total


def chance_plan(
    problem: Problem,
    rho: float,
    *,
    time_limit: float = 10.0,
    mip_gap: float = 1e-3,
    start: np.ndarray | None = None,
) -> ChancePlan:
    """The plan that makes meeting the goals most likely (see the module docstring).

    The MILP steps come first and get most of the budget (they are what improves the plan); the bound
    is computed with what is left (``_BOUND_SHARE`` of the budget is kept for it): its LPs and odds
    while time lasts, past the deadline only its cheap Markov part (weaker, still valid). ``bound``
    is NaN — "no bound" — only if that fails.
    """
    from optimizer.solve import AllocationModel

    started = time.perf_counter()
    deadline = started + time_limit
    p = problem
    if start is None:
        found = AllocationModel(p).search(time_limit=max(1.0, 0.1 * time_limit))
        if found.slots is None:
            nan = float("nan")
            return ChancePlan(
                "infeasible", None, nan, np.full(len(p.targets), nan), nan, None, nan, 0,
                time.perf_counter() - started, found.message,
            )  # fmt: skip
        start = found.slots
    slots = np.asarray(start, dtype=np.int64).copy()
    expected_slots = slots.copy()
    odds = _Odds(p, rho)
    best = odds.objective(slots)
    expected_value = best
    milp = _Linearised(p)
    # The steps stop with a share of the budget left for the bound (its LPs, then the odds with
    # every candidate at its best option).
    steps_until = deadline - _BOUND_SHARE * time_limit
    radius = max(4, min(p.n, 2 * max(2, p.n // 20)))
    iterations = 0
    # Seconds of the last step's linearisation and of one exact evaluation: a step starts only when
    # its MILP still has time once both are paid, so that the budget holds.
    gains_cost = odds_cost = 0.0
    while radius >= 1:
        clock = time.perf_counter()
        if steps_until - clock < gains_cost + odds_cost + 0.3:
            break
        iterations += 1
        gains = chance_gains(p, slots, rho)
        gains_cost = time.perf_counter() - clock
        left = steps_until - time.perf_counter() - odds_cost
        proposal = milp.solve(gains, slots, radius, time_limit=max(0.1, min(_MILP_SECONDS, left)))
        if proposal is None or np.array_equal(proposal, slots) or not is_feasible(p, proposal):
            radius //= 2
            continue
        rows = np.arange(p.n)
        if float((gains[rows, proposal] - gains[rows, slots]).sum()) <= 1e-9:
            # The MILP stopped on a plan its own (linearised) objective does not prefer.
            radius //= 2
            continue
        clock = time.perf_counter()
        value = odds.objective(proposal)
        odds_cost = time.perf_counter() - clock
        if value > best + 1e-9:
            slots, best = proposal, value
        else:
            radius //= 2
    slots, best = _polish(p, slots, best, odds, steps_until)
    # Always a bound: past the deadline its weakest form (Markov with every candidate at its best
    # option) costs next to nothing. NaN ("no bound") only if even that fails.
    try:
        bound = max(
            best, best_odds_bound(p, rho, lp_time=time_limit, hm=milp.hm, deadline=deadline)
        )
    except (ValueError, FloatingPointError, ZeroDivisionError):
        bound = float("nan")
    plan = ChancePlan(
        status="feasible",
        slots=slots,
        objective=best,
        p_meet=odds.per_target(slots),
        bound=bound,
        expected_slots=expected_slots,
        expected_objective=expected_value,
        iterations=iterations,
        seconds=time.perf_counter() - started,
    )
    if math.isfinite(bound) and plan.gap <= mip_gap:
        plan.status = "optimal"
    how_far = (
        f"no plan can exceed {bound:.4g}"
        if math.isfinite(bound)
        else "no bound was computed within the time limit"
    )
    plan.message = (
        f"The plan gives a weighted chance of {best:.4g} of meeting the goals (the expected-attainment "
        f"plan: {expected_value:.4g}); {how_far}."
    )
    return plan


def _polish(
    p: Problem, slots: np.ndarray, best: float, odds: _Odds, deadline: float
) -> tuple[np.ndarray, float]:
    """Single changes (then pairs, on tiny problems) checked by the exact odds, while they help."""
    if p.n > _POLISH_SINGLE:
        return slots, best
    free = np.nonzero(p.lock < 0)[0]
    moves = [(int(i), int(k)) for i in free for k in np.nonzero(p.valid[i])[0]]
    improved = True
    while improved and time.perf_counter() < deadline:
        improved = False
        for i, k in moves:
            if slots[i] == k:
                continue
            trial = slots.copy()
            trial[i] = k
            if not is_feasible(p, trial):
                continue
            value = odds.objective(trial)
            if value > best + 1e-12:
                slots, best, improved = trial, value, True
        if not improved and p.n <= _POLISH_PAIRS:
            for a in range(len(moves)):
                for b in range(a + 1, len(moves)):
                    (i, k), (j, m) = moves[a], moves[b]
                    if i == j or (slots[i] == k and slots[j] == m):
                        continue
                    trial = slots.copy()
                    trial[i], trial[j] = k, m
                    if not is_feasible(p, trial):
                        continue
                    value = odds.objective(trial)
                    if value > best + 1e-12:
                        slots, best, improved = trial, value, True
    return slots, best


def compare_plans(problem: Problem, plan: ChancePlan, rho: float) -> pd.DataFrame:
    """Per target: goal, expected and chance under the expected-attainment plan and the chance plan."""
    p = problem
    rows = np.arange(p.n)
    out = pd.DataFrame({"target": p.targets, "goal": p.goal, "weight": p.weight})
    for name, slots in (("expected_plan", plan.expected_slots), ("chance_plan", plan.slots)):
        if slots is None:
            out[f"{name}_expected"] = np.nan
            out[f"{name}_p_meet"] = np.nan
            continue
        prob = p.prob[rows, slots]
        out[f"{name}_expected"] = prob @ p.values
        out[f"{name}_p_meet"] = target_odds(p, slots, rho)
    return out


def solve_chance(
    wb: Workbook, *, time_limit: float = 10.0, mip_gap: float = 1e-3, baselines: bool = True
) -> AllocationResult:
    """`optimizer.solve.solve` for ``objective`` = ``chance``: an `AllocationResult` whose objective
    is the weighted chance (under the workbook's correlation) and whose targets' p_meet use ρ."""
    # The odds of thousands of plans: SciPy's Φ pays for its import (optimizer.odds.normal_cdf).
    import scipy.special  # noqa: F401

    from optimizer.baselines import do_nothing_plan, greedy_plan, proportional_plan
    from optimizer.solve import AllocationModel, AllocationResult

    model = AllocationModel(wb)
    p, rho = model.problem, wb.correlation
    started = time.perf_counter()
    plan = chance_plan(p, rho, time_limit=time_limit, mip_gap=mip_gap)
    if plan.slots is None:
        return model._infeasible(plan.message, "highs", "chance")
    ev = evaluate_slots(p, plan.slots)
    ev.targets["p_meet"] = plan.p_meet
    ev.objective = plan.objective
    base = {}
    if baselines:
        for name, make in (
            ("do_nothing", do_nothing_plan),
            ("greedy", greedy_plan),
            ("proportional", proportional_plan),
        ):
            slots = make(p)
            other = evaluate_slots(p, slots)
            other.targets["p_meet"] = target_odds(p, slots, rho)
            other.objective = chance_objective(p, slots, rho)
            base[name] = other
    return AllocationResult(
        status=plan.status,
        message=plan.message,
        objective=plan.objective,
        bound=plan.bound,
        gap=plan.gap,
        build_seconds=0.0,
        solve_seconds=time.perf_counter() - started,
        choices=ev.choices,
        allocation=ev.allocation,
        targets=ev.targets,
        fund_lines=ev.fund_lines,
        resources=ev.resources,
        transfers=ev.transfers,
        baselines=base,
        method="chance",
        solver="highs",
        evaluation=ev,
    )


def with_year_odds(
    result: AllocationResult, problem: Problem, rho: float, *, baselines: bool = True
) -> AllocationResult:
    """The result with its targets' p_meet under correlation ρ (docs/workbook.md: P(meet) is
    reported under the one-factor model), and with ``baselines`` the baselines' likewise, so that
    a change against them compares like with like. The independent odds stay beside them as ``p_meet_independent``
    (the dashboard shows them on hover: what the chance would be if outcomes did not move together).
    """
    if rho <= 0 or not result.choices or len(result.targets) == 0:
        return result
    slots = problem.slots_from_choices(result.choices)
    result.targets["p_meet_independent"] = result.targets["p_meet"].to_numpy(dtype=float)
    result.targets["p_meet"] = target_odds(problem, slots, rho)
    for evaluation in result.baselines.values() if baselines else ():
        frame = evaluation.targets
        if "p_meet" not in frame or len(frame) != len(result.targets):
            continue
        frame["p_meet_independent"] = frame["p_meet"].to_numpy(dtype=float)
        frame["p_meet"] = target_odds(problem, problem.slots_from_choices(evaluation.choices), rho)
    return result


def year_odds_of(wb: Workbook, choices: dict[str, str], rho: float) -> np.ndarray:
    """P(meet) per target of a plan given as choices, under correlation ρ."""
    problem = compile_problem(wb)
    return target_odds(problem, problem.slots_from_choices(choices), rho)
