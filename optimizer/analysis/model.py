"""What-if analysis over the optimizer's model: change limits, locks or probabilities, solve again.

The analyses ask the same question many times with one number changed (a fund line's amount, a
resource's capacity, a lock, the success probabilities). `PlanModel` is a thin layer over
`optimizer.solve.AllocationModel` — the one compiled Problem, the one built HiGHS model and the one
solve path (LP relaxation, rounding, growing core MIPs stopped within the gap of the LP bound, exact
MILP as fallback) that `optimizer.solve` uses. Each what-if changes that model's numbers
(`set_limits`, `set_locks`; other probabilities get a model of their own, `with_probabilities`) and
calls `AllocationModel.search`, warm-started from the plan in hand; the LP prices come from the same model (`AllocationModel.relaxation`). A rule added to
the optimizer therefore appears here, in `solve` and in `evaluate_plan` at once.

What this module adds is the analyses' view of a plan: one "column" per (candidate, valid option)
*including* "none", so a plan is one column index per candidate, plus the plan check
(`optimizer.evaluate.rule_excess`). ``tests/test_analysis_model.py`` checks it against
``optimizer.solve`` on small instances.
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import highspy
import numpy as np
import numpy.typing as npt

from data.schema import NONE_OPTION, Workbook
from optimizer.evaluate import fund_needs, rule_excess
from optimizer.problem import ANY_SLOT, FAILED, FREE, SUCCEEDED, Problem, compile_problem
from optimizer.quiet import quiet_stdout
from optimizer.solve import AllocationModel

# A lock value meaning "any option except none" (used to force a candidate into the plan).
ANY_OPTION = "*"
# Decimals kept of the probabilities a model is given (see `PlanModel.with_probabilities`).
PROBABILITY_PLACES = 6
# Today's plan (see `PlanModel.solve`) is polished to this share of the gap.
BASE_GAP_SHARE = 0.7


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
    """The allocation problem of one workbook, solved again and again with changed limits or locks.

    Parameters
    ----------
    wb : Workbook
        The planning workbook.
    mip_gap : float
        Relative gap to the bound at which a re-solve stops (1e-3 suits the many re-solves).
    time_limit : float
        Seconds per solve.
    threads : int
        Solver threads (fixed, for reproducible results).
    probability_factor : np.ndarray, optional
        Multiplier per option column for robustness samples (probabilities are clipped to [0, 1]).

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
    ) -> None:
        self.wb = wb
        self.mip_gap = float(mip_gap)
        self.time_limit = float(time_limit)
        self.threads = int(threads)
        self._prepare(wb, probability_factor, _probabilities)
        self._base_outcome: PlanOutcome | None = None  # today's plan, once solved
        # Whether the plan `solve()` gives is today's plan, the start of every re-solve, and so worth
        # polishing below the gap: not for a model with other probabilities (`with_probabilities`).
        self._polish_today = True

    def __getstate__(self) -> dict[str, object]:
        """Pickled without its solver objects (HiGHS models): a worker builds its own
        (`optimizer.analysis.parallel`)."""
        state = dict(self.__dict__)
        state["_allocation_model"] = None
        state.pop("_shipment", None)
        state.pop("_fit_uncertainty", None)  # robustness samples in the calling process
        return state

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
        self._cand_pos = {c: i for i, c in enumerate(self.candidate_ids)}
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
        # success probability of each column: always the Problem's (see _set_probabilities)
        self.col_prob = problem.prob[col_cand, col_slot]
        self._allocation_model: AllocationModel | None = None  # built on first solve
        if probabilities is not None:
            self._set_probabilities(np.asarray(probabilities, dtype=float).copy())
        elif factor is not None:
            self._set_probabilities(np.clip(self.col_prob * np.asarray(factor, dtype=float), 0, 1))

    def _set_probabilities(self, col_prob: np.ndarray) -> None:
        """Give the columns other success probabilities: a Problem of its own with changed ``prob``
        (its reserves, rows and tie-breaks follow from it), and so a model of its own."""
        problem = copy.copy(self.problem)
        problem.prob = self.problem.prob.copy()
        # What already happened this year is not uncertain: a succeeded or failed candidate keeps its
        # 1 or 0 whatever the sampled or scaled probabilities (docs/workbook.md, actuals).
        settled = np.isin(problem.status[self.col_cand], [SUCCEEDED, FAILED])
        col_prob = np.where(settled, self.problem.prob[self.col_cand, self.col_slot], col_prob)
        problem.prob[self.col_cand, self.col_slot] = col_prob
        self.problem = problem
        self.col_prob = problem.prob[self.col_cand, self.col_slot]
        self._allocation_model = None

    def _model(self) -> AllocationModel:
        """The optimizer's model of this Problem (a copy whose limits and locks it may change)."""
        if self._allocation_model is None:
            problem = copy.copy(self.problem)
            problem.amount = self.problem.amount.copy()
            problem.capacity = self.problem.capacity.copy()
            problem.lock = self.problem.lock.copy()
            self._allocation_model = AllocationModel(problem)
        return self._allocation_model

    def slots_of(self, selected: np.ndarray) -> np.ndarray:
        """The Problem's slot per candidate of a plan given as one column per candidate."""
        return np.asarray(selected, dtype=np.int64) - self.cand_start[:-1]

    def selected_of(self, slots: np.ndarray) -> np.ndarray:
        """A plan given as slots, as one column per candidate."""
        return np.asarray(slots, dtype=np.int64) + self.cand_start[:-1]

    def _limited(self, amounts: np.ndarray, caps: np.ndarray) -> Problem:
        """The Problem with other amounts and capacities (a shallow copy; the model's stays as is)."""
        problem = copy.copy(self.problem)
        problem.amount = np.asarray(amounts, dtype=float)
        problem.capacity = np.asarray(caps, dtype=float)
        return problem

    def with_probabilities(self, probabilities: np.ndarray) -> PlanModel:
        """A copy of this model with other success probabilities per column (same limits and locks).

        Cheaper than compiling the workbook again: only the solver's model is built anew. The
        probabilities are kept to `PROBABILITY_PLACES` decimals (a robustness sample's are drawn with
        all 17 digits): far below any estimate's uncertainty, and the exact rule checks then run in
        64-bit integers (`optimizer.evaluate`, docs/optimizer.md).
        """
        other = copy.copy(self)
        kept = np.round(
            np.clip(np.asarray(probabilities, dtype=float), 0.0, 1.0), PROBABILITY_PLACES
        )
        other._set_probabilities(kept)
        other._base_outcome = None
        # A robustness sample: its plan only feeds shares, and the polish doubled the time of every
        # sample that did not stop after its LP (docs/analytics.md, "Robustness").
        other._polish_today = False
        other.__dict__.pop("_shipment", None)  # another model: the workers must get it anew
        other.__dict__.pop("_fit_uncertainty", None)
        return other

    def reserve_per_column(self) -> np.ndarray:
        """Reserve of each column: award and paid-on-success reserves (`Problem.reserve_share`)."""
        p = self.problem
        return (p.reserve + p.success_reserve)[self.col_cand, self.col_slot]

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

    def _lock_array(self, locks: Mapping[str, str]) -> np.ndarray:
        """`Problem.lock` for these locks: a slot, ``ANY_SLOT`` for `ANY_OPTION`, else ``FREE``."""
        lock = np.full(self.n_candidates, FREE, dtype=np.int64)
        for cand, option in locks.items():
            if cand not in self._cand_pos:
                raise ValueError(f"lock names unknown candidate {cand!r}")
            i = self._cand_pos[cand]
            if option == ANY_OPTION:
                lock[i] = ANY_SLOT
                continue
            j = self.option_col.get((cand, option))
            if j is None:
                raise ValueError(f"lock names unknown option {option!r} for candidate {cand!r}")
            lock[i] = self.col_slot[j]
        return lock

    def _set(
        self,
        budgets: Mapping[str, float] | None,
        capacities: Mapping[str, float] | None,
        locks: Mapping[str, str] | None,
    ) -> tuple[AllocationModel, np.ndarray, np.ndarray, dict[str, str]]:
        """Put these limits and locks into the optimizer's model (missing = the workbook's)."""
        amounts, caps = self._limit_arrays(budgets, capacities)
        lock_map = dict(self.base_locks if locks is None else locks)
        lock = self._lock_array(lock_map)
        model = self._model()
        model.set_limits(amounts, caps)
        model.set_locks(lock)
        return model, amounts, caps, lock_map

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

        The optimizer's solve path (`AllocationModel.search`) on the one built model: LP relaxation
        (a hot start when only limits changed), rounding, core MIPs until the plan is within
        ``mip_gap`` of the LP bound, the full MILP as fallback.

        Parameters
        ----------
        budgets, capacities : mapping, optional
            Fund-line amounts (万元) and resource capacities that replace the workbook's.
        locks : mapping, optional
            The complete set of locks to use ``{candidate_id: option}``; ``None`` means the
            workbook's locks. ``ANY_OPTION`` forces some support option; ``none`` rules support out.
        warm_start : PlanOutcome or array, optional
            A plan in hand: the search starts from it when it keeps every rule under these limits
            and beats the rounded LP plan.
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
        model, amounts, caps, lock_map = self._set(budgets, capacities, locks)
        start = warm_start
        if isinstance(start, PlanOutcome):
            start = start.selected if start.feasible and len(start.selected) else None
        with quiet_stdout():
            found = model.search(
                time_limit=self.time_limit,
                mip_gap=self.mip_gap,
                threads=self.threads,
                start=None if start is None else self.slots_of(np.asarray(start)),
            )
            if (
                plain
                and self._polish_today
                and found.slots is not None
                and found.gap > BASE_GAP_SHARE * self.mip_gap
            ):
                # Today's plan is the start of every re-solve. Polished a little below the gap (one
                # more search from it), it leaves room, so that a re-solve after a small change often
                # starts within the gap already and stops after its LP. (With less than the full time
                # limit its core MIPs get under 1 s each, and on the demo city the polish then
                # failed at random.)
                polished = model.search(
                    time_limit=self.time_limit,
                    mip_gap=BASE_GAP_SHARE * self.mip_gap,
                    threads=self.threads,
                    start=found.slots,
                )
                if polished.slots is not None and polished.objective > found.objective:
                    status = "optimal" if polished.gap <= self.mip_gap else polished.status
                    found = replace(polished, status=status)
        if found.slots is None:
            outcome = PlanOutcome(
                "infeasible", math.nan, {t: math.nan for t in self.target_names}, {}
            )
        else:
            outcome = self.evaluate_selected(self.selected_of(found.slots))
            outcome.status = found.status
            outcome.bound = found.bound
            outcome.gap = found.gap
        outcome.seconds = time.perf_counter() - t0
        if keep_if_better is not None:
            kept = self._kept(outcome, keep_if_better, amounts, caps, lock_map)
            if kept is not outcome:
                return kept
        if plain:
            self._base_outcome = copy.deepcopy(outcome)
        return outcome

    def kept_if_better(
        self,
        outcome: PlanOutcome,
        known: PlanOutcome,
        *,
        budgets: Mapping[str, float] | None = None,
        capacities: Mapping[str, float] | None = None,
        locks: Mapping[str, str] | None = None,
    ) -> PlanOutcome:
        """``known`` (marked ``carried``) when it beats ``outcome`` and keeps every rule under these
        limits and locks, else ``outcome``: `solve`'s ``keep_if_better`` after the fact."""
        amounts, caps = self._limit_arrays(budgets, capacities)
        lock_map = dict(self.base_locks if locks is None else locks)
        return self._kept(outcome, known, amounts, caps, lock_map)

    def _kept(
        self,
        outcome: PlanOutcome,
        known: PlanOutcome,
        amounts: np.ndarray,
        caps: np.ndarray,
        lock_map: Mapping[str, str],
    ) -> PlanOutcome:
        if (
            known.feasible
            and (not outcome.feasible or known.attainment > outcome.attainment + 1e-12)
            and self.plan_fits(known.selected, amounts, caps, lock_map)
        ):
            kept = self.evaluate_selected(known.selected)
            kept.status = "feasible"
            kept.carried = True
            kept.bound = outcome.bound
            kept.seconds = outcome.seconds
            return kept
        return outcome

    def solve_relaxation(
        self,
        *,
        budgets: Mapping[str, float] | None = None,
        capacities: Mapping[str, float] | None = None,
        locks: Mapping[str, str] | None = None,
    ) -> dict[str, object]:
        """Solve the LP relaxation of the optimizer's model and return its objective and shadow prices.

        Returns
        -------
        dict
            ``status``, ``objective`` (LP objective incl. tie-breaks), ``fund_lines`` {line: attainment
            per 万元 of amount}, ``resources`` {resource: attainment per unit of capacity}. A pooled
            fund line's price includes the value of the larger transfer allowance that comes with a
            larger amount (`optimizer.model.HighsModel.limit_prices`).
        """
        model, *_ = self._set(budgets, capacities, locks)
        with quiet_stdout():
            lp = model.relaxation(time_limit=self.time_limit, threads=self.threads)
        return {
            "status": lp.status,
            "objective": lp.objective,
            "fund_lines": dict(zip(self.fund_lines, lp.fund_prices.tolist(), strict=True)),
            "resources": dict(zip(self.resource_names, lp.resource_prices.tolist(), strict=True)),
        }

    def lp_support(
        self,
        candidate_id: str,
        *,
        budgets: Mapping[str, float] | None = None,
        capacities: Mapping[str, float] | None = None,
    ) -> float:
        """How far the LP relaxation supports a candidate under these limits and today's locks: the
        sum of its option variables (0 = not at all, 1 = fully; NaN when the LP has no solution).
        Milliseconds (a hot-started simplex): a cheap first guess for a search over re-solves."""
        model, *_ = self._set(budgets, capacities, None)
        i = self._cand_pos[candidate_id]
        lock = int(model.problem.lock[i])
        if lock >= 0:
            return 0.0 if lock == 0 else 1.0
        if model.form.nv == 0:
            return 0.0
        with quiet_stdout():
            status, x, _, _ = model.highs_model().solve_lp(
                time_limit=self.time_limit, threads=self.threads
            )
        if status != "optimal":
            return math.nan
        return float(x[model.form.var_cand == i].sum())

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
