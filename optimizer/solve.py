"""Solving a workbook's allocation problem: the result object, the re-solvable model and `solve`."""

from __future__ import annotations

import copy
import functools
import math
import time
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np

from data.schema import Workbook
from optimizer.baselines import (
    do_nothing_plan,
    greedy_fill,
    greedy_plan,
    proportional_plan,
    round_up_with_swaps,
)
from optimizer.evaluate import PlanEvaluation, evaluate_slots, is_feasible, plan_scores
from optimizer.explain import FALLBACK, infeasibility_reasons
from optimizer.guard import call_with_deadline
from optimizer.model import (
    EPS_BEYOND,
    EPS_SPEND,
    CouplingRows,
    HighsModel,
    LinearForm,
    PulpModel,
    SolverOutcome,
    coupling_parts,
    coupling_rows,
    linear_form,
    primary_bound,
    tie_slack,
    tiebroken_score,
)
from optimizer.problem import ANY_SLOT, FREE, STRUCTURED_MIN_VARS, Problem, compile_problem

if TYPE_CHECKING:
    import pandas as pd

METHODS = ("auto", "milp", "lp_round", "structured")
# Extra wall-clock seconds a guarded HiGHS call gets beyond its own time limit before it is killed:
# half its limit plus half a second, at most two seconds (a one-second live solve must not wait two).
_DEADLINE_GRACE = 2.0


def _grace(limit: float) -> float:
    return min(_DEADLINE_GRACE, 0.5 + 0.5 * max(0.0, limit))


SOLVERS = ("highs", "cbc")
# The fast path's MIPs stop once a plan is within CORE_AIM × mip_gap of the LP bound. 1.0 = as soon as
# the promise is kept (a stricter aim, 0.5, made the hardest demo slider moves 40% slower).
CORE_AIM = 1.0
# Each core MIP's own relative gap, as a share of the gap asked for.
CORE_GAP = 0.1


def core_sizes(open_count: int, free: int) -> list[int]:
    """How many candidates each successive core MIP may change: the ones the LP leaves open, then
    growing neighbourhoods of borderline ones (ordered by how little separates their best two options).

    Growing cores are a large-neighbourhood search: on the demo city a core of about 1,000 of 2,598
    candidates finds a plan within 0.05% of the LP bound in well under a second where the full MIP
    needs two (docs/optimizer.md).
    """
    sizes: list[int] = []
    for size in (
        open_count,
        open_count + 200,
        4 * open_count + 500,
        max(1000, min(3000, 0.03 * free)),
    ):
        size = int(min(free, max(size, 0)))
        if size > (sizes[-1] if sizes else 0):
            sizes.append(size)
    return sizes


@dataclass
class AllocationResult:
    """The best plan found and how good it is.

    Attributes
    ----------
    status : str
        ``optimal`` (proven within the relative gap asked for), ``feasible`` (a plan, but a time limit
        stopped the search before proving the gap) or ``infeasible`` (no plan keeps every rule).
    message : str
        A sentence for the planner (why infeasible; how close to the bound otherwise).
    objective : float
        Weighted expected attainment Σ_t w_t min(1, E_t/g_t) of the plan, recomputed from the plan
        alone (`evaluate_plan`); NaN when infeasible.
    bound : float
        No plan can do better than this (from the LP relaxation or the MILP's dual bound).
    gap : float
        (bound − objective) / bound.
    build_seconds, solve_seconds : float
        Time to build the model and to solve it.
    choices : dict[str, str]
        Option per candidate (``"none"`` for no support).
    allocation, targets, fund_lines, resources, transfers : DataFrame
        As in `PlanEvaluation`. When infeasible, ``allocation`` and ``targets`` are empty and
        ``fund_lines``/``resources`` show what the locks and base-probability reserves alone need.
    baselines : dict[str, PlanEvaluation]
        ``do_nothing``, ``greedy`` and ``proportional`` plans, evaluated the same way.
    method, solver : str
        How the plan was found (``milp``, ``lp_round``, ``lp_round+core``, ``lp_round+milp`` ...).
    evaluation : PlanEvaluation or None
        The full evaluation of the plan.
    objective_kind : str
        What ``objective`` measures: ``expected`` (the weighted expected attainment) or, for a plan
        chosen by the chance-aware objective, ``chance`` (docs/workbook.md, settings ``objective``).
    """

    status: str
    message: str
    objective: float
    bound: float
    gap: float
    build_seconds: float
    solve_seconds: float
    choices: dict[str, str]
    allocation: pd.DataFrame
    targets: pd.DataFrame
    fund_lines: pd.DataFrame
    resources: pd.DataFrame
    transfers: pd.DataFrame
    baselines: dict[str, PlanEvaluation] = field(default_factory=dict)
    method: str = ""
    solver: str = ""
    evaluation: PlanEvaluation | None = None
    objective_kind: str = "expected"

    def to_json(self) -> dict[str, object]:
        """A JSON-able summary: status, objective, gap, bound, per-target results (goal, achieved,
        expected, p_meet, ...), baselines, timings."""

        def num(x: object) -> object:
            if isinstance(x, (bool, np.bool_)):
                return bool(x)
            if isinstance(x, (int, np.integer)):
                return int(x)
            if isinstance(x, (float, np.floating)):
                return None if not math.isfinite(float(x)) else float(x)
            return x

        def records(df: pd.DataFrame) -> list[dict[str, object]]:
            return [
                {str(k): num(v) for k, v in row.items()} for row in df.to_dict(orient="records")
            ]

        supported = sum(1 for o in self.choices.values() if o != "none")
        out: dict[str, object] = {
            "status": self.status,
            "message": self.message,
            "objective": num(self.objective),
            "objective_kind": self.objective_kind,
            "bound": num(self.bound),
            "gap": num(self.gap),
            "method": self.method,
            "solver": self.solver,
            "candidates_supported": supported,
            "upfront_cost": num(float(self.allocation["cost"].sum()))
            if len(self.allocation)
            else 0.0,
            "targets": records(self.targets),
            "fund_lines": records(self.fund_lines),
            "resources": records(self.resources),
            "transfers": records(self.transfers),
            "baselines": {
                name: {
                    "objective": num(ev.objective),
                    "feasible": ev.feasible,
                    "violations": ev.violations,
                    "optimum_beats_by": num(self.objective - ev.objective),
                    "optimum_beats_by_pct": num(
                        (self.objective - ev.objective) / ev.objective * 100
                        if ev.objective > 0
                        else float("nan")
                    ),
                }
                for name, ev in self.baselines.items()
            },
            "timings": {
                "build_seconds": num(self.build_seconds),
                "solve_seconds": num(self.solve_seconds),
            },
        }
        return out


