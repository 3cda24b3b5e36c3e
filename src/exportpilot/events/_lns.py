"""Large-neighbourhood search: re-solve a few participants' meetings exactly with CP-SAT.

A neighbourhood is a set of requests (all requests of a few participants). Their meetings are taken out
of the schedule, and CP-SAT chooses again which of them meet and when, given everything else as fixed:
the outside partners' busy slots, the tables and interpreters left, the caps left. The result replaces
the old meetings only when it weighs more; otherwise the schedule is restored as it was.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from exportpilot.events._model import bits
from exportpilot.events._state import State


@dataclass(slots=True)
class Outcome:
    improved: bool
    gain: float
    variables: int
    status: str


def objective_scale(weights: Sequence[float], bonus: float) -> float:
    """A factor that makes the weights (and the stay bonus) integers, or 1000 when they are not."""
    values = [*weights, bonus]
    if all(float(w).is_integer() for w in values):
        return 1.0
    if all(float(w * 100).is_integer() for w in values):
        return 100.0
    return 1000.0


def solve_neighbourhood(
    st: State,
    requests: Sequence[int],
    *,
    time_limit: float,
    workers: int,
    seed: int,
    scale: float,
    stay: dict[int, int] | None = None,
    stay_bonus: float = 0.0,
    locked: frozenset[int] = frozenset(),
) -> Outcome:
    """Re-solve ``requests`` exactly (up to ``time_limit``); keep the result only if it gains.

    ``stay`` maps a request to its slot in a previous schedule; keeping it there earns ``stay_bonus``
    (the re-scheduling penalty for a move, counted as a bonus for not moving). ``locked`` requests are
    never touched (fixed meetings).
    """
    c = st.c
    reqs = [r for r in dict.fromkeys(requests) if r not in locked and c.ramask[r]]
    stay = stay or {}

    def value_of(rs: Sequence[int]) -> float:
        return sum(c.rw[r] + (stay_bonus if stay.get(r, -1) == st.slot[r] else 0.0) for r in rs)

    old = [(r, st.slot[r], st.lang[r]) for r in reqs if st.slot[r] >= 0]
    old_value = value_of([r for r, _, _ in old])
    for r, _, _ in old:
        st.remove(r)

    model = cp_model.CpModel()
    xs: list[tuple[int, int, int, cp_model.IntVar]] = []  # (request, slot, language, var)
    by_req: dict[int, list[cp_model.IntVar]] = {}
    by_part_point: dict[tuple[int, int], list[cp_model.IntVar]] = {}
    by_part: dict[int, list[cp_model.IntVar]] = {}
    by_point: dict[int, list[cp_model.IntVar]] = {}
    by_lang_point: dict[tuple[int, int], list[cp_model.IntVar]] = {}
    limited = st.itp_limited
    objective = []
    old_slot = {r: (s, lang) for r, s, lang in old}
    hints: list[tuple[cp_model.IntVar, int]] = []
    for r in reqs:
        b, e = c.rb[r], c.re[r]
        if st.deg[b] >= c.cap[b] or st.deg[e] >= c.cap[e]:
            continue
        m = st.free(r)
        if not m:
            continue
        langs: tuple[int, ...] = c.rlangs[r] if (c.rneed[r] and limited) else (-1,)
        for s in bits(m):
            for lang in langs:
                if lang >= 0 and not (st.itp_open[lang] >> s) & 1:
                    continue
                v = model.new_bool_var("")
                xs.append((r, s, lang, v))
                by_req.setdefault(r, []).append(v)
                for q in c.points_of[s]:
                    by_part_point.setdefault((b, q), []).append(v)
                    by_part_point.setdefault((e, q), []).append(v)
                    by_point.setdefault(q, []).append(v)
                    if lang >= 0:
                        by_lang_point.setdefault((lang, q), []).append(v)
                by_part.setdefault(b, []).append(v)
                by_part.setdefault(e, []).append(v)
                gain = c.rw[r] + (stay_bonus if stay.get(r, -1) == s else 0.0)
                objective.append(round(gain * scale) * v)
                prev = old_slot.get(r)
                hints.append((v, int(prev is not None and prev[0] == s and (lang < 0 or prev[1] == lang))))
    for vs in by_req.values():
        if len(vs) > 1:
            model.add_at_most_one(vs)
    for vs in by_part_point.values():
        if len(vs) > 1:
            model.add_at_most_one(vs)
    for p, vs in by_part.items():
        room = c.cap[p] - st.deg[p]
        if len(vs) > room:
            model.add(sum(vs) <= room)
    for q, vs in by_point.items():
        room = c.table_cap[q] - st.tab_used[q]
        if len(vs) > room:
            model.add(sum(vs) <= room)
    if limited and c.interp_cap is not None:
        for (lang, q), vs in by_lang_point.items():
            room = c.interp_cap[lang][q] - st.itp_used[lang][q]
            if len(vs) > room:
                model.add(sum(vs) <= room)
    model.maximize(sum(objective))
    for v, h in hints:
        model.add_hint(v, h)

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.01, time_limit)
    solver.parameters.num_workers = max(1, workers)
    solver.parameters.random_seed = seed
    solver.parameters.log_search_progress = False
    status = solver.solve(model) if xs else cp_model.OPTIMAL
    status_name = solver.status_name(status) if xs else "EMPTY"

    added: list[int] = []
    ok = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    if ok:
        for r, s, lang, v in xs:
            if solver.boolean_value(v):
                if st.slot[r] >= 0 or not st.room(r) or not (st.free(r) >> s) & 1:
                    ok = False
                    break
                use = lang if lang >= 0 else st.pick_lang(r, s)
                if use == -2 or (lang >= 0 and not (st.itp_open[lang] >> s) & 1):
                    ok = False
                    break
                st.add(r, s, use)
                added.append(r)
    new_value = value_of(added) if ok else -1.0
    if ok and new_value > old_value + 1e-9:
        return Outcome(True, new_value - old_value, len(xs), status_name)
    for r in added:
        st.remove(r)
    for r, s, lang in old:
        st.add(r, s, lang)
    return Outcome(False, 0.0, len(xs), status_name)


def neighbourhood(
    st: State,
    seed_request: int,
    reqs_of: Sequence[Sequence[int]],
    rng: random.Random,
    *,
    max_requests: int,
    max_participants: int = 60,
) -> list[int]:
    """The requests of the seed's two sides, grown through the partners they meet, up to a size."""
    c = st.c
    frontier = [c.rb[seed_request], c.re[seed_request]]
    seen_p: set[int] = set()
    out: dict[int, None] = {}
    while frontier and len(out) < max_requests and len(seen_p) < max_participants:
        p = frontier.pop(0)
        if p in seen_p:
            continue
        seen_p.add(p)
        for r in reqs_of[p]:
            out[r] = None
        partners = [c.re[r] if c.rb[r] == p else c.rb[r] for r in st.at[p].values()]
        rng.shuffle(partners)
        frontier.extend(q for q in partners if q not in seen_p)
        if not frontier:
            # Nobody left to reach through meetings: continue with partners it could meet.
            extra = [c.re[r] if c.rb[r] == p else c.rb[r] for r in reqs_of[p]]
            rng.shuffle(extra)
            frontier.extend(q for q in extra[:3] if q not in seen_p)
    return list(out)
