"""Simple plans to compare the optimum against (do nothing, greedy, proportional) and the greedy fill the fast path uses."""

from __future__ import annotations

import numpy as np

from optimizer.problem import FEASIBILITY_TOL, Problem


class Ledger:
    """Running totals of a plan (money per fund line, resources, district spending) for quick moves.

    A move changes one candidate's option; `try_move` applies it only when every budget (with pooled
    transfers), every resource and, if asked, every district floor still holds.
    """

    def __init__(self, problem: Problem, slots: np.ndarray, *, respect_floors: bool = True):
        self.p = problem
        self.slots = np.asarray(slots, dtype=np.int64).copy()
        self.respect_floors = respect_floors and len(problem.floor_districts) > 0
        rows = np.arange(problem.n)
        upfront, reserves = problem.fund_needs(self.slots)
        self.need = (upfront + reserves).tolist()
        self.amount = problem.amount.tolist()
        self.can_pool = (problem.pooled & (problem.pool_share > 0)).tolist()
        self.give_limit = (problem.pool_share * problem.amount).tolist()
        # Pooled lines jointly: Σ max(need − amount, −pool_share × amount) ≤ 0.
        self.pool_term = [
            max(self.need[f] - self.amount[f], -self.give_limit[f]) if self.can_pool[f] else 0.0
            for f in range(len(self.need))
        ]
        self.pool_sum = sum(self.pool_term)
        self.used = problem.use[rows, self.slots].sum(axis=0).tolist() if problem.resources else []
        self.capacity = problem.capacity.tolist()
        self.by_district = np.bincount(
            problem.district_index[problem.district_index >= 0],
            weights=problem.cost[rows, self.slots][problem.district_index >= 0],
            minlength=len(problem.floor_districts),
        ).tolist()
        self.total_cost = float(problem.cost[rows, self.slots].sum())
        self.reserve = problem.reserve  # on the award line
        self.own_line = problem.cost + problem.success_reserve  # on the option's line
        self.expected = (problem.prob[rows, self.slots] @ problem.values).tolist()
        # Python lists of the per-slot numbers `try_move` reads: indexing a list is many times faster
        # than taking numpy scalars one by one, and the greedy plan calls it once per option of every
        # candidate (docs/optimizer.md); the numbers, and so the plans, are the same.
        self._line = problem.line.tolist()
        self._cost = problem.cost.tolist()
        self._own_line = self.own_line.tolist()
        self._reserve = self.reserve.tolist()
        self._prob = problem.prob.tolist()
        self._award_line = problem.award_line.tolist()
        self._district = problem.district_index.tolist()

    def try_move(self, i: int, k: int) -> bool:
        """Give candidate i slot k if every rule still holds; return whether it was applied."""
        p = self.p
        cur = int(self.slots[i])
        if k == cur:
            return True
        # Money: the cost lines of both slots and the award line.
        delta: dict[int, float] = {}
        line, own, cost = self._line[i], self._own_line[i], self._cost[i]
        lc, lk = line[cur], line[k]
        if lc >= 0:
            delta[lc] = delta.get(lc, 0.0) - own[cur]
        if lk >= 0:
            delta[lk] = delta.get(lk, 0.0) + own[k]
        la = self._award_line[i]
        if la >= 0:
            reserve = self._reserve[i]
            delta[la] = delta.get(la, 0.0) + (reserve[k] - reserve[cur])
        pool_sum = self.pool_sum
        for f, d in delta.items():
            need = self.need[f] + d
            if self.can_pool[f]:
                pool_sum += max(need - self.amount[f], -self.give_limit[f]) - self.pool_term[f]
            elif d > 0 and need > self.amount[f] + FEASIBILITY_TOL:
                return False
        if pool_sum > FEASIBILITY_TOL and pool_sum > self.pool_sum + 1e-12:
            return False
        # Resources.
        if self.used:
            du = p.use[i, k] - p.use[i, cur]
            if np.any((du > 0) & (np.asarray(self.used) + du > p.capacity + FEASIBILITY_TOL)):
                return False
        dcost = cost[k] - cost[cur]
        d_idx = self._district[i]
        if self.respect_floors and dcost != 0:
            total = self.total_cost + dcost
            for d, share in enumerate(p.floor_share.tolist()):
                mine = dcost if d == d_idx else 0.0
                before = share * self.total_cost - self.by_district[d]
                after = share * total - (self.by_district[d] + mine)
                if after > FEASIBILITY_TOL and after > before + 1e-12:
                    return False
        # Apply.
        for f, d in delta.items():
            self.need[f] += d
            if self.can_pool[f]:
                term = max(self.need[f] - self.amount[f], -self.give_limit[f])
                self.pool_sum += term - self.pool_term[f]
                self.pool_term[f] = term
        if self.used:
            self.used = (np.asarray(self.used) + p.use[i, k] - p.use[i, cur]).tolist()
        if d_idx >= 0:
            self.by_district[d_idx] += dcost
        self.total_cost += dcost
        dp = self._prob[i][k] - self._prob[i][cur]
        for t in np.nonzero(p.values[i])[0].tolist():
            self.expected[t] += p.values[i, t] * dp
        self.slots[i] = k
        return True


