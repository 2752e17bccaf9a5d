"""The allocation model as a mixed-integer program: its linear form, the PuLP model (HiGHS or CBC) and a direct HiGHS model for the fast path."""

from __future__ import annotations

import math
import time
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import highspy
import numpy as np

from optimizer.problem import ANY_SLOT, Problem
from optimizer.quiet import quiet_stdout

if TYPE_CHECKING:
    import pulp

# Tie-break weights, relative to the total target weight W. The first tie-break term
# (Σ_t w_t E_t/g_t scaled to [0, 1]) and the second (up-front spending scaled to [0, 1]) together move
# the objective by at most (EPS_BEYOND + EPS_SPEND) × W = 1.1e-6 × W, so they can only choose among plans
# whose attainment is within 1.1e-6 × W of the best: 100 times finer than the tightest gap (1e-4) the
# product asks a solver for. See docs/optimizer.md.
EPS_BEYOND = 1e-6
EPS_SPEND = 1e-7
# Rules are not tightened for the solver (a tightened row would cut off plans that sit exactly on a
# budget, e.g. spending nothing under a floor or using nothing of a zero capacity). Instead HiGHS runs
# with tight feasibility tolerances, every plan is re-checked exactly by the evaluator, and a plan that
# breaks a rule by more than FEASIBILITY_TOL (1e-6 万元) is repaired (solve._repair).
HIGHS_TOLERANCES: dict[str, bool | float | str] = {
    "mip_feasibility_tolerance": 1e-9,
    "primal_feasibility_tolerance": 1e-9,
}
# HiGHS's root reduced-cost heuristic (a sub-MIP) can run on far past the time limit: on the demo with
# the award line at 3,600 万元 it never returned, while without it the same MIP proves 0.02% in seconds.
# Every HiGHS MIP run here switches it off (compare ERGO-Code/HiGHS#2226).
HIGHS_MIP_OPTIONS: dict[str, bool | float | str] = {"mip_heuristic_run_root_reduced_cost": False}


@dataclass
class LinearForm:
    """The MILP in arrays: one 0/1 variable per (free candidate, active option); "none" is implicit.

    A locked candidate has no variable: its locked option is a constant. The coupling rows are
    Σ_j coupling[j, r] x_j + constant[r] ≤ rhs (fund lines, resources) or ≥ 0 (floors).
    """

    var_cand: np.ndarray  # (nv,)
    var_slot: np.ndarray  # (nv,)
    coupling: np.ndarray  # (nv, m): fund lines, then resources, then floors
    constant: np.ndarray  # (m,)
    row_kind: list[str]  # "fund" | "resource" | "floor"
    row_ref: list[int]  # index into the fund lines / resources / floors
    target_index: np.ndarray  # (Tw,) targets with weight > 0
    target_coef: np.ndarray  # (nv, Tw): value × Δprobability / goal
    target_const: np.ndarray  # (Tw,): expected / goal without any variable
    objective_x: np.ndarray  # (nv,): tie-break terms on x
    objective_const: float
    transfer_lines: np.ndarray  # fund lines that can give or receive pooled money
    total_weight: float  # W = Σ weights (1 when all are 0), the scale of the tie-breaks
    weight_sum: float  # Σ weights: no plan's attainment exceeds it
    beyond_ref: float  # scale of the first tie-break (its largest possible value)
    spend_ref: float  # scale of the second tie-break (no plan spends more)
    # candidates locked to "any option but none" (`ANY_SLOT`): their variables sum to exactly 1
    required: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    @property
    def nv(self) -> int:
        return len(self.var_cand)


@dataclass
class CouplingRows:
    """The coupling rules of the problem, one row each, as coefficients per (candidate, slot).

    ``coef[i, k, r]`` is what slot k of candidate i puts into row r: fund lines (up-front cost and
    paid-on-success reserve on its line plus the entitlement reserve on the award line, ≤ amount;
    `Problem.fund_coef`, with the actuals' whole or zero reserves), then resources (use ≤ capacity),
    then district floors (cost × (1[district] − min_share) ≥ 0). This is the one place where the rules
    become rows: `linear_form` (the optimizer's MILP) and `optimizer.analysis.model.PlanModel` (the
    analyses' model) both take their rows from here, and `row_limits` gives their bounds.
    """

    coef: np.ndarray  # (n, K, m)
    kind: list[str]  # "fund" | "resource" | "floor"
    ref: list[int]  # index into the fund lines / resources / floors


