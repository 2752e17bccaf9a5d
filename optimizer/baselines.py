"""Simple plans to compare the optimum against (do nothing, greedy, proportional) and the greedy fill the fast path uses."""

from __future__ import annotations

import functools

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
        self.expected = (problem.prob[rows, self.slots] @ problem.values).tolist()
        # Entitlement reserve (on the award line) and cost + paid-on-success reserve (on the option's
        # line) per slot: made once per problem (`Problem.derived`), a re-solve builds several ledgers.
        self.reserve, self.own_line = problem.derived(
            "ledger", lambda: (problem.reserve, problem.cost + problem.success_reserve)
        )

    @functools.cached_property
    def _floor_share(self) -> list[float]:
        return self.p.floor_share.tolist()

    def try_move(self, i: int, k: int) -> bool:
        """Give candidate i slot k if every rule still holds; return whether it was applied."""
        p = self.p
        cur = int(self.slots[i])
        if k == cur:
            return True
        # The numbers are read one by one as Python scalars (`ndarray.item`): the proportional plan
        # calls this once per queued candidate, and turning whole arrays into lists first cost more
        # than all the calls (docs/optimizer.md); the values, and so the plans, are the same.
        # Money: the cost lines of both slots and the award line.
        delta: dict[int, float] = {}
        line, own = p.line, self.own_line
        lc, lk = line.item(i, cur), line.item(i, k)
        if lc >= 0:
            delta[lc] = delta.get(lc, 0.0) - own.item(i, cur)
        if lk >= 0:
            delta[lk] = delta.get(lk, 0.0) + own.item(i, k)
        la = p.award_line.item(i)
        if la >= 0:
            reserve = self.reserve
            delta[la] = delta.get(la, 0.0) + (reserve.item(i, k) - reserve.item(i, cur))
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
            # One resource at a time on Python floats: the same sums as numpy's, without its
            # overhead on three or four numbers.
            use_k, use_cur, used = p.use[i, k].tolist(), p.use[i, cur].tolist(), self.used
            for r, capacity in enumerate(self.capacity):
                du = use_k[r] - use_cur[r]
                if du > 0 and used[r] + du > capacity + FEASIBILITY_TOL:
                    return False
        dcost = p.cost.item(i, k) - p.cost.item(i, cur)
        d_idx = p.district_index.item(i)
        if self.respect_floors and dcost != 0:
            total = self.total_cost + dcost
            for d, share in enumerate(self._floor_share):
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
            self.used = [(u + a) - b for u, a, b in zip(self.used, use_k, use_cur, strict=True)]
        if d_idx >= 0:
            self.by_district[d_idx] += dcost
        self.total_cost += dcost
        dp = p.prob.item(i, k) - p.prob.item(i, cur)
        for t, value in enumerate(p.values[i].tolist()):
            if value != 0:
                self.expected[t] += value * dp
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
        moved = _MoveSequence(ledger, ii[order], kk[order], open_t).apply()
        if not moved:
            break
    return ledger.slots