def _repair(problem: Problem, slots: np.ndarray) -> np.ndarray:
    """Drop the least useful supports until the plan keeps every rule (a safety net; rarely needed)."""
    if is_feasible(problem, slots):
        return slots
    slots = slots.copy()
    rows = np.arange(problem.n)
    gain = (problem.prob[rows, slots] - problem.base_prob) * (
        problem.values @ (problem.weight / problem.goal)
    )
    money = problem.cost[rows, slots] + 1e-9
    droppable = np.nonzero((slots > 0) & (problem.lock == FREE))[0]
    for i in droppable[np.argsort(gain[droppable] / money[droppable])]:
        slots[i] = 0
        if is_feasible(problem, slots):
            return slots
    return problem.locked_slots()


@dataclass(frozen=True)
class _Settings:
    """How one `AllocationModel.solve` call may search."""

    solver: str
    time_limit: float
    mip_gap: float
    threads: int


@dataclass(frozen=True)
class _Found:
    """A plan in hand during a solve: its slots, status, bound, how it was found and the clock."""

    slots: np.ndarray
    status: str  # "optimal" | "feasible"
    bound: float  # on the weighted attainment; NaN when unknown
    used: str  # the method that found it (AllocationResult.method)
    started: float  # perf_counter when the search began (after building the model)
    build_seconds: float = 0.0  # time spent building a solver model on the way


@dataclass(frozen=True)
class Search:
    """What `AllocationModel.search` found: a plan measured against the bound, or no plan.

    ``status`` is ``optimal``, ``feasible`` or ``infeasible`` (then ``slots`` is None and ``message``
    says why); ``objective`` is the plan's weighted expected attainment, ``bound``/``gap`` as in
    `AllocationResult`.
    """

    status: str
    slots: np.ndarray | None
    objective: float
    bound: float
    gap: float
    used: str
    message: str = ""
    build_seconds: float = 0.0
    solve_seconds: float = 0.0


@dataclass(frozen=True)
class Relaxation:
    """The LP relaxation of the model: HiGHS's status, its objective (the solver's, tie-breaks
    included) and the shadow price of each fund line's amount and each resource's capacity."""

    status: str
    objective: float
    fund_prices: np.ndarray
    resource_prices: np.ndarray


