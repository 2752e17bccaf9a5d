"""A re-solvable layout of the allocation model for what-if analysis: change limits, locks, solve again.

The analyses ask the same question many times with one number changed (a fund line's amount, a
resource's capacity, a lock). Rebuilding the model through PuLP for each of 20–50 questions costs more
than solving it, so `PlanModel` hands the problem to HiGHS (highspy) once and afterwards changes only
row/column bounds before each re-solve. The incumbent of the previous solve is offered as a warm start.

Nothing about the problem is defined here. The workbook is compiled once by
`optimizer.problem.compile_problem`; the coupling rows (fund lines with entitlement reserves,
resources, district floors) and their limits come from `optimizer.model.coupling_rows` /
`row_limits`, the tie-breaks from `optimizer.model.tie_breaks`, the rule check of a plan from
`optimizer.evaluate.rule_excess` — the same functions the optimizer's MILP (`optimizer.solve`) and the
evaluator use, so a rule added there appears here too. What this module adds is the layout the
analyses need: one column per (candidate, option) *including* "none" (so a lock is a column bound and
a row dual is a shadow price), explicit pooled inflow/outflow columns, and the core re-solves.
``tests/test_analysis_model.py`` checks it against ``optimizer.solve`` on small instances.
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import highspy
import numpy as np
import numpy.typing as npt

from data.schema import NONE_OPTION, Workbook
from optimizer.evaluate import fund_needs, rule_excess
from optimizer.model import coupling_rows, row_limits, tie_breaks
from optimizer.problem import Problem, compile_problem
from optimizer.quiet import quiet_stdout

if TYPE_CHECKING:
    from optimizer.solve import AllocationModel

# A lock value meaning "any option except none" (used to force a candidate into the plan).
ANY_OPTION = "*"


_INF = highspy.kHighsInf
_DEBUG = False


@dataclass
class PlanOutcome:
    """One solve (or evaluation) of the model: the plan and what it achieves.

    Attributes
    ----------
    status : str
        ``optimal``, ``feasible`` (a limit stopped the solver with a plan in hand) or ``infeasible``.
    attainment : float
        Weighted expected attainment Σ_t weight_t × min(1, E_t / goal_t) of the plan, recomputed
        from the choices (NaN when infeasible).
    expected : dict[str, float]
        Expected value per target, E_t.
    choices : dict[str, str]
        Option per candidate (``none`` for no support).
    bound : float
        The solver's upper bound on the objective (NaN when not a MIP solve).
    gap : float
        Relative gap reported by the solver.
    seconds : float
        Wall time of the solve.
    carried : bool
        True when the solver's own plan was worse than a known feasible plan (e.g. the previous
        point of a frontier) and that plan was kept instead.
    """

    status: str
    attainment: float
    expected: dict[str, float]
    choices: dict[str, str]
    bound: float = math.nan
    gap: float = math.nan
    seconds: float = 0.0
    carried: bool = False
    # column index chosen per candidate (empty when there is no plan)
    selected: npt.NDArray[np.int64] = field(
        default_factory=lambda: np.zeros(0, dtype=np.int64), repr=False
    )

    @property
    def feasible(self) -> bool:
        return self.status in ("optimal", "feasible")

    def funded(self, candidate_id: str) -> bool:
        """Whether the plan gives the candidate any support option."""
        return self.choices.get(candidate_id, NONE_OPTION) != NONE_OPTION


def shadow_price_from_highs(row_dual: float, sense: highspy.ObjSense) -> float:
    """Objective gained per unit of right-hand side, from a HiGHS row dual.

    HiGHS reports duals with respect to the objective *as posed*: for a model passed with
    ``sense = kMaximize`` the dual of a binding ``≤`` row is already ∂(max objective)/∂(rhs) ≥ 0, but
    PuLP hands a maximisation to HiGHS as the minimisation of the negated objective, so the
    ``constraint.pi`` PuLP reads back is the dual of that minimisation and has the opposite sign.
    Pass ``kMinimize`` for such negated models.
    """
    return float(row_dual) if sense == highspy.ObjSense.kMaximize else -float(row_dual)


def pulp_shadow_price(pi: float, maximise: bool) -> float:
    """Objective gained per unit of right-hand side from a PuLP+HiGHS ``constraint.pi``.

    PuLP's HiGHS interface solves ``max f`` as ``min −f``; the row dual it stores in ``pi`` is the
    derivative of ``−f``. Flip it back for maximisation problems.
    """
    return -float(pi) if maximise else float(pi)


class PlanModel:
    """The allocation problem of one workbook, built once and re-solved with changed limits.

    Parameters
    ----------
    wb : Workbook
        The planning workbook.
    mip_gap : float
        Relative MIP gap at which HiGHS stops (1e-3 suits the many re-solves of the analyses).
    time_limit : float
        Seconds per solve.
    threads : int
        Solver threads (fixed, for reproducible results).
    probability_factor : np.ndarray, optional
        Multiplier per option column for robustness samples (probabilities are clipped to [0, 1]).
    fallback_time_limit : float
        Seconds for the full MIP when the core re-solve cannot certify ``mip_gap`` (rare).
    core_time_limit : float
        Seconds for one core MIP; when it runs out, the best plan so far is measured against the LP
        bound like any other (and the core grows if that is not within ``mip_gap``).

    Notes
    -----
    Every solve call takes the *complete* set of limits it should use (missing keys mean "as in the
    workbook"), so the order of calls never matters.
    """

    def __init__(
        self,
        wb: Workbook,
        *,
        mip_gap: float = 1e-3,
        time_limit: float = 10.0,
        threads: int = 1,
        probability_factor: np.ndarray | None = None,
        _probabilities: np.ndarray | None = None,
        fallback_time_limit: float = 3.0,
        core_time_limit: float = 2.0,
    ) -> None:
        self.wb = wb
        self.fallback_time_limit = float(fallback_time_limit)
        self.core_time_limit = float(core_time_limit)
        self.mip_gap = float(mip_gap)
        self.time_limit = float(time_limit)
        self.threads = int(threads)
        self._prepare(wb, probability_factor, _probabilities)
        self._build()
        self._last_selected: np.ndarray | None = None
        self._allocation_model: AllocationModel | None = None  # built on first use
        self._base_outcome: PlanOutcome | None = None  # today's plan, once solved
        self._best_core: np.ndarray | None = None
        # True when the probabilities differ from the workbook's (robustness samples)
        self._reprobabilised = probability_factor is not None or _probabilities is not None

    # ------------------------------------------------------------------ data
    def _prepare(
        self, wb: Workbook, factor: np.ndarray | None, probabilities: np.ndarray | None
    ) -> None:
        """Take the workbook's arrays from `optimizer.problem.compile_problem` (the one compilation)
        and lay them out as one column per (candidate, valid slot): "none" first, then the options in
        workbook order."""
        problem = compile_problem(wb)
        self.problem = problem
        self.candidate_ids = problem.candidate_ids
        n = problem.n
        self.fund_lines = problem.fund_lines
        self.amounts = problem.amount.copy()
        self.pooled = problem.pooled.copy()
        self.resource_names = problem.resources
        self.capacities = problem.capacity.copy()
        self.target_names = problem.targets
        self.goals = problem.goal
        self.weights = problem.weight
        self.pool_share = problem.pool_share
        self.prudence = problem.award_prudence

        # Valid slots are 0 ("none") and 1..count: a candidate's columns are contiguous.
        col_cand, col_slot = np.nonzero(problem.valid)
        self.col_cand = col_cand.astype(np.int64)
        self.col_slot = col_slot.astype(np.int64)
        self.col_option = [
            problem.option_names[i][k] for i, k in zip(col_cand, col_slot, strict=True)
        ]
        # success probability of each column: always the Problem's (see _set_probabilities)
        self.col_prob = problem.prob[col_cand, col_slot]
        if probabilities is not None:
            self._set_probabilities(np.asarray(probabilities, dtype=float).copy())
        elif factor is not None:
            prob = problem.prob[col_cand, col_slot]
            self._set_probabilities(np.clip(prob * np.asarray(factor, dtype=float), 0.0, 1.0))
        self.col_line = problem.line[col_cand, col_slot]
        self.col_cost = problem.cost[col_cand, col_slot]
        self.col_use = problem.use[col_cand, col_slot]
        self.n_candidates = n
        self.n_x = len(col_cand)
        # first column of each candidate (its "none")
        self.cand_start = np.searchsorted(self.col_cand, np.arange(n + 1))
        self.option_col: dict[tuple[str, str], int] = {
            (self.candidate_ids[c], o): j
            for j, (c, o) in enumerate(zip(self.col_cand, self.col_option, strict=True))
        }
        self.cand_award = problem.award
        self.cand_award_line = problem.award_line
        self.cand_district = problem.districts
        self.cand_name = problem.names
        self.cand_value = problem.values  # (n, T) contribution on success
        self.floor_districts = problem.floor_districts
        self.floor_shares = problem.floor_share
        # The Problem's locks (so a rule that fixes options there applies here too), in the
        # workbook's order of its locks sheet.
        locked = [int(i) for i in np.nonzero(problem.lock >= 0)[0]]
        sheet = {str(c): k for k, c in enumerate(wb.locks["candidate_id"])}
        locked.sort(key=lambda i: sheet.get(self.candidate_ids[i], len(sheet) + i))
        self.base_locks = {
            self.candidate_ids[i]: problem.option_names[i][problem.lock[i]] for i in locked
        }

    def _set_probabilities(self, col_prob: np.ndarray) -> None:
        """Give the columns other success probabilities: a Problem of its own with changed ``prob``
        (its reserves, rows and tie-breaks follow from it)."""
        problem = copy.copy(self.problem)
        problem.prob = self.problem.prob.copy()
        problem.prob[self.col_cand, self.col_slot] = col_prob
        self.problem = problem
        self.col_prob = problem.prob[self.col_cand, self.col_slot]

    def slots_of(self, selected: np.ndarray) -> np.ndarray:
        """The Problem's slot per candidate of a plan given as one column per candidate."""
        return np.asarray(selected, dtype=np.int64) - self.cand_start[:-1]

    def _limited(self, amounts: np.ndarray, caps: np.ndarray) -> Problem:
        """The Problem with other amounts and capacities (a shallow copy; the model's stays as is)."""
        problem = copy.copy(self.problem)
        problem.amount = np.asarray(amounts, dtype=float)
        problem.capacity = np.asarray(caps, dtype=float)
        return problem

    def with_probabilities(self, probabilities: np.ndarray) -> PlanModel:
        """A copy of this model with other success probabilities per column (same limits and locks).

        Cheaper than building from the workbook again: only the matrix is rebuilt.
        """
        other = copy.copy(self)
        other._set_probabilities(np.clip(np.asarray(probabilities, dtype=float), 0.0, 1.0))
        other._build()
        other._last_selected = None
        other._base_outcome = None
        other._reprobabilised = True
        other._allocation_model = None
        return other

    def reserve_per_column(self) -> np.ndarray:
        """Entitlement reserve of each column: min(1, prudence × p) × award (docs/optimizer.md)."""
        return self.problem.reserve[self.col_cand, self.col_slot]

    # ------------------------------------------------------------------ model
    def _build(self) -> None:
        n, nx = self.n_candidates, self.n_x
        n_lines, n_res, n_t = len(self.fund_lines), len(self.resource_names), len(self.target_names)
        pooled_lines = [f for f in range(n_lines) if self.pooled[f]] if self.pool_share > 0 else []
        self.pooled_lines = pooled_lines
        n_pool = len(pooled_lines)
        # column layout: x | inflow (pooled) | outflow (pooled) | attainment a_t
        self.col_in0 = nx
        self.col_out0 = nx + n_pool
        self.col_a0 = nx + 2 * n_pool
        n_cols = self.col_a0 + n_t
        # row layout: one-per-candidate | fund lines | transfer balance | resources | floors | targets
        self.row_line0 = n
        self.row_balance = n + n_lines if n_pool else -1
        self.row_res0 = n + n_lines + (1 if n_pool else 0)
        self.row_floor0 = self.row_res0 + n_res
        self.row_target0 = self.row_floor0 + len(self.floor_districts)
        n_rows = self.row_target0 + n_t

        rows: list[np.ndarray] = []
        cols: list[np.ndarray] = []
        vals: list[np.ndarray] = []

        def add(r: np.ndarray, c: np.ndarray, v: np.ndarray) -> None:
            keep = v != 0
            rows.append(np.asarray(r, dtype=np.int64)[keep])
            cols.append(np.asarray(c, dtype=np.int64)[keep])
            vals.append(np.asarray(v, dtype=float)[keep])

        xj = np.arange(nx)
        add(self.col_cand, xj, np.ones(nx))
        # fund lines, resources, floors: the rows of optimizer.model.coupling_rows, one column each
        coupling = coupling_rows(self.problem)
        coef = coupling.coef[self.col_cand, self.col_slot]  # nx × m
        first_row = {"fund": self.row_line0, "resource": self.row_res0, "floor": self.row_floor0}
        self._coupling_row = np.array(
            [first_row[k] + j for k, j in zip(coupling.kind, coupling.ref, strict=True)],
            dtype=np.int64,
        )
        self._coupling = coupling
        for r, row in enumerate(self._coupling_row):
            add(np.full(nx, row), xj, coef[:, r])
        for k, f in enumerate(pooled_lines):
            # line f: use − inflow + outflow ≤ amount ; balance: Σ inflow − Σ outflow = 0
            add(np.array([self.row_line0 + f]), np.array([self.col_in0 + k]), np.array([-1.0]))
            add(np.array([self.row_line0 + f]), np.array([self.col_out0 + k]), np.array([1.0]))
            add(np.array([self.row_balance]), np.array([self.col_in0 + k]), np.array([1.0]))
            add(np.array([self.row_balance]), np.array([self.col_out0 + k]), np.array([-1.0]))
        value_col = self.cand_value[self.col_cand]  # nx × T
        for t in range(n_t):
            # a_t ≤ E_t / goal_t, written divided by the goal so that an investment target in
            # 万元 (goals in the millions) is as well scaled as a count
            add(
                np.full(nx, self.row_target0 + t),
                xj,
                -value_col[:, t] * self.col_prob / self.goals[t],
            )
            add(np.array([self.row_target0 + t]), np.array([self.col_a0 + t]), np.array([1.0]))

        r_all = np.concatenate(rows)
        c_all = np.concatenate(cols)
        v_all = np.concatenate(vals)
        order = np.lexsort((r_all, c_all))
        r_all, c_all, v_all = r_all[order], c_all[order], v_all[order]
        # a column may hit a row twice (cost and entitlement reserve on the same line): sum them
        new_entry = np.ones(len(r_all), dtype=bool)
        new_entry[1:] = (r_all[1:] != r_all[:-1]) | (c_all[1:] != c_all[:-1])
        group = np.cumsum(new_entry) - 1
        v_all = np.bincount(group, weights=v_all)
        r_all, c_all = r_all[new_entry], c_all[new_entry]
        start = np.searchsorted(c_all, np.arange(n_cols + 1))

        # objective (maximise): Σ w_t a_t + the optimizer's tie-breaks on the x columns
        # (optimizer.model.tie_breaks, the one definition, so both pick the same plans)
        cost = np.zeros(n_cols)
        cost[self.col_a0 :] = self.weights
        cost[:nx] = tie_breaks(self.problem).coef[self.col_cand, self.col_slot]
        self._objective = cost

        col_lower = np.zeros(n_cols)
        col_upper = np.full(n_cols, _INF)
        col_upper[:nx] = 1.0
        col_upper[self.col_a0 :] = 1.0
        row_lower = np.full(n_rows, -_INF)
        row_upper = np.full(n_rows, _INF)
        row_lower[:n] = 1.0
        row_upper[:n] = 1.0
        if n_pool:
            row_lower[self.row_balance] = 0.0
            row_upper[self.row_balance] = 0.0
        lower, upper = row_limits(coupling.kind, coupling.ref, self.amounts, self.capacities)
        row_lower[self._coupling_row] = lower
        row_upper[self._coupling_row] = upper
        row_upper[self.row_target0 :] = 0.0

        lp = highspy.HighsLp()
        lp.num_col_ = n_cols
        lp.num_row_ = n_rows
        lp.sense_ = highspy.ObjSense.kMaximize
        lp.col_cost_ = cost
        lp.col_lower_ = col_lower
        lp.col_upper_ = col_upper
        lp.row_lower_ = row_lower
        lp.row_upper_ = row_upper
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.num_col_ = n_cols
        lp.a_matrix_.num_row_ = n_rows
        lp.a_matrix_.start_ = start.astype(np.int32)
        lp.a_matrix_.index_ = r_all.astype(np.int32)
        lp.a_matrix_.value_ = np.asarray(v_all, dtype=np.float64)
        integrality = [highspy.HighsVarType.kContinuous] * n_cols
        lp.integrality_ = integrality
        self._lp = lp
        self.n_cols, self.n_rows = n_cols, n_rows
        self._a_start, self._a_index, self._a_value = start.astype(np.int64), r_all, v_all
        self._row_lower0, self._row_upper0 = row_lower, row_upper
        self._col_lower0, self._col_upper0 = col_lower, col_upper
        # Two solver objects on the same model: the LP relaxation (kept continuous, so a change of
        # right-hand side is a simplex hot start) and the MIP.
        self._lp_highs = self._new_highs()
        self._mip_highs = self._new_highs()
        self._sub_highs = self._new_highs()
        # the core MIPs are small and many: a smaller cut pool and no cuts below the root keep each
        # one a fraction of a second without losing much (measured on the demo city)
        self._sub_highs.setOptionValue("mip_pool_soft_limit", 200)
        self._sub_highs.setOptionValue("mip_allow_cut_separation_at_nodes", False)
        for h in (self._lp_highs, self._mip_highs):
            if h.passModel(lp) != highspy.HighsStatus.kOk:
                raise RuntimeError("HiGHS rejected the analysis model")
        self._mip_highs.changeColsIntegrality(
            nx,
            np.arange(nx, dtype=np.int32),
            np.ones(nx, dtype=np.uint8),  # 1 = kInteger
        )
        self._limits_on: dict[int, tuple] = {}

    def _new_highs(self) -> highspy.Highs:
        with quiet_stdout():  # HiGHS prints a banner on its first object, whatever the options
            h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("log_to_console", False)
        h.setOptionValue("mip_rel_gap", self.mip_gap)
        h.setOptionValue("time_limit", self.time_limit)
        h.setOptionValue("threads", self.threads)
        h.setOptionValue("random_seed", 0)
        return h

    # ------------------------------------------------------------------ limits
    def budgets_dict(self) -> dict[str, float]:
        """The workbook's fund-line amounts, 万元."""
        return dict(zip(self.fund_lines, self.amounts.tolist(), strict=True))

    def capacities_dict(self) -> dict[str, float]:
        """The workbook's resource capacities."""
        return dict(zip(self.resource_names, self.capacities.tolist(), strict=True))

    def _limit_arrays(
        self,
        budgets: Mapping[str, float] | None,
        capacities: Mapping[str, float] | None,
    ) -> tuple[np.ndarray, np.ndarray]:
        amounts = self.amounts.copy()
        caps = self.capacities.copy()
        for name, value in (budgets or {}).items():
            amounts[self.fund_lines.index(name)] = float(value)
        for name, value in (capacities or {}).items():
            caps[self.resource_names.index(name)] = float(value)
        return amounts, caps

    def _column_bounds_for_locks(self, locks: Mapping[str, str]) -> tuple[np.ndarray, np.ndarray]:
        lower = np.zeros(self.n_x)
        upper = np.ones(self.n_x)
        for cand, option in locks.items():
            if cand not in self._cand_pos:
                raise ValueError(f"lock names unknown candidate {cand!r}")
            ci = self._cand_pos[cand]
            s, e = self.cand_start[ci], self.cand_start[ci + 1]
            if option == ANY_OPTION:
                upper[s] = 0.0  # rule out "none"
                continue
            j = self.option_col.get((cand, option))
            if j is None:
                raise ValueError(f"lock names unknown option {option!r} for candidate {cand!r}")
            upper[s:e] = 0.0
            upper[j] = 1.0
            lower[j] = 1.0
        return lower, upper

    @property
    def _cand_pos(self) -> dict[str, int]:
        if not hasattr(self, "_cand_pos_cache"):
            self._cand_pos_cache = {c: i for i, c in enumerate(self.candidate_ids)}
        return self._cand_pos_cache

    def _apply(
        self,
        h: highspy.Highs,
        amounts: np.ndarray,
        caps: np.ndarray,
        col_lower: np.ndarray,
        col_upper: np.ndarray,
    ) -> None:
        """Set the limits and the x columns' bounds on one solver object (skipped when unchanged)."""
        key = (amounts.tobytes(), caps.tobytes(), col_lower.tobytes(), col_upper.tobytes())
        if self._limits_on.get(id(h)) == key:
            return
        lower, upper = row_limits(self._coupling.kind, self._coupling.ref, amounts, caps)
        if len(lower):
            # changeRowsBounds exists in highspy 1.16 but is missing from its type stubs
            h.changeRowsBounds(  # type: ignore[attr-defined]
                len(lower), self._coupling_row.astype(np.int32), lower, upper
            )
        if self.pooled_lines:
            k = len(self.pooled_lines)
            idx = np.arange(self.col_out0, self.col_out0 + k, dtype=np.int32)
            h.changeColsBounds(
                k, idx, np.zeros(k), self.pool_share * amounts[np.array(self.pooled_lines)]
            )
        h.changeColsBounds(self.n_x, np.arange(self.n_x, dtype=np.int32), col_lower, col_upper)
        self._limits_on[id(h)] = key

    # ------------------------------------------------------------------ solving
    def solve(
        self,
        *,
        budgets: Mapping[str, float] | None = None,
        capacities: Mapping[str, float] | None = None,
        locks: Mapping[str, str] | None = None,
        warm_start: PlanOutcome | np.ndarray | None = None,
        keep_if_better: PlanOutcome | None = None,
    ) -> PlanOutcome:
        """Solve with the given limits and locks (missing = the workbook's).

        The LP relaxation is solved first (a hot start when only limits changed). Candidates the LP
        already decides (one option at 1) are fixed and the MIP is solved over the few fractional ones
        (the "core"). If that plan is within ``mip_gap`` of the LP bound it is returned, certified by
        that bound; otherwise the full MIP is solved, warm-started with it.

        Parameters
        ----------
        budgets, capacities : mapping, optional
            Fund-line amounts (万元) and resource capacities that replace the workbook's.
        locks : mapping, optional
            The complete set of locks to use ``{candidate_id: option}``; ``None`` means the
            workbook's locks. ``ANY_OPTION`` forces some support option; ``none`` rules support out.
        warm_start : PlanOutcome or array, optional
            A plan offered to HiGHS as a starting incumbent of a full MIP (ignored when it breaks a
            rule under these limits).
        keep_if_better : PlanOutcome, optional
            A plan known to be feasible under these limits (e.g. a frontier's previous point with less
            money). If the solver returns a worse plan (possible within the gap), this one is kept and
            the outcome is marked ``carried``.
        """
        plain = (
            budgets is None
            and capacities is None
            and locks is None
            and warm_start is None
            and keep_if_better is None
        )
        if plain and self._base_outcome is not None:
            # every analysis starts from today's plan: solve it once per model
            return copy.deepcopy(self._base_outcome)
        t0 = time.perf_counter()
        amounts, caps = self._limit_arrays(budgets, capacities)
        lock_map = dict(self.base_locks if locks is None else locks)
        col_lower, col_upper = self._column_bounds_for_locks(lock_map)
        self._best_core = None
        start = warm_start
        if isinstance(start, PlanOutcome):
            start = start.selected if start.feasible else None
        may_ask_optimizer = lock_map == self.base_locks and not self._reprobabilised
        if start is None and may_ask_optimizer:
            start = self._optimizer_plan(amounts, caps)
        outcome = self._solve_core(
            amounts,
            caps,
            col_lower,
            col_upper,
            start,
            (lambda: self._optimizer_plan(amounts, caps)) if may_ask_optimizer else None,
        )
        if outcome is None:
            if self._best_core is not None:
                start = self._best_core
            outcome = self._solve_full(amounts, caps, col_lower, col_upper, lock_map, start)
        outcome.seconds = time.perf_counter() - t0
        if (
            keep_if_better is not None
            and keep_if_better.feasible
            and (not outcome.feasible or keep_if_better.attainment > outcome.attainment + 1e-12)
            and self.plan_fits(keep_if_better.selected, amounts, caps, lock_map)
        ):
            kept = self.evaluate_selected(keep_if_better.selected)
            kept.status = "feasible"
            kept.carried = True
            kept.bound = outcome.bound
            kept.seconds = outcome.seconds
            return kept
        if plain:
            self._base_outcome = copy.deepcopy(outcome)
        return outcome

    def _optimizer_plan(self, amounts: np.ndarray, caps: np.ndarray) -> np.ndarray | None:
        """A first reference plan from `optimizer.AllocationModel` (its fast LP-round-core path).

        Rounding this model's own LP is a poor reference when many targets sit at their goals (the
        LP is degenerate); the optimizer's fast path gets within ~2e-4 in a fraction of a second on
        the demo city, and the core re-solve then only polishes it.
        """
        from optimizer.solve import AllocationModel

        am = self._allocation_model
        if am is None:
            # the same compiled Problem (a copy whose limits it may change), not a second compilation
            am = AllocationModel(self._limited(self.amounts.copy(), self.capacities.copy()))
            self._allocation_model = am
        am.set_limits(amounts, caps)
        with quiet_stdout():
            result = am.solve(
                mip_gap=self.mip_gap,
                time_limit=self.time_limit,
                threads=self.threads,
                baselines=False,
                odds=False,
            )
        if result.status == "infeasible":
            return None
        return self.selected_from_choices(result.choices)

    def _solve_core(
        self,
        amounts: np.ndarray,
        caps: np.ndarray,
        col_lower: np.ndarray,
        col_upper: np.ndarray,
        reference: np.ndarray | None = None,
        other_reference: Callable[[], np.ndarray | None] | None = None,
    ) -> PlanOutcome | None:
        """LP relaxation, then the MIP over a core of candidates; None when not good enough.

        Without a reference plan the candidates outside the core keep the LP's (integral) option.
        With one (e.g. the base plan, when only a limit changed) they keep the reference's option,
        and the core starts with every candidate the LP would change: re-solves then differ from the
        reference only where the change matters, which keeps differences between them sharp.
        """
        h = self._lp_highs
        self._apply(h, amounts, caps, col_lower, col_upper)
        h.run()
        status = h.getModelStatus()
        if status == highspy.HighsModelStatus.kInfeasible:
            return PlanOutcome("infeasible", math.nan, {t: math.nan for t in self.target_names}, {})
        if status != highspy.HighsModelStatus.kOptimal:
            return None
        lp_bound = float(h.getInfo().objective_function_value)
        solution = h.getSolution()
        x = np.asarray(solution.col_value)[: self.n_x]
        # How close each candidate is to changing its option in the LP: the smallest reduced cost
        # among its columns at zero (fractional candidates have margin 0).
        reduced = np.abs(np.asarray(solution.col_dual)[: self.n_x])
        reduced = np.where((x > 1e-7) | (col_upper <= 0.0), np.inf, reduced)
        margin = np.full(self.n_candidates, np.inf)
        np.minimum.at(margin, self.col_cand, reduced)
        fractional = np.zeros(self.n_candidates, dtype=bool)
        fractional[self.col_cand[(x > 1e-7) & (x < 1.0 - 1e-7)]] = True
        margin[fractional] = -1.0
        decided = x > 1.0 - 1e-7
        must = fractional
        if reference is not None and other_reference is not None:
            moved = int((self._selected_from_values(x) != np.asarray(reference)).sum())
            if moved > max(200, self.n_candidates // 8):
                better = other_reference()
                if better is not None:
                    reference = better
        if reference is not None:
            ref = np.asarray(reference, dtype=np.int64)
            on = np.zeros(self.n_x, dtype=bool)
            on[ref] = True
            # the LP moves away from the reference, or a lock / bound rules the reference out
            lp_choice = self._selected_from_values(x)
            must = must | (lp_choice != ref) | (col_upper[ref] <= 0.0)
            locked_elsewhere = np.zeros(self.n_candidates, dtype=bool)
            locked_elsewhere[self.col_cand[(col_lower > 0.0) & ~on]] = True
            must |= locked_elsewhere
            margin[must] = -1.0
            decided = on
        order = np.argsort(margin, kind="stable")
        best: tuple[np.ndarray, float] | None = None
        size = max(int(must.sum()), min(self.n_candidates, max(60, self.n_candidates // 30)))
        row_lower, row_upper, all_lower, all_upper = self._bounds(
            amounts, caps, col_lower, col_upper
        )
        while True:
            # the core: the candidates nearest to a change; everyone else keeps the LP's option
            free = np.zeros(self.n_candidates, dtype=bool)
            free[order[:size]] = True
            result = self._solve_sub(
                free,
                decided,
                row_lower,
                row_upper,
                all_lower,
                all_upper,
                lp_bound=lp_bound,
            )
            if result is not None:
                selected, objective = result
                gap = (lp_bound - objective) / max(abs(lp_bound), 1e-9)
                if _DEBUG:
                    print("core", size, objective, lp_bound, gap)
                if gap <= self.mip_gap:
                    break
                if best is None or objective > best[1]:
                    best = (selected, objective)
            if size * 4 > self.n_candidates:
                # the core did not get close enough: the full MIP decides, starting from the best
                self._best_core = best[0] if best is not None else None
                return None
            size *= 4
        outcome = self.evaluate_selected(selected)
        outcome.status = "optimal"
        outcome.bound = lp_bound
        outcome.gap = max(0.0, gap)
        return outcome

    def _bounds(
        self,
        amounts: np.ndarray,
        caps: np.ndarray,
        col_lower: np.ndarray,
        col_upper: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Row and column bounds of the whole model under these limits (as `_apply` sets them)."""
        row_lower = self._row_lower0.copy()
        row_upper = self._row_upper0.copy()
        lower, upper = row_limits(self._coupling.kind, self._coupling.ref, amounts, caps)
        row_lower[self._coupling_row] = lower
        row_upper[self._coupling_row] = upper
        lower = self._col_lower0.copy()
        upper = self._col_upper0.copy()
        lower[: self.n_x] = col_lower
        upper[: self.n_x] = col_upper
        if self.pooled_lines:
            k = len(self.pooled_lines)
            upper[self.col_out0 : self.col_out0 + k] = (
                self.pool_share * amounts[np.array(self.pooled_lines)]
            )
        return row_lower, row_upper, lower, upper

    def _columns(self, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The CSC slice (start, index, value) of the given columns."""
        begin = self._a_start[cols]
        length = self._a_start[cols + 1] - begin
        offsets = np.repeat(begin - np.concatenate([[0], np.cumsum(length)[:-1]]), length)
        pos = np.arange(int(length.sum())) + offsets
        start = np.concatenate([[0], np.cumsum(length)])
        return start, self._a_index[pos], self._a_value[pos]

    def _solve_sub(
        self,
        free: np.ndarray,
        decided: np.ndarray,
        row_lower: np.ndarray,
        row_upper: np.ndarray,
        col_lower: np.ndarray,
        col_upper: np.ndarray,
        *,
        lp_bound: float = math.inf,
    ) -> tuple[np.ndarray, float] | None:
        """The MIP over the free candidates only, the others fixed at the LP's (integral) options.

        A small model of its own (the fixed columns moved into the right-hand sides), so HiGHS's
        presolve does not walk the whole city each time. Returns (plan, objective) or None.

        The search stops as soon as a plan is within ``mip_gap`` of ``lp_bound`` (HiGHS's
        ``objective_target``): that is the certificate the caller checks, and proving the core's own
        optimum beyond it cost seconds per re-solve once money binds. (Offering the
        reference plan as a start costs HiGHS an LP to complete it, more than the search it saves.)
        """
        free_col = free[self.col_cand]
        fixed_on = np.nonzero(~free_col & decided)[0]
        # what the fixed candidates already use of every row
        _, f_index, f_value = self._columns(fixed_on)
        used = np.bincount(f_index, weights=f_value, minlength=self.n_rows)
        x_cols = np.nonzero(free_col)[0]
        cols = np.concatenate([x_cols, np.arange(self.n_x, self.n_cols)])
        start, index, value = self._columns(cols)
        row_lower = row_lower - used
        row_upper = row_upper - used
        # Only the rows the free columns touch, and the shared ones (limits, floors, targets): the
        # one-option rows of thousands of fixed candidates would only be presolved away again. A
        # row with no free column that its fixed part already breaks stays, so HiGHS says so.
        keep = np.zeros(self.n_rows, dtype=bool)
        keep[self.n_candidates :] = True
        keep[index] = True
        keep |= (row_lower > 1e-9) | (row_upper < -1e-9)
        new_row = np.cumsum(keep) - 1
        n_kept = int(keep.sum())
        lp = highspy.HighsLp()
        lp.num_col_ = len(cols)
        lp.num_row_ = n_kept
        lp.sense_ = highspy.ObjSense.kMaximize
        lp.col_cost_ = self._objective[cols]
        lp.col_lower_ = col_lower[cols]
        lp.col_upper_ = col_upper[cols]
        lp.row_lower_ = row_lower[keep]
        lp.row_upper_ = row_upper[keep]
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.num_col_ = len(cols)
        lp.a_matrix_.num_row_ = n_kept
        lp.a_matrix_.start_ = start.astype(np.int32)
        lp.a_matrix_.index_ = new_row[index].astype(np.int32)
        lp.a_matrix_.value_ = value
        kinds = [highspy.HighsVarType.kInteger] * len(x_cols) + [
            highspy.HighsVarType.kContinuous
        ] * (self.n_cols - self.n_x)
        lp.integrality_ = kinds
        h = self._sub_highs
        h.clearModel()
        fixed_objective = float(self._objective[fixed_on].sum())
        # the core is small: solve it tightly, so that the gap left is the core's choice ...
        h.setOptionValue("mip_rel_gap", self.mip_gap / 10.0)
        # ... but stop once the plan is certified against the whole model's LP bound (a little
        # inside mip_gap, so that rounding cannot leave it just outside)
        target = -_INF
        if self.mip_gap > 0 and math.isfinite(lp_bound):
            target = lp_bound - 0.98 * self.mip_gap * max(abs(lp_bound), 1e-9) - fixed_objective
        h.setOptionValue("objective_target", target)
        h.setOptionValue("time_limit", min(self.time_limit, self.core_time_limit))
        if h.passModel(lp) != highspy.HighsStatus.kOk:
            return None
        h.run()
        info = h.getInfo()
        if info.primal_solution_status != 2:  # no plan
            return None
        values = np.zeros(self.n_x)
        values[fixed_on] = 1.0
        values[x_cols] = np.asarray(h.getSolution().col_value)[: len(x_cols)]
        objective = float(info.objective_function_value) + fixed_objective
        return self._selected_from_values(values), objective

    def _solve_full(
        self,
        amounts: np.ndarray,
        caps: np.ndarray,
        col_lower: np.ndarray,
        col_upper: np.ndarray,
        lock_map: Mapping[str, str],
        start: np.ndarray | None,
    ) -> PlanOutcome:
        """The whole MIP to ``mip_gap``, with a warm start when one fits."""
        m = self._mip_highs
        self._apply(m, amounts, caps, col_lower, col_upper)
        m.clearSolver()
        m.setOptionValue("mip_rel_gap", self.mip_gap)
        # the fallback is rare (a big step, a tight budget); analyses run many solves, so it gets a
        # shorter leash and reports its gap rather than hold up the whole analysis
        m.setOptionValue("time_limit", min(self.time_limit, self.fallback_time_limit))
        if start is not None and self.plan_fits(np.asarray(start), amounts, caps, lock_map):
            idx = np.asarray(start, dtype=np.int32)
            m.setSolution(len(idx), idx, np.ones(len(idx)))
        m.run()
        status = m.getModelStatus()
        info = m.getInfo()
        has_plan = info.primal_solution_status == 2  # kSolutionStatusFeasible
        if not has_plan:
            return PlanOutcome("infeasible", math.nan, {t: math.nan for t in self.target_names}, {})
        selected = self._selected_from_values(np.asarray(m.getSolution().col_value)[: self.n_x])
        outcome = self.evaluate_selected(selected)
        outcome.status = "optimal" if status == highspy.HighsModelStatus.kOptimal else "feasible"
        outcome.bound = float(info.mip_dual_bound)
        outcome.gap = float(info.mip_gap)
        return outcome

    def _selected_from_values(self, x: np.ndarray) -> np.ndarray:
        """The column with the largest value per candidate (values are 0/1 up to tolerance)."""
        # sort by candidate, then by decreasing value; the first of each candidate's run wins
        order = np.lexsort((-np.clip(x, 0.0, 1.0), self.col_cand))
        return order[self.cand_start[:-1]].astype(np.int64)

    def solve_relaxation(
        self,
        *,
        budgets: Mapping[str, float] | None = None,
        capacities: Mapping[str, float] | None = None,
        locks: Mapping[str, str] | None = None,
    ) -> dict[str, object]:
        """Solve the LP relaxation and return its objective and shadow prices.

        Returns
        -------
        dict
            ``status``, ``objective`` (LP objective incl. tie-breaks), ``fund_lines`` {line: attainment
            per 万元 of amount}, ``resources`` {resource: attainment per unit of capacity}. A pooled
            fund line's price includes the value of the larger transfer allowance that comes with a
            larger amount (pool_share × the dual of its outflow cap).
        """
        amounts, caps = self._limit_arrays(budgets, capacities)
        lock_map = dict(self.base_locks if locks is None else locks)
        col_lower, col_upper = self._column_bounds_for_locks(lock_map)
        h = self._lp_highs
        self._apply(h, amounts, caps, col_lower, col_upper)
        h.run()
        sol = h.getSolution()
        sense = self._lp.sense_
        row_dual = np.asarray(sol.row_dual)
        col_dual = np.asarray(sol.col_dual)
        lines = {}
        for f, name in enumerate(self.fund_lines):
            price = shadow_price_from_highs(row_dual[self.row_line0 + f], sense)
            if f in self.pooled_lines:
                k = self.pooled_lines.index(f)
                # the outflow cap is pool_share × amount: its column dual counts too
                price += self.pool_share * shadow_price_from_highs(
                    col_dual[self.col_out0 + k], sense
                )
            lines[name] = price
        resources = {
            name: shadow_price_from_highs(row_dual[self.row_res0 + r], sense)
            for r, name in enumerate(self.resource_names)
        }
        return {
            "status": h.modelStatusToString(h.getModelStatus()),
            "objective": float(h.getInfo().objective_function_value),
            "fund_lines": lines,
            "resources": resources,
        }

    # ------------------------------------------------------------------ evaluation
    def selected_from_choices(self, choices: Mapping[str, str]) -> np.ndarray:
        """Column index per candidate for a plan given as {candidate_id: option}."""
        sel = self.cand_start[:-1].copy()
        for cand, option in choices.items():
            if option == NONE_OPTION:
                continue
            sel[self._cand_pos[cand]] = self.option_col[(cand, option)]
        return sel

    def expected_of(self, selected: np.ndarray) -> np.ndarray:
        """Expected value per target E_t of a plan."""
        p = self.col_prob[selected]
        return (self.cand_value * p[:, None]).sum(axis=0)

    def attainment_of_expected(self, expected: np.ndarray) -> float:
        """Σ_t weight_t × min(1, E_t / goal_t)."""
        return float((self.weights * np.minimum(1.0, expected / self.goals)).sum())

    def evaluate_selected(self, selected: np.ndarray) -> PlanOutcome:
        """Attainment and expectations of a plan (no feasibility check)."""
        expected = self.expected_of(selected)
        choices = {
            self.candidate_ids[i]: self.col_option[j]
            for i, j in enumerate(selected)
            if self.col_option[j] != NONE_OPTION
        }
        return PlanOutcome(
            status="feasible",
            attainment=self.attainment_of_expected(expected),
            expected=dict(zip(self.target_names, expected.tolist(), strict=True)),
            choices=choices,
            selected=np.asarray(selected, dtype=np.int64).copy(),
        )

    def evaluate(self, choices: Mapping[str, str]) -> PlanOutcome:
        """Attainment and expectations of a plan given as {candidate_id: option}."""
        return self.evaluate_selected(self.selected_from_choices(choices))

    def line_use(self, selected: np.ndarray) -> np.ndarray:
        """Money drawn on each fund line (up-front costs + entitlement reserves), 万元."""
        upfront, reserve = fund_needs(self.problem, self.slots_of(selected))
        return upfront + reserve

    def plan_fits(
        self,
        selected: np.ndarray | None,
        amounts: np.ndarray,
        caps: np.ndarray,
        locks: Mapping[str, str],
        tol: float = 1e-6,
    ) -> bool:
        """Whether a plan keeps every rule (`optimizer.evaluate.rule_excess`, within ``tol``) under
        the given limits and locks."""
        if selected is None:
            return False
        selected = np.asarray(selected, dtype=np.int64)
        for cand, option in locks.items():
            j = selected[self._cand_pos[cand]]
            if option == ANY_OPTION:
                if self.col_option[j] == NONE_OPTION:
                    return False
            elif self.col_option[j] != option:
                return False
        excess = rule_excess(self._limited(amounts, caps), self.slots_of(selected))
        return not np.any(excess > tol)