class _MoveSequence:
    """One greedy round's moves applied in order, as `Ledger.try_move` one by one would, a block at a time.

    The round tries the moves in ratio order: a candidate changes at most once, a move is kept when
    every rule still holds, and the round ends after a move that brings an open target to its goal.
    Done move by move in Python that is a step per option (the greedy baseline took 93 s of a
    200,000-candidate run, docs/optimizer.md). Here a block of moves is checked at once as if all were
    kept — the running totals are cumulative sums — up to the first that breaks a rule; then the moves
    after it are checked against the totals as they stand, up to the first that fits. The sums add the
    same numbers in the same order as `try_move`, so the totals, and so the plans, are the same to the
    last bit.
    """

    BLOCK = 64  # the first block; it doubles while every move fits, up to MAX_BLOCK
    MAX_BLOCK = 1 << 16
    SHORT = 8  # a block that keeps fewer moves than this, after a short refused run: one by one
    ONE_BY_ONE = 512

    def __init__(self, ledger: Ledger, ii: np.ndarray, kk: np.ndarray, open_t: np.ndarray):
        p = ledger.p
        self.ledger, self.p = ledger, p
        self.ii, self.kk, self.open_t = ii, kk, open_t
        cur = ledger.slots[ii]
        n_lines = len(p.amount)
        m = len(ii)
        own = ledger.own_line
        lc, lk, la = p.line[ii, cur], p.line[ii, kk], p.award_line[ii]
        rows = np.arange(m)
        # Each move's change per fund line, built in try_move's order: − own cost of the current slot,
        # + own cost of the new one, + the change of the award reserve.
        delta = np.zeros((m, n_lines))
        has = lc >= 0
        delta[rows[has], lc[has]] = 0.0 - own[ii, cur][has]
        has = lk >= 0
        delta[rows[has], lk[has]] += own[ii, kk][has]
        has = la >= 0
        delta[rows[has], la[has]] += (ledger.reserve[ii, kk] - ledger.reserve[ii, cur])[has]
        self.delta = delta
        # The lines of each move in try_move's dict order (−1: none), for the pooled sum's additions.
        second = np.where((lk >= 0) & (lk != lc), lk, -1)
        third = np.where((la >= 0) & (la != lc) & (la != lk), la, -1)
        self.order_lines = np.column_stack([lc, second, third])
        self.can_pool = np.asarray(ledger.can_pool, dtype=bool)
        self.amount = np.asarray(ledger.amount)
        self.give = np.asarray(ledger.give_limit)
        self.use_k = p.use[ii, kk] if p.resources else None
        self.use_cur = p.use[ii, cur] if p.resources else None
        self.dcost = p.cost[ii, kk] - p.cost[ii, cur]
        self.district = p.district_index[ii]
        dp = p.prob[ii, kk] - p.prob[ii, cur]
        self.gains = p.values[ii] * dp[:, None]
        self.touches = p.values[ii] != 0
        self.changed = np.zeros(p.n, dtype=bool)

    def apply(self) -> bool:
        """Apply the moves; True when at least one was kept."""
        m = len(self.ii)
        position, block, moved = 0, self.BLOCK, False
        while position < m:
            end = min(position + block, m)
            span = np.arange(position, end)
            span = span[~self.changed[self.ii[span]]]
            # The later moves of a candidate in the block wait: its first is kept, or it fails first.
            _, first = np.unique(self.ii[span], return_index=True)
            active = span[np.sort(first)]
            if len(active) == 0:
                position = end
                continue
            kept, crossed = self._block(active)
            moved = moved or kept > 0
            if crossed:
                return True
            if kept == len(active):
                position = end
                block = min(block * 2, self.MAX_BLOCK)
                continue
            # active[kept] breaks a rule: skip to the next move that fits the totals as they stand.
            refused = int(active[kept])
            position = self._next_fitting(refused + 1)
            block = self.BLOCK
            if kept < self.SHORT and position - refused < 4 * self.SHORT:
                # Moves that fit and moves that do not alternate (money nearly spent): one by one
                # is cheaper here than a block per kept move.
                position, moved_one, crossed = self._one_by_one(position, self.ONE_BY_ONE)
                moved = moved or moved_one
                if crossed:
                    return True
        return moved

    def _one_by_one(self, position: int, count: int) -> tuple[int, bool, bool]:
        """The next ``count`` moves one at a time, with try_move's tests and sums on this round's
        numbers as Python lists; (where it stopped, kept any, goal reached)."""
        led, p = self.ledger, self.p
        end = min(position + count, len(self.ii))
        span = slice(position, end)
        ii, kk = self.ii[span].tolist(), self.kk[span].tolist()
        deltas, lines = self.delta[span].tolist(), self.order_lines[span].tolist()
        has_use = self.use_k is not None and self.use_cur is not None and len(led.used) > 0
        use_k = self.use_k[span].tolist() if has_use else None  # type: ignore[index]
        use_cur = self.use_cur[span].tolist() if has_use else None  # type: ignore[index]
        dcosts, districts = self.dcost[span].tolist(), self.district[span].tolist()
        gains, touches = self.gains[span].tolist(), self.touches[span].tolist()
        can_pool, amount, give = led.can_pool, led.amount, led.give_limit
        capacity = p.capacity.tolist()
        shares = p.floor_share.tolist() if led.respect_floors else []
        goal_less = (p.goal - 1e-12).tolist()
        open_t = self.open_t.tolist()
        need, pool_term, used, by = led.need, led.pool_term, led.used, led.by_district
        changed = self.changed
        moved = False
        tol = FEASIBILITY_TOL
        for m in range(end - position):
            i = ii[m]
            if changed[i]:
                continue
            d = deltas[m]
            if any(
                not can_pool[f] and d[f] > 0 and need[f] + d[f] > amount[f] + tol
                for f in range(len(d))
            ):
                continue
            pool = led.pool_sum
            for f in lines[m]:
                if f >= 0 and can_pool[f]:
                    pool += max(need[f] + d[f] - amount[f], -give[f]) - pool_term[f]
            if pool > tol and pool > led.pool_sum + 1e-12:
                continue
            if use_k is not None and use_cur is not None:
                uk, uc = use_k[m], use_cur[m]
                if any(
                    uk[r] - uc[r] > 0 and used[r] + (uk[r] - uc[r]) > capacity[r] + tol
                    for r in range(len(uk))
                ):
                    continue
            dcost, mine_at = dcosts[m], districts[m]
            if shares and dcost != 0:
                total = led.total_cost + dcost
                if any(
                    (after := share * total - (by[j] + (dcost if j == mine_at else 0.0))) > tol
                    and after > share * led.total_cost - by[j] + 1e-12
                    for j, share in enumerate(shares)
                ):
                    continue
            # Kept: the totals as try_move adds them.
            for f in lines[m]:
                if f < 0:
                    continue
                need[f] += d[f]
                if can_pool[f]:
                    term = max(need[f] - amount[f], -give[f])
                    led.pool_sum += term - pool_term[f]
                    pool_term[f] = term
            if use_k is not None and use_cur is not None:
                uk, uc = use_k[m], use_cur[m]
                for r in range(len(uk)):
                    used[r] = (used[r] + uk[r]) - uc[r]
            if mine_at >= 0:
                by[mine_at] += dcost
            led.total_cost += dcost
            gain, touched = gains[m], touches[m]
            for t in range(len(gain)):
                if touched[t]:
                    led.expected[t] += gain[t]
            led.slots[i] = kk[m]
            changed[i] = True
            moved = True
            if any(
                touched[t] and open_t[t] and led.expected[t] >= goal_less[t]
                for t in range(len(gain))
            ):
                return position + m + 1, True, True
        return end, moved, False

    def _state(self) -> tuple:
        led = self.ledger
        return (
            np.asarray(led.need, dtype=float),
            float(led.pool_sum),
            np.asarray(led.used, dtype=float),
            float(led.total_cost),
            np.asarray(led.by_district, dtype=float),
        )

    def _fails(
        self,
        moves: np.ndarray,
        need_before: np.ndarray,
        need_after: np.ndarray,
        pool_before: np.ndarray,
        pool_after: np.ndarray,
        used_before: np.ndarray | None,
        total_before: np.ndarray,
        by_before: np.ndarray,
    ) -> np.ndarray:
        """Which moves break a rule, each against its own totals before it (try_move's tests)."""
        p, led = self.p, self.ledger
        d = self.delta[moves]
        fail = ((d > 0) & (need_after > self.amount + FEASIBILITY_TOL) & ~self.can_pool).any(axis=1)
        fail |= (pool_after > FEASIBILITY_TOL) & (pool_after > pool_before + 1e-12)
        if used_before is not None and self.use_k is not None and self.use_cur is not None:
            du = self.use_k[moves] - self.use_cur[moves]
            fail |= ((du > 0) & (used_before + du > p.capacity + FEASIBILITY_TOL)).any(axis=1)
        if led.respect_floors:
            dcost = self.dcost[moves]
            share = p.floor_share
            mine = np.where(
                np.arange(len(share))[None, :] == self.district[moves][:, None], dcost[:, None], 0.0
            )
            before = share[None, :] * total_before[:, None] - by_before
            after = share[None, :] * (total_before + dcost)[:, None] - (by_before + mine)
            fail |= (dcost != 0) & ((after > FEASIBILITY_TOL) & (after > before + 1e-12)).any(
                axis=1
            )
        return fail

    def _pool_increments(
        self, moves: np.ndarray, need_before: np.ndarray, need_after: np.ndarray
    ) -> np.ndarray:
        """Per move, the pooled sum's three additions in try_move's order (0 where a line is not in it)."""
        term_before = np.maximum(need_before - self.amount, -self.give)
        term_after = np.maximum(need_after - self.amount, -self.give)
        change = np.where(self.can_pool, term_after - term_before, 0.0)
        lines = self.order_lines[moves]
        rows = np.arange(len(moves))[:, None]
        return np.where(lines >= 0, change[rows, np.maximum(lines, 0)], 0.0)

    def _block(self, moves: np.ndarray) -> tuple[int, bool]:
        """Keep the moves up to the first that breaks a rule, all totals as cumulative sums; returns
        (how many were kept, whether a target reached its goal)."""
        led, p = self.ledger, self.p
        need0, pool0, used0, total0, by0 = self._state()
        n = len(moves)
        need = np.cumsum(np.vstack([need0[None, :], self.delta[moves]]), axis=0)
        steps = self._pool_increments(moves, need[:-1], need[1:])
        pool = np.cumsum(np.concatenate([[pool0], steps.ravel()]))
        used = None
        if self.use_k is not None and self.use_cur is not None and len(used0):
            pairs = np.empty((2 * n, len(used0)))
            pairs[0::2] = self.use_k[moves]
            pairs[1::2] = -self.use_cur[moves]  # used + use[k] − use[cur], as try_move adds them
            used = np.cumsum(np.vstack([used0[None, :], pairs]), axis=0)
        dcost = self.dcost[moves]
        total = np.cumsum(np.concatenate([[total0], dcost]))
        spend = np.zeros((n, len(by0)))
        district = self.district[moves]
        has = district >= 0
        spend[np.flatnonzero(has), district[has]] = dcost[has]
        by = np.cumsum(np.vstack([by0[None, :], spend]), axis=0)
        fail = self._fails(
            moves,
            need[:-1],
            need[1:],
            pool[0 : 3 * n : 3],
            pool[3 : 3 * n + 1 : 3],
            used[0 : 2 * n : 2] if used is not None else None,
            total[:-1],
            by[:-1],
        )
        kept = int(np.argmax(fail)) if fail.any() else n
        expected = np.cumsum(
            np.vstack([np.asarray(led.expected, dtype=float)[None, :], self.gains[moves]]), axis=0
        )
        reached = (
            self.touches[moves[:kept]]
            & self.open_t[None, :]
            & (expected[1 : kept + 1] >= p.goal[None, :] - 1e-12)
        ).any(axis=1)
        crossed = bool(reached.any())
        if crossed:
            kept = int(np.argmax(reached)) + 1
        if kept:
            led.need = need[kept].tolist()
            led.pool_sum = float(pool[3 * kept])
            led.pool_term = np.where(
                self.can_pool, np.maximum(need[kept] - self.amount, -self.give), 0.0
            ).tolist()
            if used is not None:
                led.used = used[2 * kept].tolist()
            led.total_cost = float(total[kept])
            led.by_district = by[kept].tolist()
            led.expected = expected[kept].tolist()
            done = moves[:kept]
            led.slots[self.ii[done]] = self.kk[done]
            self.changed[self.ii[done]] = True
        return kept, crossed

    def _next_fitting(self, position: int) -> int:
        """The first move from ``position`` on whose candidate has not moved and that fits the totals
        as they stand (every move before it is refused); the end when none does."""
        m = len(self.ii)
        need0, pool0, used0, total0, by0 = self._state()
        size = self.BLOCK
        while position < m:
            end = min(position + size, m)
            moves = np.arange(position, end)
            moves = moves[~self.changed[self.ii[moves]]]
            if len(moves):
                k = len(moves)
                need_before = np.broadcast_to(need0, (k, len(need0)))
                need_after = need_before + self.delta[moves]
                steps = self._pool_increments(moves, need_before, need_after)
                pool_after = ((pool0 + steps[:, 0]) + steps[:, 1]) + steps[:, 2]
                fail = self._fails(
                    moves,
                    need_before,
                    need_after,
                    np.full(k, pool0),
                    pool_after,
                    np.broadcast_to(used0, (k, len(used0))) if len(used0) else None,
                    np.full(k, total0),
                    np.broadcast_to(by0, (k, len(by0))),
                )
                if not fail.all():
                    return int(moves[int(np.argmin(fail))])
            position = end
            size = min(size * 2, self.MAX_BLOCK)
        return m


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
    funded = [False] * p.n  # a list: read once per queued candidate, faster than numpy scalars
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