def greedy_fill(
    problem: Problem,
    slots: np.ndarray,
    *,
    allowed: np.ndarray | None = None,
    respect_floors: bool = True,
) -> np.ndarray:
    """Improve a plan by the most attainment gained per 万元, one move at a time, while the rules hold.

    Each round ranks every allowed option change by (gain in weighted expected attainment) / (extra
    money needed, up-front plus reserves) and applies them in that order when they fit;
    a candidate changes at most once per round. Gains are recomputed after a target reaches its goal
    (its marginal value drops to the tie-break weight), and rounds repeat until nothing more fits.
    """
    p = problem
    ledger = Ledger(p, slots, respect_floors=respect_floors)
    allowed = p.valid.copy() if allowed is None else allowed.copy()
    allowed &= p.valid
    allowed[p.lock >= 0] = False
    money = p.money  # what a slot asks of the fund lines in total
    rows = np.arange(p.n)
    for _round in range(len(p.targets) + 8):
        expected = np.asarray(ledger.expected)
        open_t = expected < p.goal - 1e-12
        # Tie-break weight: beyond the goal, more expected still counts a little.
        marginal = p.weight / p.goal * np.where(open_t, 1.0, 1e-6)
        cur = ledger.slots
        gain = (p.prob - p.prob[rows, cur][:, None]) * (p.values @ marginal)[:, None]
        extra = money - money[rows, cur][:, None]
        ok = allowed & (gain > 1e-15)
        ok[rows, cur] = False
        ii, kk = np.nonzero(ok)
        if len(ii) == 0:
            break
        g = gain[ii, kk]
        e = extra[ii, kk]
        ratio = np.where(e > 1e-12, g / np.maximum(e, 1e-12), 1e12 + g)
        order = np.argsort(-ratio, kind="stable")
        changed = bytearray(p.n)  # a list, not numpy: read once per move
        moved = False
        crossed = False
        for i, k in zip(ii[order].tolist(), kk[order].tolist(), strict=True):
            if changed[i]:
                continue
            if ledger.try_move(i, k):
                changed[i] = 1
                moved = True
                for t in np.nonzero(p.values[i])[0].tolist():
                    if open_t[t] and ledger.expected[t] >= p.goal[t] - 1e-12:
                        crossed = True
                if crossed:
                    break
        if not moved:
            break
    return ledger.slots


def do_nothing_plan(problem: Problem) -> np.ndarray:
    """No support for anyone, except what the locks fix."""
    return problem.locked_slots()


def greedy_plan(problem: Problem) -> np.ndarray:
    """Greedy by attainment gained per 万元 from the do-nothing plan (budgets, pooling, resources, locks
    respected; district floors are not: the evaluation reports them)."""
    return greedy_fill(problem, problem.locked_slots(), respect_floors=False)