class _NoPlan(Exception):
    """No plan keeps every rule (or none was found): the solve ends with an infeasible result."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _tighter(bound: float, other: float) -> float:
    """The smaller of two bounds, NaN meaning unknown."""
    return other if not math.isfinite(bound) else min(bound, other)


class AllocationModel:
    """A workbook's allocation problem, built once and re-solvable after changing right-hand sides.

    Use it for analyses that solve many variants (marginal value of a budget, a frontier over a
    resource): ``set_budget`` / ``set_capacity`` / ``set_pool_share`` change numbers in place, and
    ``solve`` re-uses the built models (the LP/MILP structure does not depend on these numbers).

    Parameters
    ----------
    wb : Workbook
        The planning workbook.

    Examples
    --------
    >>> model = AllocationModel(wb)
    >>> base = model.solve(baselines=False)
    >>> model.set_budget("industry_fund", 12_000)
    >>> more = model.solve(baselines=False)
    >>> more.objective - base.objective  # what 2,000 万元 more on that line buys
    """

    def __init__(self, wb: Workbook | Problem):
        started = time.perf_counter()
        self.problem = wb if isinstance(wb, Problem) else compile_problem(wb)
        # Which options are dominated: among all slots, and among the options alone (for a
        # candidate that must get one, ANY_SLOT). Locks do not change it.
        self._undominated: np.ndarray | None = None
        self._undominated_by_options: np.ndarray | None = None
        # the coupling rows once, for the dominance of options and the linear form both
        rows = coupling_rows(self.problem)
        self._active = self._active_slots(rows)
        self.form: LinearForm = linear_form(self.problem, self._active, rows)
        del rows
        self.compile_seconds = time.perf_counter() - started
        self._pulp: PulpModel | None = None
        self._highs: HighsModel | None = None
        # The structured method's prices at its last solve: the next one starts its dual search there
        # (docs/optimizer.md, "The structured method").
        self.dual_prices: np.ndarray | None = None

    # --- changing the numbers -------------------------------------------------------------
    def set_budget(self, fund_line: str, amount: float) -> None:
        """Set a fund line's amount (万元)."""
        self.problem.with_budget(fund_line, amount)

    def set_capacity(self, resource: str, capacity: float) -> None:
        """Set a resource's capacity."""
        self.problem.with_capacity(resource, capacity)

    def set_limits(self, amount: np.ndarray, capacity: np.ndarray) -> None:
        """Set every fund line's amount and every resource's capacity at once (in workbook order)."""
        self.problem.amount[:] = np.asarray(amount, dtype=float)
        self.problem.capacity[:] = np.asarray(capacity, dtype=float)

    def set_locks(self, lock: np.ndarray) -> None:
        """Set every candidate's lock at once: a slot, ``FREE`` or ``ANY_SLOT`` (any option but none).

        Locks decide which variables the model has, so a change rebuilds the linear form (the
        dominance of options is computed once and kept).
        """
        lock = np.asarray(lock, dtype=np.int64)
        if np.array_equal(lock, self.problem.lock):
            return
        self.problem.lock = lock.copy()
        self._rebuild()

    def _rebuild(self) -> None:
        self._active = self._active_slots()
        self.form = linear_form(self.problem, self._active)
        self._pulp = None
        self._highs = None

    def _active_slots(self, rows: CouplingRows | None = None) -> np.ndarray:
        """`Problem.active_slots`, with the dominance of options (which does not depend on the
        locks, except that "none" dominates no option of an ``ANY_SLOT`` candidate) computed once."""
        p = self.problem
        if self._undominated is None:
            free = copy.copy(p)
            free.lock = np.full(p.n, FREE, dtype=np.int64)
            parts = coupling_parts(rows) if rows is not None else (None, None)
            self._undominated = free.active_slots(*parts)
        active = self._undominated.copy()
        needs_option = p.lock == ANY_SLOT
        if needs_option.any():
            if self._undominated_by_options is None:
                must = copy.copy(p)
                must.lock = np.full(p.n, ANY_SLOT, dtype=np.int64)
                self._undominated_by_options = must.active_slots()
            active = np.where(needs_option[:, None], self._undominated_by_options, active)
        locked = np.nonzero(p.lock >= 0)[0]
        active[locked] = False
        active[locked, p.lock[locked]] = True
        return active

    def set_pool_share(self, pool_share: float) -> None:
        """Set the share of each pooled line that may move to other pooled lines."""
        old = self.problem.pool_share
        self.problem.pool_share = float(pool_share)
        if (old > 0) != (pool_share > 0):  # transfer variables appear or vanish: rebuild
            self.form = linear_form(self.problem, self._active)
            self._pulp = None
            self._highs = None

    # --- models ---------------------------------------------------------------------------
    def pulp_model(self) -> PulpModel:
        """The exact MILP as a PuLP problem (built on first use)."""
        if self._pulp is None:
            self._pulp = PulpModel(self.problem, self.form)
        return self._pulp

    def highs_model(self) -> HighsModel:
        """The same MILP handed to HiGHS directly (built on first use)."""
        if self._highs is None:
            self._highs = HighsModel(self.problem, self.form)
        self._highs.refresh_rhs()
        return self._highs

    def score(self, slots: np.ndarray) -> float:
        """The solver's tie-broken objective of a plan (to compare plans)."""
        return tiebroken_score(self.form, *plan_scores(self.problem, slots))

    # --- solving --------------------------------------------------------------------------
    def solve(
        self,
        *,
        solver: str = "highs",
        method: str = "auto",
        time_limit: float = 10.0,
        mip_gap: float = 1e-3,
        threads: int = 1,
        baselines: bool = True,
        odds: bool = True,
        start: dict[str, str] | None = None,
        baseline_odds: bool = True,
    ) -> AllocationResult:
        """Find the plan with the highest weighted expected attainment (see `solve`).

        Steps: check the inputs; find a plan (`_find_plan`: exact MILP, or the fast path); make sure it
        keeps every rule (`_ensure_feasible`); measure it against the bound (`_measure`); describe it
        (`_message`) and evaluate the baselines.
        """
        found = self.search(
            solver=solver,
            method=method,
            time_limit=time_limit,
            mip_gap=mip_gap,
            threads=threads,
            start=self._start_slots(start),
        )
        if found.slots is None:
            return self._infeasible(found.message, solver, found.used)
        p = self.problem
        ev = evaluate_slots(p, found.slots, odds=odds)
        base = {}
        if baselines:
            with_odds = odds and baseline_odds
            base = {
                "do_nothing": evaluate_slots(p, do_nothing_plan(p), odds=with_odds),
                "greedy": evaluate_slots(p, greedy_plan(p), odds=with_odds),
                "proportional": evaluate_slots(p, proportional_plan(p), odds=with_odds),
            }
        return AllocationResult(
            status=found.status,
            message=self._message(
                found.status, ev.objective, found.bound, found.gap, found.used, time_limit
            ),
            objective=ev.objective,
            bound=found.bound,
            gap=found.gap,
            build_seconds=found.build_seconds,
            solve_seconds=found.solve_seconds,
            choices=ev.choices,
            allocation=ev.allocation,
            targets=ev.targets,
            fund_lines=ev.fund_lines,
            resources=ev.resources,
            transfers=ev.transfers,
            baselines=base,
            method=found.used,
            solver=solver,
            evaluation=ev,
        )

    def search(
        self,
        *,
        solver: str = "highs",
        method: str = "auto",
        time_limit: float = 10.0,
        mip_gap: float = 1e-3,
        threads: int = 1,
        start: np.ndarray | None = None,
    ) -> Search:
        """The solving steps of `solve` without the tables: a plan (slots), its status, bound and gap.

        The what-if analyses (`optimizer.analysis.PlanModel`) call this after changing limits, locks
        or probabilities; ``start`` is a plan in hand as slots (used when it keeps every rule).
        """
        if solver not in SOLVERS:
            raise ValueError(f"unknown solver {solver!r}: use one of {', '.join(SOLVERS)}")
        if method not in METHODS:
            raise ValueError(f"unknown method {method!r}: use one of {', '.join(METHODS)}")
        p = self.problem
        reasons = infeasibility_reasons(p)
        if reasons:
            return self._no_plan(" ".join(reasons), method)
        if method == "auto":
            method = "milp" if solver == "cbc" else "fast"
            if method == "fast" and self.form.nv >= STRUCTURED_MIN_VARS:
                method = "structured"  # docs/optimizer.md: the HiGHS LP is the slow part above it
        build = self.compile_seconds
        self.compile_seconds = 0.0  # count the one-off compilation in the first solve only
        settings = _Settings(solver, time_limit, mip_gap, threads)
        try:
            found = self._find_plan(method, settings, start)
            found = self._ensure_feasible(found, settings)
        except _NoPlan as no_plan:
            return self._no_plan(no_plan.message, method)
        solve_seconds = time.perf_counter() - found.started
        objective = float(plan_scores(p, found.slots)[0])
        status, bound, gap = self._measure(found, objective, mip_gap)
        return Search(
            status=status,
            slots=found.slots,
            objective=objective,
            bound=bound,
            gap=gap,
            used=found.used,
            build_seconds=build + found.build_seconds,
            solve_seconds=solve_seconds,
        )

    def relaxation(self, *, time_limit: float = 10.0, threads: int = 1) -> Relaxation:
        """Solve the LP relaxation of the current model and read its shadow prices."""
        p = self.problem
        nan_prices = (np.full(len(p.fund_lines), np.nan), np.full(len(p.resources), np.nan))
        if self.form.nv == 0:
            # nothing to decide: the objective is the fixed plan's, and no limit has a price
            slots = p.locked_slots()
            if not is_feasible(p, slots):
                return Relaxation("infeasible", float("nan"), *nan_prices)
            zero = (np.zeros(len(p.fund_lines)), np.zeros(len(p.resources)))
            return Relaxation("optimal", self.score(slots), *zero)
        hm = self.highs_model()
        status, _, objective, _ = hm.solve_lp(time_limit=time_limit, threads=threads)
        if status != "optimal":
            return Relaxation(status, float("nan"), *nan_prices)
        return Relaxation(status, objective, *hm.limit_prices())

    def _no_plan(self, message: str, method: str) -> Search:
        nan = float("nan")
        return Search("infeasible", None, nan, nan, nan, method, message, self.compile_seconds)

    def _find_plan(self, method: str, settings: _Settings, start: np.ndarray | None) -> _Found:
        """A plan and a bound: nothing to decide, the exact MILP (``milp``), or the fast path."""
        p = self.problem
        started = time.perf_counter()
        if self.form.nv == 0:
            # Nothing to decide (no candidates, or every one locked or left with "none" only): the
            # one plan there is is optimal when it keeps the rules. No solver needed (HiGHS calls an
            # empty model neither optimal nor infeasible).
            slots = p.locked_slots()
            if not is_feasible(p, slots):
                raise _NoPlan(FALLBACK)
            bound = plan_scores(p, slots)[0]
            return _Found(slots, "optimal", bound, "nothing to decide", started)
        if method == "milp":
            return self._solve_milp(settings)
        if method == "structured":
            from optimizer.structured import solve_structured  # a large workbook's (only then)

            slots, status, bound, used = solve_structured(
                self,
                time_limit=settings.time_limit,
                mip_gap=settings.mip_gap,
                threads=settings.threads,
                start=start,
            )
            return _Found(slots, status, bound, used, started)
        fresh = self._highs is None
        hm = self.highs_model()
        build_seconds = time.perf_counter() - started if fresh else 0.0
        if fresh:
            started = time.perf_counter()
        slots, status, bound, used = self._solve_fast(
            hm,
            lp_only=method == "lp_round",
            time_limit=settings.time_limit,
            mip_gap=settings.mip_gap,
            threads=settings.threads,
            start=start,
        )
        if status == "infeasible":
            raise _NoPlan(FALLBACK)
        return _Found(slots, status, bound, used, started, build_seconds)

    def _solve_milp(self, settings: _Settings) -> _Found:
        """The exact MILP through PuLP; its bound, tightened by the LP when it has none or stopped early."""
        p = self.problem
        fresh = self._pulp is None
        model = self.pulp_model()
        started = time.perf_counter()
        outcome = model.solve(
            solver=settings.solver,
            time_limit=settings.time_limit,
            mip_gap=settings.mip_gap,
            threads=settings.threads,
        )
        if outcome.status == "infeasible":
            raise _NoPlan(FALLBACK)
        bound = (
            primary_bound(self.form, outcome.perturbed_bound)
            if math.isfinite(outcome.perturbed_bound)
            else float("nan")
        )
        if outcome.slots is None:  # time limit without a plan: fall back to greedy
            slots = greedy_fill(p, p.locked_slots())
            status, used = "feasible", "greedy (MILP found no plan in time)"
        else:
            slots, status, used = outcome.slots, outcome.status, "milp"
        if not math.isfinite(bound) or status != "optimal":
            # The bound needs the LP; give it a few seconds even when the MILP used them all.
            remaining = max(10.0, settings.time_limit - (time.perf_counter() - started))
            lp_status, _, lp_bound, _ = self.highs_model().solve_lp(
                time_limit=remaining, threads=settings.threads
            )
            if lp_status == "optimal":
                bound = _tighter(bound, primary_bound(self.form, lp_bound))
        build_seconds = model.build_seconds if fresh else 0.0
        return _Found(slots, status, bound, used, started, build_seconds)

    def _ensure_feasible(self, found: _Found, settings: _Settings) -> _Found:
        """Repair the plan; when nothing in hand keeps every rule, run the exact MILP (under a hard
        deadline, like the fast path's MIPs): it finds a plan or proves there is none."""
        p = self.problem
        slots = _repair(p, found.slots)
        if is_feasible(p, slots):
            return replace(found, slots=slots)
        # Rounding or a time-out left a floor or lock unmet, which dropping supports cannot fix.
        limit = max(1.0, settings.time_limit - (time.perf_counter() - found.started))
        out = call_with_deadline(
            functools.partial(
                self.highs_model().solve_mip,
                None,
                time_limit=limit,
                mip_gap=settings.mip_gap,
                threads=settings.threads,
            ),
            limit + _grace(limit),
            SolverOutcome("no_solution", None, float("nan"), limit),
        )
        if out.status == "infeasible":
            raise _NoPlan(FALLBACK)
        if out.slots is None or not is_feasible(p, out.slots):
            raise _NoPlan(
                "No plan that keeps every rule was found within the time limit "
                f"({settings.time_limit:g} s), and it is not proven that none exists: allow more "
                "time, or remove a lock or lower a district floor."
            )
        bound = found.bound
        if math.isfinite(out.perturbed_bound) and out.status in ("optimal", "feasible"):
            bound = _tighter(bound, primary_bound(self.form, out.perturbed_bound))
        return replace(
            found,
            slots=out.slots,
            status="optimal" if out.status == "optimal" else "feasible",
            bound=bound,
            used=f"{found.used}+milp",
        )

    def _measure(self, found: _Found, objective: float, mip_gap: float) -> tuple[str, float, float]:
        """(status, bound, gap) of the plan: the gap to the bound, and ``optimal`` only when it is
        within ``mip_gap`` (allowing for what the tie-breaks alone can cost)."""
        bound, status = found.bound, found.status
        if not math.isfinite(bound):
            return status, bound, float("nan")
        # The bound comes from the tie-broken objective, which moves it by up to
        # (EPS_BEYOND + EPS_SPEND) × W; a difference that small is no gap at all.
        if bound - objective <= (EPS_BEYOND + EPS_SPEND) * self.form.total_weight:
            bound = objective
        gap = (bound - objective) / bound if bound > 0 else 0.0
        if status == "optimal" and gap > mip_gap + tie_slack(self.form, bound):
            status = "feasible"
        return status, bound, gap

    def _message(
        self, status: str, objective: float, bound: float, gap: float, used: str, time_limit: float
    ) -> str:
        """The sentence for the planner: how close to the bound (or why that is unknown)."""
        p = self.problem
        if math.isfinite(gap):
            message = (
                f"Plan {'within' if status == 'optimal' else 'found; it is within'} {gap:.4%} of the "
                f"best possible (bound {bound:.6g}); weighted expected attainment {objective:.6g}."
            )
        else:
            plan = (
                "the greedy plan (most attainment per 万元 first)"
                if used.startswith("greedy")
                else "the best plan found"
            )
            message = (
                f"The time limit ({time_limit:g} s) ran out before the solver had a bound: this is "
                f"{plan}, and how far it is from the best possible cannot be said (no bound); allow "
                f"more time to know. Weighted expected attainment {objective:.6g}."
            )
        if p.floor_share.sum() > 1 + 1e-9:
            message += (
                f" The district floors add up to {p.floor_share.sum():.0%} of up-front support, more "
                "than 100%, so only plans that spend nothing up front keep them all."
            )
        return message

    def _start_slots(self, start: dict[str, str] | None) -> np.ndarray | None:
        """A given plan as slots, or None when there is none or it does not fit this workbook."""
        if not start:
            return None
        try:
            slots = self.problem.slots_from_choices(start)
        except ValueError:  # a plan for other data: ignore it rather than fail the solve
            return None
        # An option no longer offered (its act_by has passed since that plan) starts as "none"
        # (or the candidate's lock): the search fills the room it leaves.
        rows = np.arange(self.problem.n)
        gone = ~self.problem.valid[rows, slots]
        slots[gone] = self.problem.locked_slots()[gone]
        return slots

    def _solve_fast(
        self,
        hm: HighsModel,
        *,
        lp_only: bool,
        time_limit: float,
        mip_gap: float,
        threads: int,
        start: np.ndarray | None = None,
    ) -> tuple[np.ndarray, str, float, str]:
        """LP relaxation → round fractional candidates down → greedy fill → MILP on a core of
        borderline candidates → full MILP warm-started, stopping as soon as the gap is met.
        ``start``, a plan already in hand, is the answer when it keeps every rule and is within the
        gap of the LP bound; otherwise it is the cores' start when it keeps every rule and beats the
        rounded LP (see `solve`)."""
        p, form = self.problem, self.form
        started = time.perf_counter()

        def left() -> float:
            return time_limit - (time.perf_counter() - started)

        lp_status, x, lp_bound, reduced = hm.solve_lp(time_limit=time_limit, threads=threads)
        if lp_status == "infeasible":
            return p.locked_slots(), "infeasible", float("nan"), "lp_round"
        if lp_status != "optimal":  # out of time in the LP: greedy plan, no bound
            slots = greedy_fill(p, p.locked_slots())
            return slots, "feasible", float("nan"), "greedy (LP ran out of time)"
        bound = primary_bound(form, lp_bound)

        def done(s: np.ndarray) -> bool:
            if not is_feasible(p, s):  # a plan that breaks a rule is never good enough
                return False
            a = plan_scores(p, s)[0]
            gap = (bound - a) / bound if bound > 0 else 0.0
            return gap <= mip_gap + tie_slack(form, bound)

        def better(new: np.ndarray | None, old: np.ndarray) -> bool:
            """Whether `new` keeps every rule and beats `old` (any such plan beats one that breaks a rule)."""
            if new is None or not is_feasible(p, new):
                return False
            return not is_feasible(p, old) or self.score(new) > self.score(old)

        in_hand = None
        if start is not None:
            # A plan in hand (a re-solve after a small change), with today's locks put in. When it
            # keeps every rule and is within the gap of the new bound it is the answer: the rounding
            # below (the slow part of a re-solve) is skipped.
            in_hand = np.where(p.lock >= 0, p.lock, start)
            if done(in_hand):
                return in_hand, "optimal", bound, "start"
        whole = x >= 1 - 1e-6
        slots = p.locked_slots().copy()
        slots[form.var_cand[whole]] = form.var_slot[whole]
        # The LP rounded: fractional candidates get their LP-preferred option where room can be made
        # by dropping weak supports, then a greedy fill. It costs a few LP-sized passes, and it is the
        # better start for the cores even when a plan is in hand: measured on the demo city, a
        # frontier point started from the previous point's plan (everything the 7.5 % more money
        # moves is then open) needed cores of up to 1,900 candidates and 4 s, where the rounded LP
        # needed one small core or none (docs/analytics.md, "Frontier").
        slots = _repair(p, slots)
        rounded = slots.copy()
        allowed = np.zeros_like(p.valid)
        allowed[form.var_cand, form.var_slot] = True
        frac_vars = np.nonzero((x > 1e-6) & (x < 1 - 1e-6))[0]
        frac_vars = frac_vars[np.argsort(-x[frac_vars], kind="stable")]
        moves = [(int(form.var_cand[j]), int(form.var_slot[j])) for j in frac_vars]
        slots = round_up_with_swaps(p, slots, moves, self.score)
        filled = greedy_fill(p, slots, allowed=allowed)
        if is_feasible(p, filled):
            slots = filled
        used = "lp_round"
        if in_hand is not None and better(in_hand, slots):
            # The plan in hand stays the cores' start when it keeps every rule and beats the
            # rounded LP. The cores then begin with the candidates on which the two differ.
            slots, used = in_hand.copy(), "start"
        if lp_only or done(slots) or left() <= 0.05:
            return slots, ("optimal" if done(slots) else "feasible"), bound, used

        # Cores: first the candidates the LP leaves open (fractional) and those the fill changed; then
        # also those with an option whose reduced cost is near zero. Everyone else keeps its choice.
        frac = (x > 1e-6) & (x < 1 - 1e-6)
        # Margin of a candidate: how much better its best choice is than its second best at the LP's
        # prices ("none" earns 0). Small margins are the borderline candidates.
        best = np.zeros(p.n)
        second = np.full(p.n, -np.inf)
        for j in np.argsort(-reduced, kind="stable"):
            i = form.var_cand[j]
            v = reduced[j]
            if v > best[i]:
                best[i], second[i] = v, best[i]
            elif v > second[i]:
                second[i] = v
        second = np.maximum(second, np.where(best > 0, 0.0, -np.inf))
        margin = best - second
        margin[np.unique(form.var_cand[frac])] = -1.0
        margin[np.nonzero(slots != rounded)[0]] = -1.0
        free = np.nonzero(p.lock < 0)[0]
        order = free[np.argsort(margin[free], kind="stable")]
        open_count = int((margin[free] < 0).sum())
        # A plan whose solver objective reaches `enough` meets the gap against the LP bound (the
        # tie-break terms add at most EPS_BEYOND × W): the MIPs below stop as soon as they hold one.
        enough = bound * (1 - CORE_AIM * mip_gap) + EPS_BEYOND * form.total_weight
        for size in core_sizes(open_count, len(free)):
            core_limit = min(left(), max(0.5, 0.1 * time_limit))
            core_slots = call_with_deadline(
                functools.partial(
                    self._solve_core,
                    order[:size],
                    slots,
                    time_limit=core_limit,
                    mip_gap=CORE_GAP * mip_gap,
                    threads=threads,
                    stop_at=enough,
                ),
                core_limit + _grace(core_limit),
                None,
            )
            if core_slots is not None and better(core_slots, slots):
                slots, used = core_slots, "lp_round+core"
            if done(slots) or left() <= 0.05:
                return slots, ("optimal" if done(slots) else "feasible"), bound, used

        start = slots if is_feasible(p, slots) else None
        mip_limit = left()
        out = call_with_deadline(
            functools.partial(
                hm.solve_mip,
                start,
                time_limit=mip_limit,
                mip_gap=mip_gap,
                threads=threads,
                stop_at=enough,
            ),
            mip_limit + _grace(mip_limit),
            SolverOutcome("no_solution", None, float("nan"), mip_limit),
        )
        if math.isfinite(out.perturbed_bound) and out.status in ("optimal", "feasible"):
            bound = min(bound, primary_bound(form, out.perturbed_bound))
        if out.slots is not None and better(out.slots, slots):
            slots, used = out.slots, "lp_round+milp"
        if out.status == "infeasible" and not is_feasible(p, slots):
            return slots, "infeasible", float("nan"), used
        return slots, ("optimal" if done(slots) else "feasible"), bound, used

    def _solve_core(
        self,
        core: np.ndarray,
        slots: np.ndarray,
        *,
        time_limit: float,
        mip_gap: float,
        threads: int,
        stop_at: float | None = None,
    ) -> np.ndarray | None:
        """Solve the MILP over the core candidates only, everyone else locked to the plan's choice.

        Locking turns the others into constants, so the core model has only the core's variables and
        solves in a fraction of the full model's time. Returns the improved plan or None.
        """
        p = self.problem
        sub = copy.copy(p)
        sub.lock = slots.copy()
        sub.lock[core] = p.lock[core]
        active = self.form_active()
        active = active.copy()
        others = np.ones(p.n, dtype=bool)
        others[core] = False
        active[others] = False
        active[np.nonzero(others)[0], slots[others]] = True
        form = linear_form(sub, active)
        model = HighsModel(sub, form)
        out = model.solve_mip(
            slots,
            time_limit=max(0.05, time_limit),
            mip_gap=mip_gap,
            threads=threads,
            stop_at=stop_at,
        )
        if out.slots is None or not is_feasible(p, out.slots):
            return None
        return out.slots

    def form_active(self) -> np.ndarray:
        """(n, K) the slots offered to the solver: valid, not dominated, respecting locks."""
        return self._active

    def _infeasible(self, message: str, solver: str, method: str) -> AllocationResult:
        ev = evaluate_slots(self.problem, self.problem.locked_slots(), odds=False)
        return AllocationResult(
            status="infeasible",
            message=message,
            objective=float("nan"),
            bound=float("nan"),
            gap=float("nan"),
            build_seconds=self.compile_seconds,
            solve_seconds=0.0,
            choices={},
            allocation=ev.allocation.iloc[0:0],
            targets=ev.targets.iloc[0:0],
            fund_lines=ev.fund_lines,
            resources=ev.resources,
            transfers=ev.transfers.iloc[0:0],
            baselines={},
            method=method,
            solver=solver,
            evaluation=None,
        )