def coupling_rows(problem: Problem) -> CouplingRows:
    """The coupling rows of a problem (see `CouplingRows`)."""
    p = problem
    parts = [p.fund_coef()]
    kinds = ["fund"] * len(p.fund_lines)
    refs = list(range(len(p.fund_lines)))
    if p.resources:
        parts.append(p.use)
        kinds += ["resource"] * len(p.resources)
        refs += list(range(len(p.resources)))
    if p.floor_districts:
        parts.append(p.floor_coef())
        kinds += ["floor"] * len(p.floor_districts)
        refs += list(range(len(p.floor_districts)))
    return CouplingRows(np.concatenate(parts, axis=2), kinds, refs)


def coupling_parts(rows: CouplingRows) -> tuple[np.ndarray, np.ndarray]:
    """The fund-line and floor coefficients of the rows (`Problem.fund_coef`, `Problem.floor_coef`)."""
    kinds = np.array(rows.kind)
    return rows.coef[:, :, kinds == "fund"], rows.coef[:, :, kinds == "floor"]


def row_limits(
    kind: list[str],
    ref: list[int],
    amount: np.ndarray,
    capacity: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper limit of each coupling row (whole row, constants included): fund lines ≤
    amount, resources ≤ capacity, floors ≥ 0."""
    m = len(kind)
    lower = np.full(m, -np.inf)
    upper = np.full(m, np.inf)
    for r, (k, j) in enumerate(zip(kind, ref, strict=True)):
        if k == "fund":
            upper[r] = amount[j]
        elif k == "resource":
            upper[r] = capacity[j]
        else:
            lower[r] = 0.0
    return lower, upper


@dataclass
class TieBreaks:
    """The two tie-break terms of the objective per (candidate, slot), with their scales.

    The solver maximises Σ_t w_t a_t + Σ_i coef[i, slot_i]: the first term (Σ_t w_t E_t / g_t scaled by
    its largest possible value ``beyond_ref``) prefers more expected beyond the goals, the second
    (up-front spending scaled by ``spend_ref``, which no plan exceeds) less spending. Both are weighted
    by EPS_BEYOND / EPS_SPEND × ``total_weight``. The one definition for the optimizer and the analyses.
    """

    coef: np.ndarray  # (n, K)
    total_weight: float  # W = Σ weights (1 when all are 0)
    beyond_ref: float
    spend_ref: float


def tie_breaks(problem: Problem) -> TieBreaks:
    """The tie-break terms of a problem (see `TieBreaks`)."""
    p = problem
    w_total = float(p.weight.sum()) or 1.0
    best_p = np.where(p.valid, p.prob, 0.0).max(axis=1)
    s_ref = float(((best_p @ p.values) / p.goal) @ p.weight) or 1.0
    a_ref = max(1.0, float(p.amount.sum()), float(np.where(p.valid, p.cost, 0).max(axis=1).sum()))
    # Σ_t w_t v_it p_ik / g_t per slot
    beyond = p.prob * ((p.values / p.goal) @ p.weight)[:, None]
    coef = w_total * (EPS_BEYOND * beyond / s_ref - EPS_SPEND * p.cost / a_ref)
    return TieBreaks(coef=coef, total_weight=w_total, beyond_ref=s_ref, spend_ref=a_ref)


def linear_form(
    problem: Problem, active: np.ndarray | None = None, known_rows: CouplingRows | None = None
) -> LinearForm:
    """Write the problem as a MILP over the active (non-dominated) option slots (``known_rows``:
    the problem's `coupling_rows` when the caller has them already)."""
    p = problem
    active = p.active_slots() if active is None else active
    free = p.lock < 0
    mask = active.copy()
    mask[:, 0] = False
    mask[~free] = False
    var_cand, var_slot = np.nonzero(mask)  # sorted by candidate: groups are contiguous
    base_slot = p.locked_slots()
    rows = np.arange(p.n)

    coupling_rows_ = coupling_rows(p) if known_rows is None else known_rows
    full = coupling_rows_.coef  # (n, K, m)
    at_base = full[rows, base_slot]  # (n, m)
    constant = at_base.sum(axis=0)
    coupling = full[var_cand, var_slot] - at_base[var_cand]

    dprob = p.prob[var_cand, var_slot] - p.prob[var_cand, base_slot[var_cand]]
    base_p = p.prob[rows, base_slot]
    tw = np.nonzero(p.weight > 0)[0]
    target_coef = p.values[var_cand][:, tw] * dprob[:, None] / p.goal[tw]
    target_const = (base_p @ p.values)[tw] / p.goal[tw]

    # The tie-breaks of each variable: its slot's terms less those of the candidate's base slot.
    ties = tie_breaks(p)
    objective_x = ties.coef[var_cand, var_slot] - ties.coef[var_cand, base_slot[var_cand]]
    objective_const = float(ties.coef[rows, base_slot].sum())

    can_pool = p.pooled & (p.pool_share > 0)
    transfer_lines = np.nonzero(can_pool)[0] if can_pool.sum() >= 2 else np.zeros(0, dtype=np.int64)
    return LinearForm(
        var_cand=var_cand,
        var_slot=var_slot,
        coupling=coupling,
        constant=constant,
        row_kind=coupling_rows_.kind,
        row_ref=coupling_rows_.ref,
        target_index=tw,
        target_coef=target_coef,
        target_const=target_const,
        objective_x=objective_x,
        objective_const=objective_const,
        transfer_lines=transfer_lines,
        total_weight=ties.total_weight,
        weight_sum=float(p.weight.sum()),
        beyond_ref=ties.beyond_ref,
        spend_ref=ties.spend_ref,
        required=np.nonzero(p.lock == ANY_SLOT)[0],
    )


def row_bounds(problem: Problem, form: LinearForm) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper bound of each coupling row's variable part, from the current budgets/capacities."""
    lower, upper = row_limits(form.row_kind, form.row_ref, problem.amount, problem.capacity)
    return lower - form.constant, upper - form.constant


def tiebroken_score(form: LinearForm, attainment: float, beyond: float, spending: float) -> float:
    """The solver's objective for a plan: attainment plus the two small tie-break terms."""
    w = form.total_weight
    return attainment + w * (
        EPS_BEYOND * beyond / form.beyond_ref - EPS_SPEND * spending / form.spend_ref
    )


def primary_bound(form: LinearForm, perturbed_bound: float) -> float:
    """A bound on the weighted attainment A from a bound B on the solver's (tie-broken) objective.

    For any plan the solver objective is A + ε₁W·S/S_ref − ε₂W·T/T_ref with S = Σ w E/g ≥ A and
    T/T_ref ≤ 1, so the best plan has A*(1 + ε₁W/S_ref) ≤ B + ε₂W.
    """
    w = form.total_weight
    return min(
        form.weight_sum, (perturbed_bound + EPS_SPEND * w) / (1 + EPS_BEYOND * w / form.beyond_ref)
    )


def tie_slack(form: LinearForm, bound: float) -> float:
    """How far (relative to the bound) the tie-break terms alone can keep a solver-optimal plan's
    attainment below the bound; a plan within mip_gap + this counts as meeting mip_gap."""
    return (EPS_BEYOND + EPS_SPEND) * form.total_weight / max(bound, 1e-12) + 1e-9


def _groups(var_cand: np.ndarray) -> list[np.ndarray]:
    """The variables of each candidate (runs of the sorted ``var_cand``), one array per run."""
    run_start, run_size = _runs(var_cand)
    idx = np.arange(len(var_cand))
    # slices of one array: np.split's per-piece overhead was most of a model build
    return [idx[a : a + k] for a, k in zip(run_start.tolist(), run_size.tolist(), strict=True)]


def _runs(var_cand: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First index and length of each run of equal values in ``var_cand`` (sorted by candidate)."""
    if len(var_cand) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    start = np.concatenate([[0], np.nonzero(np.diff(var_cand))[0] + 1]).astype(np.int64)
    size = np.diff(np.append(start, len(var_cand))).astype(np.int64)
    return start, size


@dataclass
class SolverOutcome:
    """What a solver run produced, in the model's terms."""

    status: str  # "optimal" | "feasible" | "infeasible" | "no_solution"
    slots: np.ndarray | None  # plan (one slot per candidate) or None
    perturbed_bound: float  # bound on the solver objective (incl. constants); nan when unknown
    seconds: float


def slots_from_x(problem: Problem, form: LinearForm, x: np.ndarray) -> np.ndarray:
    """Round a 0/1 solution to a plan: an option is chosen when its variable is (almost) 1."""
    slots = problem.locked_slots().copy()
    on = x > 0.5
    slots[form.var_cand[on]] = form.var_slot[on]
    return slots


class PulpModel:
    """The exact MILP as a PuLP problem, built once from lists; budgets and capacities can change."""

    def __init__(self, problem: Problem, form: LinearForm):
        import pulp  # only here: the fast path and the command line never build a PuLP model

        self.problem = problem
        self.form = form
        started = time.perf_counter()
        prob = pulp.LpProblem("allocation", pulp.LpMaximize)
        x = [
            prob.add_variable(f"x_{i}_{k}", cat=pulp.LpBinary)
            for i, k in zip(form.var_cand.tolist(), form.var_slot.tolist(), strict=True)
        ]
        self.x = x
        self.attain = {
            int(t): prob.add_variable(f"attain_{t}", lowBound=0, upBound=1)
            for t in form.target_index
        }
        self.net = {
            int(f): prob.add_variable(
                f"net_transfer_{f}", lowBound=-problem.pool_share * problem.amount[f]
            )
            for f in form.transfer_lines
        }
        terms = [(v, c) for v, c in zip(x, form.objective_x.tolist(), strict=True) if c != 0]
        terms += [(self.attain[int(t)], float(problem.weight[t])) for t in form.target_index]
        prob.setObjective(pulp.LpAffineExpression(terms))
        required = set(form.required.tolist())
        for j, grp in enumerate(_groups(form.var_cand)):
            expr = pulp.LpAffineExpression([(x[v], 1.0) for v in grp.tolist()])
            if int(form.var_cand[grp[0]]) in required:
                prob.addConstraint(expr == 1, f"one_option_{j}")
            elif len(grp) > 1:
                prob.addConstraint(expr <= 1, f"one_option_{j}")
        lower, upper = row_bounds(problem, form)
        self.rows: list[pulp.LpConstraint] = []
        for r, (kind, ref) in enumerate(zip(form.row_kind, form.row_ref, strict=True)):
            col = form.coupling[:, r]
            nz = np.nonzero(col)[0]
            items = [(x[v], c) for v, c in zip(nz.tolist(), col[nz].tolist(), strict=True)]
            if kind == "fund" and ref in self.net:
                items.append((self.net[ref], -1.0))
            expr = pulp.LpAffineExpression(items)
            if kind == "floor":
                con = pulp.LpConstraint(expr, pulp.LpConstraintGE, f"floor_{ref}", float(lower[r]))
            else:
                con = pulp.LpConstraint(expr, pulp.LpConstraintLE, f"{kind}_{ref}", float(upper[r]))
            prob.addConstraint(con)
            self.rows.append(con)
        for j, t in enumerate(form.target_index.tolist()):
            col = form.target_coef[:, j]
            nz = np.nonzero(col)[0]
            items = [(x[v], -c) for v, c in zip(nz.tolist(), col[nz].tolist(), strict=True)]
            items.append((self.attain[t], 1.0))
            prob.addConstraint(
                pulp.LpAffineExpression(items) <= float(form.target_const[j]), f"attainment_{t}"
            )
        if self.net:
            prob.addConstraint(
                pulp.LpAffineExpression([(v, 1.0) for v in self.net.values()]) == 0,
                "transfers_balance",
            )
        self.prob = prob
        self.build_seconds = time.perf_counter() - started

    def refresh_rhs(self) -> None:
        """Take the problem's current amounts and capacities into the model."""
        lower, upper = row_bounds(self.problem, self.form)
        for r, con in enumerate(self.rows):
            con.changeRHS(float(lower[r] if self.form.row_kind[r] == "floor" else upper[r]))
        for f, v in self.net.items():
            v.lowBound = -self.problem.pool_share * self.problem.amount[f]

    def solve(
        self,
        *,
        solver: str = "highs",
        time_limit: float = 10.0,
        mip_gap: float = 1e-3,
        threads: int = 1,
    ) -> SolverOutcome:
        """Solve the MILP with HiGHS or CBC and read the real status."""
        import pulp

        self.refresh_rhs()
        if solver == "highs":
            cmd = pulp.HiGHS(
                msg=False,
                threads=threads,
                timeLimit=time_limit,
                gapRel=mip_gap,
                gapAbs=1e-10,
                **HIGHS_TOLERANCES,
                **HIGHS_MIP_OPTIONS,
            )
        elif solver == "cbc":
            # Deprecated for PuLP 4, but the CBC bundled with PuLP is the one this machine has.
            cmd = pulp.PULP_CBC_CMD(
                msg=False,
                threads=threads,
                timeLimit=time_limit,
                gapRel=mip_gap,
                _skip_v4_deprecation=True,
            )
        else:
            raise ValueError(f"unknown solver {solver!r} (use 'highs' or 'cbc')")
        started = time.perf_counter()
        with quiet_stdout(), warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            self.prob.solve(cmd)
        seconds = time.perf_counter() - started
        bound = float("nan")
        if solver == "highs" and self.prob.sol_status in (1, 2):
            info = self.prob.solverModel.getInfo()
            # PuLP hands HiGHS the negated objective without its constant.
            bound = -float(info.mip_dual_bound) + self.form.objective_const
        if self.prob.status == pulp.LpStatusInfeasible:
            return SolverOutcome("infeasible", None, bound, seconds)
        if self.prob.sol_status not in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible):
            return SolverOutcome("no_solution", None, bound, seconds)
        x = np.array([v.varValue or 0.0 for v in self.x])
        status = "optimal" if self.prob.sol_status == pulp.LpSolutionOptimal else "feasible"
        if solver == "cbc" and status == "optimal":
            # CBC proved its objective within mip_gap of the best; PuLP does not pass its bound on.
            value = float(pulp.value(self.prob.objective) or 0.0) + self.form.objective_const
            bound = value + mip_gap * abs(value) + 1e-9
        return SolverOutcome(status, slots_from_x(self.problem, self.form, x), bound, seconds)


class HighsModel:
    """The same MILP handed to HiGHS directly from arrays: LP relaxation, core and full MILP, warm starts."""

    def __init__(self, problem: Problem, form: LinearForm):
        self.problem = problem
        self.form = form
        p, f = problem, form
        nv, tw, nt = f.nv, len(f.target_index), len(f.transfer_lines)
        self.ncol = nv + tw + nt
        self.attain_col = nv + np.arange(tw)
        self.net_col = nv + tw + np.arange(nt)
        with quiet_stdout():
            h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        cost = np.concatenate([f.objective_x, p.weight[f.target_index], np.zeros(nt)])
        lower = np.concatenate([np.zeros(nv + tw), -p.pool_share * p.amount[f.transfer_lines]])
        upper = np.concatenate([np.ones(nv + tw), np.full(nt, highspy.kHighsInf)])
        h.addCols(
            self.ncol,
            cost,
            lower,
            upper,
            0,
            np.zeros(0, np.int32),
            np.zeros(0, np.int32),
            np.zeros(0),
        )
        h.changeObjectiveSense(highspy.ObjSense.kMaximize)

        starts, index, value, lo, up = [], [], [], [], []
        nnz = 0

        def add_row(cols: np.ndarray, vals: np.ndarray, lb: float, ub: float) -> None:
            nonlocal nnz
            starts.append(nnz)
            index.append(cols.astype(np.int32))
            value.append(vals.astype(float))
            nnz += len(cols)
            lo.append(lb)
            up.append(ub)

        transfer_of = {int(line): j for j, line in enumerate(f.transfer_lines)}
        rlo, rup = row_bounds(p, f)
        inf = highspy.kHighsInf
        for r, (kind, ref) in enumerate(zip(f.row_kind, f.row_ref, strict=True)):
            nz = np.nonzero(f.coupling[:, r])[0]
            cols, vals = nz, f.coupling[nz, r]
            if kind == "fund" and ref in transfer_of:
                cols = np.append(cols, self.net_col[transfer_of[ref]])
                vals = np.append(vals, -1.0)
            add_row(cols, vals, max(-inf, rlo[r]), min(inf, rup[r]))
        self.n_coupling = len(f.row_kind)
        for j in range(tw):
            nz = np.nonzero(f.target_coef[:, j])[0]
            add_row(
                np.append(nz, self.attain_col[j]),
                np.append(-f.target_coef[nz, j], 1.0),
                -inf,
                float(f.target_const[j]),
            )
        if nt:
            add_row(self.net_col, np.ones(nt), 0.0, 0.0)
        # One option per candidate: rows only for candidates with two or more option variables, and
        # for those that must get one (`ANY_SLOT`: the row is then = 1; empty, and so infeasible,
        # when no option is left). Built from the runs of `var_cand` (sorted by candidate) in whole
        # arrays: a list of thousands of small groups took half of this build on the demo city, and
        # robustness builds a model per sample (docs/analytics.md, "Robustness").
        required = np.zeros(p.n, dtype=bool)
        required[f.required] = True
        run_start, run_size = _runs(f.var_cand)
        run_cand = f.var_cand[run_start]
        kept = (run_size > 1) | required[run_cand]
        with_var = np.zeros(p.n, dtype=bool)
        with_var[f.var_cand] = True
        empty = int((required & ~with_var).sum())
        sizes = np.concatenate([run_size[kept], np.zeros(empty, dtype=np.int64)])
        group_lower = np.concatenate(
            [np.where(required[run_cand[kept]], 1.0, -inf), np.ones(empty)]
        )
        n_groups = len(sizes)
        n_rows = len(starts) + n_groups
        # Row of each variable's one-option constraint (-1 when its candidate has a single variable).
        run_row = np.full(len(run_size), -1, dtype=np.int64)
        run_row[kept] = len(starts) + np.arange(int(kept.sum()))
        self.assign_row = np.repeat(run_row, run_size) if nv else np.full(0, -1, dtype=np.int64)
        if n_groups:
            group_starts = nnz + np.concatenate([[0], np.cumsum(sizes)[:-1]])
            members = np.nonzero(self.assign_row >= 0)[0]  # in candidate order, as the rows
            all_starts = np.concatenate([np.array(starts, dtype=np.int64), group_starts])
            all_index = np.concatenate(index + [members.astype(np.int32)])
            all_value = np.concatenate(value + [np.ones(len(members))])
            all_lo = np.concatenate([lo, group_lower])
            all_up = np.concatenate([up, np.ones(n_groups)])
        else:
            all_starts = np.array(starts, dtype=np.int64)
            all_index = np.concatenate(index) if index else np.zeros(0, np.int32)
            all_value = np.concatenate(value) if value else np.zeros(0)
            all_lo, all_up = np.array(lo, dtype=float), np.array(up, dtype=float)
        h.addRows(
            n_rows,
            np.asarray(all_lo, dtype=float),
            np.asarray(all_up, dtype=float),
            len(all_index),
            all_starts.astype(np.int32),
            all_index.astype(np.int32),
            all_value,
        )
        self.h = h
        # The LP relaxation runs on a copy of the same model that stays continuous, so that after a
        # change of amounts or capacities the simplex starts from the last basis (the analyses solve
        # one model many times; the MIPs on `h` would otherwise clear it). Made on the first LP.
        self.h_lp: highspy.Highs | None = None

    def refresh_rhs(self) -> None:
        """Take the problem's current amounts and capacities into the model."""
        lower, upper = row_bounds(self.problem, self.form)
        inf = highspy.kHighsInf
        rows = np.arange(self.n_coupling, dtype=np.int32)
        lower = np.maximum(-inf, lower)
        upper = np.minimum(inf, upper)
        cols = self.net_col.astype(np.int32)
        col_lower = -self.problem.pool_share * self.problem.amount[self.form.transfer_lines]
        for h in (self.h, self.h_lp):
            if h is None:
                continue
            if len(rows):
                # changeRowsBounds exists in highspy 1.16 but is missing from its type stubs
                h.changeRowsBounds(len(rows), rows, lower, upper)  # type: ignore[attr-defined]
            if len(cols):
                h.changeColsBounds(len(cols), cols, col_lower, np.full(len(cols), inf))

    def _lp_solver(self) -> highspy.Highs:
        """The continuous copy of the model for LP relaxations (see ``h_lp``)."""
        if self.h_lp is None:
            with quiet_stdout():
                h = highspy.Highs()
            h.setOptionValue("output_flag", False)
            lp = self.h.getLp()
            h.passModel(lp)
            if self.ncol:
                h.changeColsIntegrality(
                    self.ncol, np.arange(self.ncol, dtype=np.int32), np.zeros(self.ncol, np.uint8)
                )
            self.h_lp = h
        return self.h_lp

    def _run(
        self,
        *,
        time_limit: float,
        threads: int,
        options: dict[str, bool | float | str],
        h: highspy.Highs | None = None,
    ) -> None:
        h = self.h if h is None else h
        h.setOptionValue("threads", int(threads))
        h.setOptionValue("time_limit", float(max(0.01, time_limit)))
        for key, val in {**HIGHS_TOLERANCES, **HIGHS_MIP_OPTIONS, **options}.items():
            h.setOptionValue(key, val)
        with quiet_stdout():
            h.run()

    def solve_lp(
        self, *, time_limit: float, threads: int = 1, method: str = "auto"
    ) -> tuple[str, np.ndarray, float, np.ndarray]:
        """The LP relaxation: (status, x, bound on the solver objective incl. constants, profit of each x).

        ``method="auto"`` uses interior point (with crossover to a vertex, so that at most a few
        candidates are fractional) on large models, where it is several times faster than dual simplex.
        """
        nv = self.form.nv
        solver = method if method != "auto" else ("ipm" if nv > 20000 else "simplex")
        h = self._lp_solver()
        self._run(
            time_limit=time_limit,
            threads=threads,
            options={"solver": solver, "run_crossover": "on", "presolve": "on"},
            h=h,
        )
        status = h.getModelStatus()
        if status == highspy.HighsModelStatus.kInfeasible:
            return "infeasible", np.zeros(nv), float("nan"), np.zeros(nv)
        if status != highspy.HighsModelStatus.kOptimal:
            return "no_solution", np.zeros(nv), float("nan"), np.zeros(nv)
        solution = h.getSolution()
        x = np.asarray(solution.col_value)[:nv]
        # Profit of each option at the LP's prices: its reduced cost plus the price of its candidate's
        # one-option row (what the option earns beyond the money and resources it takes).
        profit = np.asarray(solution.col_dual)[:nv].copy()
        in_row = self.assign_row >= 0
        profit[in_row] += np.asarray(solution.row_dual)[self.assign_row[in_row]]
        bound = float(h.getInfo().objective_function_value) + self.form.objective_const
        return "optimal", x, bound, profit

    def limit_prices(self) -> tuple[np.ndarray, np.ndarray]:
        """Shadow prices after `solve_lp`: objective gained per unit of each fund line's amount and
        of each resource's capacity (in workbook order).

        The model is posed as a maximisation, so a binding ≤ row's HiGHS dual is already the gain per
        unit of right-hand side. A pooled line's price also counts the larger transfer allowance that
        comes with a larger amount: its net transfer may go down to −pool_share × amount, so the
        column dual of that bound, times −pool_share, adds to it.
        """
        p, f = self.problem, self.form
        solution = self._lp_solver().getSolution()
        row_dual = np.asarray(solution.row_dual)
        col_dual = np.asarray(solution.col_dual)
        fund = np.zeros(len(p.fund_lines))
        resource = np.zeros(len(p.resources))
        for r, (kind, ref) in enumerate(zip(f.row_kind, f.row_ref, strict=True)):
            if kind == "fund":
                fund[ref] = row_dual[r]
            elif kind == "resource":
                resource[ref] = row_dual[r]
        for j, line in enumerate(f.transfer_lines.tolist()):
            fund[line] -= p.pool_share * col_dual[int(self.net_col[j])]
        return fund, resource

    def set_integer(self, var_index: np.ndarray) -> None:
        """Make exactly these x variables integer (all others continuous)."""
        nv = self.form.nv
        kinds = np.zeros(nv, dtype=np.uint8)
        kinds[var_index] = 1  # kInteger
        if nv:
            self.h.changeColsIntegrality(nv, np.arange(nv, dtype=np.int32), kinds)

    def fix(self, var_index: np.ndarray, values: np.ndarray) -> None:
        """Fix x variables at values (others back to [0, 1])."""
        nv = self.form.nv
        lo, up = np.zeros(nv), np.ones(nv)
        lo[var_index] = values
        up[var_index] = values
        if nv:
            self.h.changeColsBounds(nv, np.arange(nv, dtype=np.int32), lo, up)

    def x_of(self, slots: np.ndarray) -> np.ndarray:
        """The 0/1 variable values of a plan."""
        return (slots[self.form.var_cand] == self.form.var_slot).astype(float)

    def solve_mip(
        self,
        start: np.ndarray | None,
        *,
        time_limit: float,
        mip_gap: float,
        threads: int = 1,
        integer: np.ndarray | None = None,
        stop_at: float | None = None,
    ) -> SolverOutcome:
        """Solve with the given x variables integer (default all), warm-started from a plan.

        ``stop_at`` (solver objective, constants included): interrupt the search as soon as a plan at
        least this good is in hand, proven or not (status ``feasible``). The fast path passes the value
        that already meets the gap asked for against the LP bound, which HiGHS itself does not know.
        """
        nv = self.form.nv
        integer = np.arange(nv) if integer is None else integer
        self.set_integer(integer)
        self.h.clearSolver()
        if start is not None and nv:
            x = self.x_of(start)
            full = np.zeros(self.ncol)
            full[:nv] = x
            # Let HiGHS complete the attainment and transfer columns of the start itself.
            idx = np.arange(nv, dtype=np.int32)
            self.h.setSolution(nv, idx, x)
        started = time.perf_counter()
        interrupt = None
        if stop_at is not None and math.isfinite(stop_at):
            target = float(stop_at) - self.form.objective_const

            def interrupt(event: highspy.highs.HighsCallbackEvent) -> None:
                # The incumbent (−inf while there is none; objective_function_value is +inf then).
                # Set the flag either way: HiGHS keeps it from one run of this model to the next.
                event.interrupt(bool(event.data_out.mip_primal_bound >= target))

            self.h.cbMipInterrupt.subscribe(interrupt)
        try:
            self._run(
                time_limit=time_limit,
                threads=threads,
                options={"solver": "choose", "mip_rel_gap": float(mip_gap), "mip_abs_gap": 1e-10},
            )
        finally:
            if interrupt is not None:
                self.h.cbMipInterrupt.unsubscribe(interrupt)
        seconds = time.perf_counter() - started
        status = self.h.getModelStatus()
        info = self.h.getInfo()
        bound = float(info.mip_dual_bound) + self.form.objective_const
        if status == highspy.HighsModelStatus.kInfeasible:
            return SolverOutcome("infeasible", None, bound, seconds)
        if info.primal_solution_status != 2:  # kSolutionStatusFeasible
            return SolverOutcome("no_solution", None, bound, seconds)
        x = np.asarray(self.h.getSolution().col_value)[:nv]
        done = status == highspy.HighsModelStatus.kOptimal
        return SolverOutcome(
            "optimal" if done else "feasible",
            slots_from_x(self.problem, self.form, x),
            bound,
            seconds,
        )