def proportional_plan(problem: Problem) -> np.ndarray:
    """Each fund line spread evenly over its candidates.

    Every candidate with an option drawing on a line is queued on that line (workbook order) with its
    cheapest such option. The lines take turns (round robin), each giving its next queued candidate that
    option when the money (with pooled transfers), resources and locks allow; a candidate is funded once.
    So money is spread over as many candidates as it reaches, not aimed at the targets.
    """
    p = problem
    ledger = Ledger(p, p.locked_slots(), respect_floors=False)
    queues: list[list[tuple[int, int]]] = []
    cost = np.where(p.valid, p.cost, np.inf)
    for f in range(len(p.fund_lines)):
        on_f = p.valid & (p.line == f)
        on_f[:, 0] = False
        c = np.where(on_f, cost, np.inf)
        best = np.argmin(c, axis=1)
        cand = np.nonzero(np.isfinite(c[np.arange(p.n), best]) & (p.lock < 0))[0]
        queues.append([(int(i), int(best[i])) for i in cand])
    pos = [0] * len(queues)
    funded = np.zeros(p.n, dtype=bool)
    active = True
    while active:
        active = False
        for f, q in enumerate(queues):
            while pos[f] < len(q):
                i, k = q[pos[f]]
                pos[f] += 1
                if funded[i]:
                    continue
                active = True
                if ledger.try_move(i, k):
                    funded[i] = True
                    break
    return ledger.slots


def _violated_rows(problem: Problem, slots: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(fund lines, resources) whose money or capacity a plan exceeds (bool masks).

    Pooled lines count as short together: when the pooled lines cannot cover each other, every pooled
    line that could still give more (or needs more than it has) is marked.
    """
    from optimizer.evaluate import fund_needs

    upfront, reserve = fund_needs(problem, slots)
    need = upfront + reserve
    short = need - problem.amount
    can_pool = problem.pooled & (problem.pool_share > 0)
    lines = ~can_pool & (short > FEASIBILITY_TOL)
    pool_sum = float(
        np.where(can_pool, np.maximum(short, -problem.pool_share * problem.amount), 0).sum()
    )
    if pool_sum > FEASIBILITY_TOL:
        lines |= can_pool & (short > -problem.pool_share * problem.amount)
    rows = np.arange(problem.n)
    used = problem.use[rows, slots].sum(axis=0) if problem.resources else np.zeros(0)
    return lines, used - problem.capacity > FEASIBILITY_TOL


def round_up_with_swaps(
    problem: Problem, slots: np.ndarray, moves: list[tuple[int, int]], score
) -> np.ndarray:
    """Try giving candidate i option k for each (i, k) in turn, dropping the supports that cost the
    least attainment per unit of the money or resource that is short until the plan fits again.

    A trial is kept only when the plan keeps every rule and ``score`` (the solver's objective) rises.
    This recovers what rounding a fractional LP choice down loses when the lines are full of supports
    that add little (for example toward targets already met).
    """
    from optimizer.evaluate import is_feasible

    p = problem
    rows = np.arange(p.n)
    fund = p.fund_coef()  # (n, K, F)
    # A start that breaks a rule (rounding can leave a floor unmet) loses to any trial that keeps them.
    best = score(slots) if is_feasible(p, slots) else -np.inf
    for i, k in moves:
        if p.lock[i] >= 0 or slots[i] == k:
            continue
        trial = slots.copy()
        trial[i] = k
        for _ in range(200):
            lines, res = _violated_rows(p, trial)
            if not lines.any() and not res.any():
                break
            prob = p.prob[rows, trial]
            expected = prob @ p.values
            att_now = np.minimum(1.0, expected / p.goal)
            dprob = prob - p.base_prob  # what dropping each support to "none" takes away
            after = np.minimum(
                1.0, (expected[None, :] - p.values * dprob[:, None]) / p.goal[None, :]
            )
            loss = (att_now[None, :] - after) @ p.weight + 1e-9 * np.abs(dprob)
            freed = (fund[rows, trial] - fund[:, 0])[:, lines].sum(axis=1)
            if res.any():
                freed = freed + (p.use[rows, trial] - p.use[:, 0])[:, res].sum(axis=1)
            donor_ok = (trial > 0) & (p.lock < 0) & (freed > 1e-12)
            donor_ok[i] = False
            if not donor_ok.any():
                break
            ratio = np.where(donor_ok, loss / np.where(donor_ok, freed, 1.0), np.inf)
            trial[int(np.argmin(ratio))] = 0
        if is_feasible(p, trial):
            s = score(trial)
            if s > best:
                slots, best = trial, s
    return slots