def solve(
    wb: Workbook,
    *,
    solver: str = "highs",
    time_limit: float = 10.0,
    mip_gap: float = 1e-3,
    threads: int = 1,
    baselines: bool = True,
    method: str = "auto",
    start: dict[str, str] | None = None,
    baseline_odds: bool = True,
) -> AllocationResult:
    """Choose an option (or none) for every candidate to maximise weighted expected attainment
    (or, when the workbook's ``objective`` is ``chance``, the weighted chance of meeting the goals:
    `optimizer.chance`; targets' p_meet use the workbook's ``correlation``).

    The problem is docs/workbook.md's "The allocation problem it defines": fund lines with up-front costs
    and entitlement reserves, pooled transfers limited by ``pool_share``, resource capacities, locks,
    district floors; ties broken by more expected beyond the goals, then less spending.

    Parameters
    ----------
    wb : Workbook
        The planning workbook.
    solver : {"highs", "cbc"}
        HiGHS (default) or CBC.
    time_limit : float
        Seconds the solver may use. A plan found by then is returned with its gap (status ``feasible``).
    mip_gap : float
        Relative gap to the bound at which the search stops (``1e-3`` = within 0.1% of the best possible).
    threads : int
        Solver threads (fixed, for reproducible runs).
    baselines : bool
        Also evaluate the do-nothing, greedy and proportional plans.
    method : {"auto", "milp", "lp_round", "structured"}
        ``milp``: the exact MILP through PuLP. ``lp_round``: LP relaxation rounded down and filled
        greedily (fast, with its gap to the LP bound). ``structured``: Lagrangian prices on the
        coupling rows, then a core MIP (`optimizer.structured`). ``auto``: with HiGHS, ``structured``
        above `STRUCTURED_MIN_VARS` option variables, else ``lp_round``, then a MILP on the few
        undecided candidates, then the full MILP warm-started, until the gap is met; with CBC,
        ``milp``.
    start : dict, optional
        A plan already in hand (``{candidate_id: option}``, e.g. one found with less time): the
        answer when it keeps every rule and is within ``mip_gap`` of the new bound; else the fast
        path's cores start from it when it keeps every rule and beats the rounded LP plan
        (docs/optimizer.md); the structured method's first incumbent when it keeps every rule.
        Ignored by ``milp`` and when it names candidates or options the workbook does not have.
    baseline_odds : bool
        Also give the baselines' p_meet (under the ``correlation`` when it is above 0: the dashboard
        compares the plan's chances with theirs). The command line, whose JSON reports no baseline
        chance, turns it off: on the demo that is most of the odds' time. With ``objective =
        chance`` the baselines always have theirs (`optimizer.chance.solve_chance` compares by them).

    Returns
    -------
    AllocationResult

    Raises
    ------
    ValueError
        For an unknown solver or method.
    """
    if wb.objective == "chance":
        from optimizer.chance import solve_chance

        return with_sources(
            wb, solve_chance(wb, time_limit=time_limit, mip_gap=mip_gap, baselines=baselines)
        )
    model = AllocationModel(wb)
    result = model.solve(
        solver=solver,
        method=method,
        time_limit=time_limit,
        mip_gap=mip_gap,
        threads=threads,
        baselines=baselines,
        start=start,
        baseline_odds=baseline_odds,
    )
    if wb.correlation > 0:
        from optimizer.chance import with_year_odds

        with_year_odds(result, model.problem, wb.correlation, baselines=baseline_odds)
    return with_sources(wb, result)


def with_sources(wb: Workbook, result: AllocationResult) -> AllocationResult:
    """The allocation with ``probability_source`` per row (estimated / assumed / entered), so every
    probability shown says where it comes from (docs/probabilities.md)."""
    if len(result.allocation) and "option" in result.allocation.columns:
        from optimizer.sources import probability_sources

        result.allocation["probability_source"] = probability_sources(wb, result.allocation)
    return result