def _over(problem: Problem, need: np.ndarray, used: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(fund lines, resources) whose money or capacity a plan exceeds (bool masks), from its money
    needed per line and resources used.

    Pooled lines count as short together: when the pooled lines cannot cover each other, every pooled
    line that could still give more (or needs more than it has) is marked.
    """
    short = need - problem.amount
    can_pool = problem.pooled & (problem.pool_share > 0)
    lines = ~can_pool & (short > FEASIBILITY_TOL)
    pool_sum = float(
        np.where(can_pool, np.maximum(short, -problem.pool_share * problem.amount), 0).sum()
    )
    if pool_sum > FEASIBILITY_TOL:
        lines |= can_pool & (short > -problem.pool_share * problem.amount)
    return lines, used - problem.capacity > FEASIBILITY_TOL


def round_up_with_swaps(
    problem: Problem, slots: np.ndarray, moves: list[tuple[int, int]], score
) -> np.ndarray:
    """Try giving candidate i option k for each (i, k) in turn, dropping the supports that cost the
    least attainment per unit of the money or resource that is short until the plan fits again.

    A trial is kept only when the plan keeps every rule and ``score`` (the solver's objective) rises.
    This recovers what rounding a fractional LP choice down loses when the lines are full of supports
    that add little (for example toward targets already met).

    Each trial keeps running totals (money per line, resources, expected values) and takes a dropped
    support out of them, rather than summing the whole plan again per drop; the kept plan is checked
    in full (`optimizer.evaluate.is_feasible`).
    """
    from optimizer.evaluate import is_feasible

    p = problem
    rows = np.arange(p.n)
    fund = p.derived("fund_coef", p.fund_coef)  # (n, K, F)
    # A start that breaks a rule (rounding can leave a floor unmet) loses to any trial that keeps them.
    best = score(slots) if is_feasible(p, slots) else -np.inf
    values, goal, weight = p.values, p.goal, p.weight
    has_use = bool(p.resources)

    def totals(plan: np.ndarray) -> tuple[np.ndarray, ...]:
        """What each candidate's support adds over "none" (money per line, resources,
        probability), and the plan's money per line, resources used and expected values."""
        own = fund[rows, plan]
        use = p.use[rows, plan] if has_use else np.zeros((p.n, 0))
        prob = p.prob[rows, plan]
        return (
            own - fund[:, 0],
            use - p.use[:, 0] if has_use else use,
            prob - p.base_prob,
            own.sum(axis=0),
            use.sum(axis=0),
            prob @ values,
        )

    now = totals(slots)
    for i, k in moves:
        if p.lock[i] >= 0 or slots[i] == k:
            continue
        trial = slots.copy()
        trial[i] = k
        # The plan's totals with candidate i moved to option k.
        cur = slots[i]
        d_fund, d_use, dprob = now[0].copy(), now[1].copy(), now[2].copy()
        d_fund[i] = fund[i, k] - fund[i, 0]
        need = now[3] + (fund[i, k] - fund[i, cur])
        if has_use:
            d_use[i] = p.use[i, k] - p.use[i, 0]
        used = now[4] + (p.use[i, k] - p.use[i, cur]) if has_use else now[4]
        dprob[i] = p.prob[i, k] - p.prob[i, 0]
        expected = now[5] + values[i] * (p.prob[i, k] - p.prob[i, cur])
        for _ in range(200):
            lines, res = _over(p, need, used)
            if not lines.any() and not res.any():
                break
            att_now = np.minimum(1.0, expected / goal)
            after = np.minimum(1.0, (expected[None, :] - values * dprob[:, None]) / goal[None, :])
            loss = (att_now[None, :] - after) @ weight + 1e-9 * np.abs(dprob)
            freed = d_fund[:, lines].sum(axis=1)
            if res.any():
                freed = freed + d_use[:, res].sum(axis=1)
            donor_ok = (trial > 0) & (p.lock < 0) & (freed > 1e-12)
            donor_ok[i] = False
            if not donor_ok.any():
                break
            ratio = np.where(donor_ok, loss / np.where(donor_ok, freed, 1.0), np.inf)
            j = int(np.argmin(ratio))
            trial[j] = 0
            need = need - d_fund[j]
            used = used - d_use[j]
            expected = expected - values[j] * dprob[j]
            d_fund[j] = 0.0
            d_use[j] = 0.0
            dprob[j] = 0.0
        # The score first: it is cheap, and most trials do not raise it. The rules are checked
        # (exactly, when one binds: `optimizer.evaluate.is_feasible`) only for those that do.
        s = score(trial)
        if s > best and is_feasible(p, trial):
            slots, best = trial, s
            now = totals(slots)
    return slots
