"""The allocation problem of a workbook as numeric arrays, shared by the model, the evaluator and the baselines.

Every candidate gets a row and a fixed number of option *slots*: slot 0 is "none" (no support, base
probability, no cost), slots 1.. are its options in workbook order, padded with invalid slots. All the
coupling rows of docs/workbook.md's problem (fund lines, resources, district floors) are written as
per-slot coefficients, so that a plan (one slot per candidate) is evaluated with a few vectorised sums.

Money owed on success is reserved in one place, `Problem.reserve_share`: min(1, award_prudence × p),
whole for a candidate whose actuals say it succeeded and nothing for one that failed (docs/workbook.md,
actuals). The award reserve (`Problem.reserve`, on the award line) and the paid-on-success reserve
(`Problem.success_reserve`, on the option's own line) both follow from it, and so do `fund_coef`,
`fund_needs` and `money`, which every model, evaluation, baseline and analysis uses. The exact rule
check (`optimizer.evaluate`, docs/optimizer.md) states the same rule again in decimals and in
integers, since floats cannot decide a rule that binds; tests/test_exact.py holds the two to the same
answers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from data.schema import ACT_BY_COLUMN, NONE_OPTION, Workbook

if TYPE_CHECKING:
    import pandas as pd

# Float noise band (万元 or resource units): a rule clearly kept or broken by more than this is decided
# in floats; one within it is decided in exact decimal arithmetic (optimizer.evaluate.exact_violations).
FEASIBILITY_TOL = 1e-6
T = TypeVar("T")
# Values of `Problem.lock` besides a slot: the candidate is free, or must get some option (any but
# "none"; the what-if analyses use it to ask what forcing a candidate into the plan costs).
FREE = -1
ANY_SLOT = -2
# `Problem.status` of a candidate without an actuals row; the others are docs/workbook.md's statuses.
OPEN = ""
SUPPORTED = "supported"
SUCCEEDED = "succeeded"
FAILED = "failed"


@dataclass
class Problem:
    """docs/workbook.md's allocation problem in arrays (see the module docstring for the slot layout)."""

    candidate_ids: list[str]
    names: list[str]
    kinds: list[str]
    districts: list[str]
    option_names: list[list[str]]  # per candidate: ["none", option 1, ...]
    valid: np.ndarray  # (n, K) bool: slot exists
    prob: np.ndarray  # (n, K) success probability under the slot
    cost: np.ndarray  # (n, K) up-front cost, 万元
    line: np.ndarray  # (n, K) fund line index of the cost, -1 when none
    use: np.ndarray  # (n, K, R) resource use
    award: np.ndarray  # (n,) entitlement paid on success
    award_line: np.ndarray  # (n,) fund line index paying the award, -1 when none
    values: np.ndarray  # (n, T) contribution to each target on success
    fund_lines: list[str]
    amount: np.ndarray  # (F,)
    pooled: np.ndarray  # (F,) bool
    resources: list[str]
    resource_units: list[str]
    capacity: np.ndarray  # (R,)
    targets: list[str]
    target_units: list[str]
    goal: np.ndarray  # (T,)
    weight: np.ndarray  # (T,)
    floor_districts: list[str]
    floor_share: np.ndarray  # (D,)
    lock: np.ndarray  # (n,) locked slot; FREE (-1) when free, ANY_SLOT (-2) for any option but none
    pool_share: float
    award_prudence: float
    # (n, K) 万元 paid from the slot's fund line only on success (0 for "none" and padding)
    paid_on_success: np.ndarray
    # (n,) the actuals status (SUPPORTED, SUCCEEDED, FAILED) or OPEN for a candidate not yet decided
    status: np.ndarray
    # (n,) index into floor_districts, -1 if no floor
    district_index: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    @property
    def n(self) -> int:
        return len(self.candidate_ids)

    @property
    def base_prob(self) -> np.ndarray:
        return self.prob[:, 0]

    @property
    def achieved(self) -> np.ndarray:
        """(T,) what the candidates that already succeeded (actuals) add to each target."""
        return self.values[self._settled()[0]].sum(axis=0)

    @property
    def reserve_share(self) -> np.ndarray:
        """(n, K) share of money owed on success that is reserved under each slot.

        min(1, award_prudence × p); 1 for a candidate that succeeded and 0 for one that failed, whatever
        the prudence (docs/workbook.md, actuals). The one definition of a reserve.
        """
        return self._share(self.prob, np.arange(self.n))

    def derived(self, key: str, make: Callable[[], T]) -> T:
        """``make()``, kept with the per-slot arrays it is made from and made again when one of them
        (or the award prudence) is another object: tables that re-solves read many times (the exact
        check's integers, the fund coefficients and reserves the rounding and the greedy ledger read).
        A shallow copy of the problem with other probabilities or costs makes its own. These arrays
        are replaced, never written into, once something is derived from them (amounts, capacities
        and locks are changed in place; nothing derived here reads them)."""
        sources = (
            self.valid,
            self.prob,
            self.cost,
            self.line,
            self.use,
            self.award,
            self.award_line,
            self.paid_on_success,
            self.status,
            self.district_index,
            float(self.award_prudence),
        )
        slot = f"_derived_{key}"
        cached = self.__dict__.get(slot)
        if cached is not None and all(
            a is b or (isinstance(a, float) and a == b)
            for a, b in zip(cached[0], sources, strict=True)
        ):
            value: T = cached[1]
            return value
        value = make()
        self.__dict__[slot] = (sources, value)
        return value

    def _settled(self) -> tuple[np.ndarray, np.ndarray]:
        """(succeeded, failed) masks of the candidates, computed once per ``status`` array: comparing
        a million Python strings took a fifth of a second, several times per solve."""
        return self.derived("settled", lambda: (self.status == SUCCEEDED, self.status == FAILED))

    def _share(self, prob: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """`reserve_share` of the probabilities ``prob`` (rows aligned with ``rows``)."""
        share = np.minimum(1.0, self.award_prudence * prob)
        succeeded, failed = self._settled()
        share[succeeded[rows]] = 1.0
        share[failed[rows]] = 0.0
        return share

    @property
    def reserve(self) -> np.ndarray:
        """(n, K) entitlement reserve under each slot on the award line: reserve_share × award."""
        return self.reserve_share * self.award[:, None]

    @property
    def success_reserve(self) -> np.ndarray:
        """(n, K) paid-on-success reserve under each slot on its own line: reserve_share × paid."""
        return self.reserve_share * self.paid_on_success

    @property
    def money(self) -> np.ndarray:
        """(n, K) all a slot asks of the fund lines: up-front cost plus both reserves."""
        return self.cost + self.reserve + self.success_reserve

    def fund_coef(self) -> np.ndarray:
        """(n, K, F) what each slot needs from each fund line: cost and paid-on-success reserve on its
        line, entitlement reserve on the award line."""
        n, k = self.prob.shape
        coef = np.zeros((n, k, len(self.fund_lines)))
        ii, kk = np.nonzero(self.valid & (self.line >= 0))
        own = self.cost + self.success_reserve
        # one line per (candidate, slot): a plain assignment (np.add.at took seconds at scale)
        coef[ii, kk, self.line[ii, kk]] = own[ii, kk]
        has_award = np.nonzero(self.award_line >= 0)[0]
        if len(has_award):
            coef[has_award, :, self.award_line[has_award]] += self.reserve[has_award]
        return coef

    def fund_needs(self, slots: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(up-front cost, reserves) per fund line under a plan; reserves are the entitlement ones on
        the award lines plus the paid-on-success ones on the options' lines."""
        rows = np.arange(self.n)
        nf = len(self.fund_lines)
        line = self.line[rows, slots]
        paid = line >= 0
        upfront = np.bincount(line[paid], weights=self.cost[rows, slots][paid], minlength=nf)
        share = self._share(self.prob[rows, slots], rows)
        success = share * self.paid_on_success[rows, slots]
        reserve = np.bincount(line[paid], weights=success[paid], minlength=nf)
        has = self.award_line >= 0
        reserve = reserve + np.bincount(
            self.award_line[has], weights=(share * self.award)[has], minlength=nf
        )
        return upfront.astype(float), reserve.astype(float)

    def floor_coef(self) -> np.ndarray:
        """(n, K, D) cost × (1[district = d] − min_share_d): the floor holds when the sum is ≥ 0."""
        own = (
            self.district_index[:, None] == np.arange(len(self.floor_districts))[None, :]
        ).astype(float)
        return self.cost[:, :, None] * (own[:, None, :] - self.floor_share[None, None, :])

    def with_budget(self, fund_line: str, amount: float) -> None:
        """Change one fund line's amount in place."""
        self.amount[self.fund_lines.index(fund_line)] = float(amount)

    def with_capacity(self, resource: str, capacity: float) -> None:
        """Change one resource's capacity in place."""
        self.capacity[self.resources.index(resource)] = float(capacity)

    def slots_from_choices(self, choices: dict[str, str] | None) -> np.ndarray:
        """Slot index per candidate from ``{candidate_id: option}``; missing candidates get "none".

        Raises
        ------
        ValueError
            When a candidate or option is unknown.
        """
        slots = np.zeros(self.n, dtype=np.int64)
        if not choices:
            return slots
        index = {c: i for i, c in enumerate(self.candidate_ids)}
        for cand, opt in choices.items():
            if cand not in index:
                raise ValueError(f"unknown candidate {cand!r}")
            i = index[cand]
            try:
                slots[i] = self.option_names[i].index(str(opt))
            except ValueError:
                raise ValueError(f"candidate {cand!r} has no option {opt!r}") from None
        return slots

    def choices_from_slots(self, slots: np.ndarray) -> dict[str, str]:
        # plain ints from one tolist(), no per-candidate numpy scalar or index lookup
        return {
            c: names[s]
            for c, names, s in zip(
                self.candidate_ids, self.option_names, np.asarray(slots).tolist(), strict=True
            )
        }

    def locked_slots(self) -> np.ndarray:
        """The do-nothing plan with the locks applied."""
        return np.where(self.lock >= 0, self.lock, 0)

    def active_slots(
        self, fund: np.ndarray | None = None, floor: np.ndarray | None = None
    ) -> np.ndarray:
        """(n, K) bool: slots worth offering to a solver (valid, not dominated, respecting locks).

        Slot b is dominated by slot a of the same candidate when a is no less likely, costs no more,
        needs no more of any fund line (cost and reserve) or resource, and helps every district floor at
        least as much; ties keep the lower slot. "none" always stays (it is the default), but it
        dominates no option of a candidate locked to ``ANY_SLOT`` (which may not stay without one).
        """
        n, k = self.prob.shape
        active = self.valid.copy()
        # ``fund`` / ``floor``: `fund_coef()` / `floor_coef()` when the caller has them already
        fund = self.fund_coef() if fund is None else fund
        floor = self.floor_coef() if floor is None else floor
        needs_option = self.lock == ANY_SLOT
        for b in range(1, k):
            for a in range(k):
                if a == b:
                    continue
                both = active[:, a] & active[:, b]
                if a == 0:
                    both &= ~needs_option
                if not both.any():
                    continue
                no_worse = (
                    (self.prob[:, a] >= self.prob[:, b])
                    & (self.cost[:, a] <= self.cost[:, b])
                    & np.all(fund[:, a] <= fund[:, b] + 1e-12, axis=1)
                    & np.all(self.use[:, a] <= self.use[:, b], axis=1)
                    & np.all(floor[:, a] >= floor[:, b] - 1e-12, axis=1)
                )
                identical = (
                    (self.prob[:, a] == self.prob[:, b])
                    & (self.cost[:, a] == self.cost[:, b])
                    & np.all(np.abs(fund[:, a] - fund[:, b]) <= 1e-12, axis=1)
                    & np.all(self.use[:, a] == self.use[:, b], axis=1)
                )
                dominated = both & no_worse & (~identical | (a < b))
                active[dominated, b] = False
        # Locks: a locked candidate has exactly its locked slot.
        locked = self.lock >= 0
        if locked.any():
            active[locked] = False
            active[np.nonzero(locked)[0], self.lock[locked]] = True
        return active


# Above this many option variables `optimizer.solve` uses the structured method (`optimizer.structured`,
# imported only then) instead of the HiGHS LP relaxation (docs/optimizer.md: at 20,000 variables both
# take about a second; beyond, the LP grows faster than linearly and the structured method linearly).
STRUCTURED_MIN_VARS = 20_000


def _text(series: pd.Series) -> list[str]:
    # One conversion to objects, then str() only where needed: iterating an Arrow-backed column value
    # by value with pd.isna was the slowest part of compiling a large workbook (docs/optimizer.md).
    values = series.to_numpy(dtype=object, na_value="")
    return [v if type(v) is str else str(v) for v in values]


def _as_text(series: pd.Series) -> np.ndarray:
    """A column as an object array of str ("" for missing), for hashing against an index."""
    return np.asarray(_text(series), dtype=object)


def _keys(series: pd.Series) -> pd.Series | np.ndarray:
    """A text column as it can be hashed against an index: itself when it is already text without
    gaps (pandas hashes an Arrow string column without a Python object per row), else `_as_text`."""
    import pandas as pd

    if isinstance(series.dtype, pd.StringDtype) and not series.hasnans:
        return series
    return _as_text(series)


def _positions(index: pd.Index, series: pd.Series) -> np.ndarray:
    """Position of each value of ``series`` in ``index`` (hashed by pandas, not one dict lookup a
    row); a value not there raises KeyError, as a dict lookup would."""
    values = _keys(series)
    pos = index.get_indexer(values).astype(np.int64) if len(index) else np.full(len(values), -1)
    if (pos < 0).any():
        raise KeyError(str(np.asarray(values, dtype=object)[pos < 0][0]))
    return pos


def compile_problem(wb: Workbook) -> Problem:
    """Turn a canonical `Workbook` into a `Problem` (arrays of its own: amounts, capacities, locks
    and the settings may be changed in place; the per-slot arrays are replaced, not written into,
    once tables have been derived from them, see `Problem.derived`).

    Parameters
    ----------
    wb : Workbook
        A validated workbook (see ``data.schema``).

    Returns
    -------
    Problem
    """
    import pandas as pd

    cands = wb.candidates
    ids = _text(cands["candidate_id"])
    n = len(ids)
    cand_index = pd.Index(_keys(cands["candidate_id"]))
    fund_lines = _text(wb.budgets["fund_line"])
    resources = wb.resource_names
    targets = _text(wb.targets["target"])

    opts = wb.options
    o_cand = _positions(cand_index, opts["candidate_id"])
    counts = np.bincount(o_cand, minlength=n) if len(o_cand) else np.zeros(n, dtype=np.int64)
    k = 1 + int(counts.max(initial=0))
    # Slot of each option row: 1 + its rank among its candidate's options, in workbook order.
    order = np.argsort(o_cand, kind="stable")
    rank = np.empty(len(o_cand), dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]) if n else np.zeros(0, dtype=np.int64)
    rank[order] = np.arange(len(o_cand)) - np.repeat(starts, counts)
    o_slot = rank + 1

    base = cands["base_probability"].to_numpy(dtype=float)
    valid = np.zeros((n, k), dtype=bool)
    valid[:, 0] = True
    valid[o_cand, o_slot] = True
    prob = np.repeat(base[:, None], k, axis=1)
    prob[o_cand, o_slot] = opts["probability"].to_numpy(dtype=float)
    cost = np.zeros((n, k))
    cost[o_cand, o_slot] = opts["cost"].to_numpy(dtype=float)
    paid_on_success = np.zeros((n, k))
    if "paid_on_success" in opts:
        paid_on_success[o_cand, o_slot] = opts["paid_on_success"].fillna(0.0).to_numpy(dtype=float)
    line = np.full((n, k), -1, dtype=np.int64)
    line[o_cand, o_slot] = pd.Index(fund_lines).get_indexer(_keys(opts["fund_line"]))
    use = np.zeros((n, k, len(resources)))
    for r, name in enumerate(resources):
        if name in opts.columns:
            use[o_cand, o_slot, r] = opts[name].fillna(0.0).to_numpy(dtype=float)
    # per candidate its options in workbook order: slices of the names sorted by candidate
    names = np.asarray(_text(opts["option"]), dtype=object)[order].tolist()
    ends = np.cumsum(counts).tolist() if n else []
    option_names = [[NONE_OPTION, *names[s:e]] for s, e in zip(starts.tolist(), ends, strict=True)]

    award = cands["award"].fillna(0.0).to_numpy(dtype=float) if "award" in cands else np.zeros(n)
    award_line = (
        pd.Index(fund_lines).get_indexer(_keys(cands["award_line"])).astype(np.int64)
        if "award_line" in cands
        else np.full(n, -1, dtype=np.int64)
    )
    award = np.where(award_line >= 0, award, 0.0)

    values = np.zeros((n, len(targets)))
    contrib = wb.contributions
    if len(contrib):
        ci = _positions(cand_index, contrib["candidate_id"])
        ti = _positions(pd.Index(targets), contrib["target"])
        np.add.at(values, (ci, ti), contrib["value"].to_numpy(dtype=float))

    lock = np.full(n, -1, dtype=np.int64)
    locked = _positions(cand_index, wb.locks["candidate_id"]).tolist()
    for i, o in zip(locked, _text(wb.locks["option"]), strict=True):
        lock[i] = option_names[i].index(o)

    # Actuals (docs/workbook.md): a decided candidate is locked to the option it was given; its
    # probability is 1 once it succeeded and 0 once it failed, under every slot.
    status = np.full(n, OPEN, dtype=object)
    for i, st, o in zip(
        _positions(cand_index, wb.actuals["candidate_id"]).tolist(),
        _text(wb.actuals["status"]),
        _text(wb.actuals["option"]),
        strict=True,
    ):
        status[i] = st
        lock[i] = option_names[i].index(o or NONE_OPTION)
        if st == SUCCEEDED:
            prob[i, :] = 1.0
        elif st == FAILED:
            prob[i, :] = 0.0

    # The product's act_by (docs/workbook.md, "act_by"): an option whose last day to act is before
    # as_of can no longer pay off this year, unless it is the option already given or locked.
    as_of = wb.as_of
    act_by = next((c for c in opts.columns if str(c).lower() == ACT_BY_COLUMN), None)
    if as_of is not None and act_by is not None:
        last = pd.to_datetime(
            pd.Series(_text(opts[act_by]), dtype=object).replace("", None), errors="coerce"
        )
        late = (last < pd.Timestamp(as_of)).to_numpy(dtype=bool) & (lock[o_cand] != o_slot)
        valid[o_cand[late], o_slot[late]] = False

    districts = _text(cands["district"])
    floor_districts = _text(wb.floors["district"])
    budgets = wb.budgets
    pooled = (
        budgets["pooled"].to_numpy(dtype=bool)
        if "pooled" in budgets
        else np.ones(len(fund_lines), bool)
    )
    return Problem(
        candidate_ids=ids,
        names=_text(cands["name"]),
        kinds=_text(cands["kind"]),
        districts=districts,
        option_names=option_names,
        valid=valid,
        prob=prob,
        cost=cost,
        line=line,
        use=use,
        award=award,
        award_line=award_line,
        values=values,
        fund_lines=fund_lines,
        amount=budgets["amount"].to_numpy(dtype=float).copy(),
        pooled=pooled.copy(),
        resources=resources,
        resource_units=_text(wb.resources["unit"])
        if "unit" in wb.resources
        else [""] * len(resources),
        capacity=wb.resources["capacity"].to_numpy(dtype=float).copy(),
        targets=targets,
        target_units=_text(wb.targets["unit"]) if "unit" in wb.targets else [""] * len(targets),
        goal=wb.targets["goal"].to_numpy(dtype=float).copy(),
        weight=(
            wb.targets["weight"].fillna(1.0).to_numpy(dtype=float).copy()
            if "weight" in wb.targets
            else np.ones(len(targets))
        ),
        floor_districts=floor_districts,
        floor_share=wb.floors["min_share"].to_numpy(dtype=float).copy(),
        lock=lock,
        pool_share=wb.pool_share,
        award_prudence=wb.award_prudence,
        paid_on_success=paid_on_success,
        status=status,
        district_index=pd.Index(floor_districts).get_indexer(districts).astype(np.int64)
        if floor_districts
        else np.full(n, -1, dtype=np.int64),
    )
