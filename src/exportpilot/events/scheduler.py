"""The 1:1 meeting scheduler: maximise the weight of scheduled requests, with a proven bound.

Pipeline (each phase timed in :attr:`Schedule.timings`, each measured against the bound):

1. **greedy** — the b2match baseline: requests by weight, each in the first slot free for both sides;
2. **bound** — the LP relaxation of a slot-group-indexed model (:mod:`exportpilot.events.bound`), solved
   with OR-Tools' PDLP; its duals give a Lagrangian bound valid whatever the solver's tolerance;
3. **construct** — the meetings the LP chooses, placed in the LP's slot group by bipartite edge colouring
   (a free slot, else moving a meeting out of a full slot, else a Kempe-chain swap), then every other
   request in order of weight, then exchanges (drop a lighter meeting of a side at its cap for a
   heavier one);
4. **lns** — large-neighbourhood search: the requests of a few connected participants are re-solved
   exactly with CP-SAT against the rest of the schedule, kept only when they gain; until the time limit.

The current schedule is feasible at every moment, so the time limit always returns the best one so far.

Re-scheduling: ``fixed`` meetings keep their slot and table; meetings of a ``previous`` schedule that are
still requested start in their old slot and the search pays ``move_penalty`` for each one it moves or
drops, so it moves one only when that gains more than the penalty.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from exportpilot.events._lns import neighbourhood, objective_scale, solve_neighbourhood
from exportpilot.events._model import Compiled, bits, compile_instance
from exportpilot.events._search import exchange, insert, requests_of
from exportpilot.events._state import State, greedy
from exportpilot.events.bound import Bound, combinatorial_bound, lp_bound
from exportpilot.events.instance import Instance, InvalidInstance, Meeting

__all__ = ["Schedule", "Scheduler"]


@dataclass(slots=True)
class Schedule:
    """A feasible schedule and how good it is.

    Attributes
    ----------
    meetings : list of Meeting
        With 1-based tables and the interpreter's language where one is needed.
    weight : float
        Total weight of the scheduled requests (fixed meetings included).
    upper_bound : float
        No schedule of this instance weighs more (a proven bound).
    greedy_weight : float
        The b2match-style greedy baseline on the same instance (and the same fixed meetings).
    timings : dict of str to float
        Seconds per phase: ``compile``, ``greedy``, ``bound``, ``construct``, ``lns``, ``tables``.
    moved : int
        Meetings of the previous schedule (still requested, not fixed) moved to another slot or dropped.
    history : list of (float, float)
        (seconds since the start, weight) each time the best schedule improved.
    lns_iterations, lns_improvements : int
        How many neighbourhoods CP-SAT solved, and how many of them gained.
    """

    meetings: list[Meeting]
    weight: float
    upper_bound: float
    greedy_weight: float
    timings: dict[str, float] = field(default_factory=dict)
    moved: int = 0
    history: list[tuple[float, float]] = field(default_factory=list)
    lns_iterations: int = 0
    lns_improvements: int = 0
    lp_status: str = ""

    @property
    def gap(self) -> float:
        """``(upper_bound - weight) / upper_bound``; 0 when the bound is 0."""
        return 0.0 if self.upper_bound <= 0 else max(0.0, (self.upper_bound - self.weight) / self.upper_bound)

    @property
    def optimal(self) -> bool:
        """Whether the schedule is proven optimal (it reaches the bound)."""
        return self.weight >= self.upper_bound - 1e-6 * max(1.0, self.upper_bound)


class Scheduler:
    """Schedule 1:1 meetings (scikit-learn style: the constructor only stores parameters).

    Parameters
    ----------
    time_limit : float
        Seconds for :meth:`solve`, everything included (it returns the best schedule found by then; on a
        huge instance the greedy baseline alone may take a moment longer than a tiny limit).
    seed : int
        Seed of the neighbourhood choice and of CP-SAT.
    workers : int
        Threads for CP-SAT and the LP.
    move_penalty : float
        Re-scheduling: the cost of moving (or dropping) a meeting of the previous schedule.
    lns : bool
        Whether to run the CP-SAT large-neighbourhood search after the construction.
    bound : bool
        Whether to solve the LP (otherwise the bound is the combinatorial one and the construction
        follows the weights only).

    Examples
    --------
    >>> schedule = Scheduler(time_limit=30).solve(instance)  # doctest: +SKIP
    >>> schedule.weight <= schedule.upper_bound  # doctest: +SKIP
    True
    """

    def __init__(
        self,
        time_limit: float = 60.0,
        seed: int = 0,
        workers: int = 1,
        move_penalty: float = 1.0,
        lns: bool = True,
        bound: bool = True,
    ) -> None:
        self.time_limit = time_limit
        self.seed = seed
        self.workers = workers
        self.move_penalty = move_penalty
        self.lns = lns
        self.bound = bound

    def solve(
        self,
        instance: Instance,
        fixed: Sequence[Meeting] | None = None,
        previous: Iterable[Meeting] | None = None,
    ) -> Schedule:
        """Return the best schedule found within ``time_limit``.

        Parameters
        ----------
        instance : Instance
        fixed : sequence of Meeting, optional
            Confirmed meetings: kept in their slot and at their table (``table=None``: any table).
        previous : iterable of Meeting, optional
            The schedule before the change; its still-requested meetings are moved only when that gains
            more than ``move_penalty`` each.

        Returns
        -------
        Schedule

        Raises
        ------
        InvalidInstance
            When the fixed meetings are impossible (unknown ids, unavailable participant, two at once,
            over a cap, out of tables or interpreters).
        """
        if self.time_limit <= 0:
            raise ValueError("time_limit must be positive")
        t0 = time.monotonic()
        deadline = t0 + float(self.time_limit)
        timings: dict[str, float] = {}
        fixed = list(fixed or ())
        previous = [m for m in (previous or ()) if m.pair not in {f.pair for f in fixed}]

        tick = time.monotonic()
        for f in fixed:
            _check_ids(instance, f, "fixed meeting")
        c = compile_instance(instance, extra_pairs=[f.pair for f in fixed])
        base = State(c)
        fixed_tables = _place_fixed(base, c, instance, fixed)
        stay: dict[int, int] = {}
        prev_tables: dict[int, int] = {}
        for m in previous:
            try:
                _check_ids(instance, m, "previous meeting")
            except InvalidInstance:
                continue
            r = c.pair.get((c.index[m.buyer_id], c.index[m.exporter_id]))
            if r is not None and c.rw[r] > 0 and m.slot_id in c.slot_index:
                stay[r] = c.slot_index[m.slot_id]
                if m.table is not None:
                    prev_tables[r] = m.table
        timings["compile"] = time.monotonic() - tick

        # 1. The greedy baseline (b2match): previous meetings stay where they still fit, then by weight.
        tick = time.monotonic()
        by_weight = sorted((r for r in range(c.n_requests) if c.rw[r] > 0), key=lambda r: -c.rw[r])
        greedy_state = base.copy()
        _keep_previous(greedy_state, stay)
        greedy(greedy_state, by_weight)
        greedy_weight = greedy_state.weight
        timings["greedy"] = time.monotonic() - tick
        history = [(time.monotonic() - t0, greedy_weight)]

        # 2. The bound.
        tick = time.monotonic()
        remaining = deadline - time.monotonic()
        bound: Bound
        if self.bound and remaining > 0.5:
            eps = 1e-5 if remaining > 20 else 1e-4
            bound = lp_bound(c, time_limit=0.35 * remaining, threads=self.workers, eps=eps)
        else:
            comb = combinatorial_bound(c)
            bound = Bound(comb, comb, status="skipped")
        timings["bound"] = time.monotonic() - tick

        # 3. Construction guided by the LP.
        tick = time.monotonic()
        best = greedy_state
        bonus = float(self.move_penalty) if stay else 0.0
        if time.monotonic() < deadline:
            if bound.lp_value is not None:
                built = base.copy()
                _keep_previous(built, stay)
            else:  # no LP solution to follow: repair the greedy schedule instead
                built = greedy_state.copy()
            built.locked |= set(stay)  # construction moves never move a previous meeting
            _construct(built, bound, by_weight, deadline)
            built.locked -= set(stay)
            built.locked |= base.locked
            if _objective(built, stay, bonus) > _objective(best, stay, bonus):
                best = built
                history.append((time.monotonic() - t0, best.weight))
        timings["construct"] = time.monotonic() - tick

        # 4. Large-neighbourhood search with CP-SAT.
        tick = time.monotonic()
        iterations = improvements = 0
        # Leave time to number the tables (well under 30 µs a meeting) within the limit.
        lns_deadline = deadline - 0.05 - 3e-5 * best.count
        if self.lns and time.monotonic() < lns_deadline and not _proven(best, bound.value, c):
            iterations, improvements = self._lns(best, bound, stay, bonus, lns_deadline, history, t0)
        timings["lns"] = time.monotonic() - tick

        # 5. Tables.
        tick = time.monotonic()
        meetings = _meetings(best, instance, fixed_tables, prev_tables)
        timings["tables"] = time.monotonic() - tick
        weight = float(sum(c.rw[c.pair[(c.index[m.buyer_id], c.index[m.exporter_id])]] for m in meetings))
        moved = sum(1 for r, s in stay.items() if best.slot[r] != s)
        return Schedule(
            meetings=meetings,
            weight=weight,
            upper_bound=bound.value,
            greedy_weight=greedy_weight,
            timings=timings,
            moved=moved,
            history=history,
            lns_iterations=iterations,
            lns_improvements=improvements,
            lp_status=bound.status,
        )

    def _lns(
        self,
        st: State,
        bound: Bound,
        stay: dict[int, int],
        bonus: float,
        deadline: float,
        history: list[tuple[float, float]],
        t0: float,
    ) -> tuple[int, int]:
        c = st.c
        rng = random.Random(self.seed)
        reqs_of = requests_of(c)
        lp_value = bound.request_values(c.n_requests)
        scale = objective_scale(c.rw, bonus)
        searchable = [r for r in range(c.n_requests) if c.ramask[r] and c.rw[r] > 0 and r not in st.locked]
        size = 300.0
        iterations = improvements = 0
        pools: tuple[list[int], list[int], list[int]] = ([], [], [])
        while True:
            left = deadline - time.monotonic()
            if left < 0.05:
                break
            if iterations % 25 == 0:
                open_ = [r for r in searchable if st.slot[r] < 0]
                pools = (
                    [r for r in open_ if lp_value[r] > 0.5],
                    open_,
                    [r for r, s in stay.items() if st.slot[r] != s and c.ramask[r]],
                )
                if not open_ and not pools[2]:
                    break
            roll = rng.random()
            pool = pools[2] if pools[2] and roll < 0.2 else pools[0] if pools[0] and roll < 0.7 else pools[1]
            if not pool:
                pool = pools[1] or pools[2]
            seed_r = rng.choice(pool)
            chosen = neighbourhood(st, seed_r, reqs_of, rng, max_requests=int(size))
            whole = len(chosen) >= len(searchable)
            limit = min(max(0.2, 0.002 * size), left - 0.02)
            started = time.monotonic()
            out = solve_neighbourhood(
                st,
                chosen,
                time_limit=limit,
                workers=self.workers,
                seed=self.seed + iterations,
                scale=scale,
                stay=stay,
                stay_bonus=bonus,
                locked=frozenset(st.locked),
            )
            spent = time.monotonic() - started
            iterations += 1
            if out.improved:
                improvements += 1
                history.append((time.monotonic() - t0, st.weight))
            if out.status == "OPTIMAL":
                if whole:
                    break  # the neighbourhood was the whole problem: nothing left to gain
                if spent < 0.5 * limit:
                    size = min(2000, size * 1.15)
            else:
                size = max(40, size * 0.8)
            if _proven(st, bound.value, c):
                break
        return iterations, improvements


def _check_ids(instance: Instance, m: Meeting, what: str) -> None:
    try:
        instance._check_pair(m.buyer_id, m.exporter_id, f"{what} {m.buyer_id}-{m.exporter_id}")
    except InvalidInstance:
        raise
    try:
        instance.slot(m.slot_id)
    except KeyError as exc:
        raise InvalidInstance(f"{what} {m.buyer_id}-{m.exporter_id}: unknown slot {m.slot_id!r}") from exc


def _place_fixed(st: State, c: Compiled, instance: Instance, fixed: Sequence[Meeting]) -> dict[int, int]:
    """Add the fixed meetings (locked); return their tables."""
    tables: dict[int, int] = {}
    used: dict[tuple[int, int], Meeting] = {}
    for f in fixed:
        what = f"fixed meeting {f.buyer_id}-{f.exporter_id} in {f.slot_id}"
        b, e = c.index[f.buyer_id], c.index[f.exporter_id]
        r = c.pair[(b, e)]
        s = c.slot_index[f.slot_id]
        if st.slot[r] >= 0:
            raise InvalidInstance(f"{what}: the pair is fixed twice")
        for p in (b, e):
            if not (c.avail[p] >> s) & 1:
                raise InvalidInstance(f"{what}: {c.ids[p]} cannot attend {f.slot_id}")
            if (st.blk[p] >> s) & 1:
                raise InvalidInstance(f"{what}: {c.ids[p]} already has a fixed meeting then")
            if st.deg[p] >= c.cap[p]:
                raise InvalidInstance(f"{what}: {c.ids[p]} would exceed max_meetings")
        if not (st.tab_open >> s) & 1:
            raise InvalidInstance(f"{what}: no table left")
        lang = -1
        if c.rneed[r]:
            if f.interpreter is not None:
                if f.interpreter not in c.lang_index or c.lang_index[f.interpreter] not in c.rlangs[r]:
                    raise InvalidInstance(
                        f"{what}: interpreter {f.interpreter!r} is not a language of the buyer"
                    )
                lang = c.lang_index[f.interpreter]
                if st.itp_limited and not (st.itp_open[lang] >> s) & 1:
                    raise InvalidInstance(f"{what}: no {f.interpreter} interpreter left")
            else:
                lang = st.pick_lang(r, s) if c.rlangs[r] else -2
                if lang == -2:
                    raise InvalidInstance(f"{what}: needs an interpreter and none is left")
        if f.table is not None:
            if not 1 <= f.table <= c.slot_tables[s]:
                raise InvalidInstance(f"{what}: table {f.table} is not one of 1..{c.slot_tables[s]}")
            for t in bits(c.conf[s]):
                other = used.get((t, f.table))
                if other is not None:
                    raise InvalidInstance(
                        f"{what}: table {f.table} is taken by {other.buyer_id}-{other.exporter_id}"
                    )
            used[(s, f.table)] = f
            tables[r] = f.table
        st.add(r, s, lang)
        st.locked.add(r)
    return tables


def _keep_previous(st: State, stay: dict[int, int]) -> None:
    c = st.c
    for r in sorted(stay, key=lambda r: -c.rw[r]):
        if st.slot[r] < 0 and st.room(r):
            st.try_add(r, stay[r])


def _objective(st: State, stay: dict[int, int], bonus: float) -> float:
    return st.weight + bonus * sum(1 for r, s in stay.items() if st.slot[r] == s)


def _proven(st: State, bound: float, c: Compiled) -> bool:
    """Whether ``st`` reaches the bound (for integer weights, the bound rounded down)."""
    if st.weight >= bound - 1e-9:
        return True
    if all(float(w).is_integer() for w in c.rw):
        return st.weight >= math.floor(bound + 1e-6)
    return False


def _construct(st: State, bound: Bound, by_weight: list[int], deadline: float) -> None:
    c = st.c
    x = bound.request_values(c.n_requests)
    pref = bound.preferred_group(c.n_requests)
    groups = bound.groups
    all_slots = c.all_slots

    def group_of(r: int) -> int:
        g = int(pref[r])
        return groups[g] if g >= 0 else all_slots

    chosen = [r for r in by_weight if x[r] > 0.5] if bound.lp_value is not None else []
    chosen.sort(key=lambda r: (-round(float(x[r]), 3), -c.rw[r]))
    for phase in (chosen, by_weight):
        for i, r in enumerate(phase):
            if i % 16 == 0 and time.monotonic() > deadline:
                greedy(st, by_weight)  # out of time: complete the schedule the quick way
                return
            if st.slot[r] < 0 and st.room(r) and c.ramask[r]:
                insert(st, r, group_of(r))
    for i, r in enumerate(by_weight):
        if i % 16 == 0 and time.monotonic() > deadline:
            return
        if st.slot[r] < 0 and c.ramask[r]:
            exchange(st, r, group_of, deadline)


def _meetings(
    st: State, instance: Instance, fixed_tables: dict[int, int], prev_tables: dict[int, int]
) -> list[Meeting]:
    """Number the tables: fixed tables first, then previous tables where free, then the lowest free.

    Two meetings at the same time (the same slot or overlapping slots) never share a table; a meeting
    that finds no table (possible only with overlapping slots of unequal table counts) is dropped.
    """
    c = st.c
    taken: list[set[int]] = [set() for _ in range(c.n_slots)]
    table: dict[int, int] = {}
    for r, t in fixed_tables.items():
        taken[st.slot[r]].add(t)
        table[r] = t
    rest = [r for r in st.scheduled() if r not in table]
    rest.sort(key=lambda r: (st.slot[r], r not in prev_tables, r))

    def busy(s: int) -> set[int]:
        if not c.overlapping:
            return taken[s]
        out: set[int] = set()
        for t in bits(c.conf[s]):
            out |= taken[t]
        return out

    lowest_free = [1] * c.n_slots  # tables below it are taken (taken tables are never freed here)
    for r in rest:
        s = st.slot[r]
        occupied = busy(s)
        want = prev_tables.get(r)
        if want is not None and want not in occupied and want <= c.slot_tables[s]:
            t = want
        else:
            t = lowest_free[s]
            while t in occupied:
                t += 1
            lowest_free[s] = t
        if t > c.slot_tables[s]:
            st.remove(r)
            continue
        taken[s].add(t)
        table[r] = t
    out = []
    for r in sorted(table, key=lambda r: (st.slot[r], table[r])):
        lang = st.lang[r]
        out.append(
            Meeting(
                buyer_id=c.ids[c.rb[r]],
                exporter_id=c.ids[c.re[r]],
                slot_id=c.slot_ids[st.slot[r]],
                table=table[r],
                interpreter=c.languages[lang] if lang >= 0 else None,
            )
        )
    return out
